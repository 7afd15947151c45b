"""Prompt texts for the synthetic part of the training corpus.

All sentences are written for this project (templates and short hand-written
lines); none are copied from a third-party corpus.  `sentences(lang, n, seed)`
returns a deterministic list.
"""
import random
import subprocess

_EN_SUBJ = ["The driver", "My neighbour", "Our teacher", "The old man", "A young girl", "The doctor",
            "Your brother", "The manager", "Everyone in the room", "The farmer", "Her cousin",
            "The pilot", "A tired student", "The cook", "The mayor", "His daughter", "The nurse",
            "The engineer", "Somebody", "The captain"]
_EN_VERB = ["opened", "painted", "carried", "found", "sold", "cleaned", "fixed", "forgot", "bought",
            "dropped", "borrowed", "described", "ordered", "packed", "checked", "returned", "hid",
            "noticed", "moved", "counted"]
_EN_OBJ = ["the heavy wooden door", "a small blue boat", "the letters from the office", "three bags of rice",
           "the broken window", "an old map of the city", "the keys to the garage", "a basket of apples",
           "the red bicycle", "the kitchen table", "a box of candles", "the train tickets",
           "the garden fence", "a pair of leather boots", "the morning newspaper", "two cups of tea"]
_EN_TAIL = ["before the rain started", "after lunch", "on Tuesday morning", "without saying a word",
            "late last night", "in the middle of winter", "near the river", "as quickly as possible",
            "for the third time this week", "while the children were asleep", "at the end of the day",
            "just before the meeting", "in front of the station", ""]
_EN_Q = ["Could you tell me where the nearest pharmacy is?", "What time does the last bus leave?",
         "Have you seen my glasses anywhere?", "Is it going to rain tomorrow afternoon?",
         "How much does a return ticket cost?", "Why is the light in the hallway still on?",
         "Would you like some more coffee?", "Where did you park the car?",
         "Can we move the appointment to Friday?", "Who left the window open?",
         "Do you know the password for the guest network?", "When will the package arrive?",
         "Did anyone call while I was out?", "Which platform does the train to the coast leave from?",
         "Shall I turn the heating down a little?", "How long have you lived in this town?"]
_EN_CMD = ["Turn on the lights in the living room.", "Set a timer for {m} minutes.",
           "Call my sister on her mobile.", "Play some quiet music in the kitchen.",
           "Remind me to buy milk at {h} o'clock.", "Turn the volume down, please.",
           "Lock the front door and switch off the heating.", "Send a message to the office saying I will be late.",
           "Set the thermostat to {t} degrees.", "Cancel my alarm for tomorrow morning.",
           "Open the garage door.", "Read me the weather forecast.", "Skip to the next song.",
           "Add eggs and flour to the shopping list.", "Pause the video.", "Stop the recording now.",
           "Transfer {d} dollars to my savings account.", "Please confirm your account number.",
           "Press one to speak to an agent, or two to hear the menu again.",
           "Your call is important to us. Please stay on the line."]
_EN_MONTH = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
_EN_DAY = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_EN_FACT = ["The meeting has been moved to {day}, the {dd} of {mon}.",
            "Your reference number is {n1} {n2} {n3}.",
            "The total comes to {d} dollars and {c} cents.",
            "Flight {n1} to {city} is now boarding at gate {g}.",
            "The temperature today will reach {t} degrees, with a light wind from the west.",
            "We were founded in {y} and now employ {n2} people.",
            "Please call us back on {n1} {n2} {n3} {n4}.",
            "The library opens at {h} in the morning and closes at {h2} in the evening.",
            "In {y} the population of the town was about {p} thousand.",
            "Your appointment is confirmed for {day} at {h} thirty.",
            "The next train to {city} departs in {m} minutes from platform {g}.",
            "Chapter {g}: the long road home.",
            "I have known her since {y}, when we both worked at the harbour.",
            "There are {n2} apples, {g} pears and {m} oranges on the table."]
_CITIES = ["London", "Boston", "Sydney", "Madrid", "Chicago", "Toronto", "Dublin", "Denver", "Lisbon",
           "Berlin", "Cairo", "Seattle", "Oslo", "Nairobi", "Houston", "Glasgow"]
_EN_FREE = [
    "The sun had already set when we reached the top of the hill.",
    "It is hard to believe that the summer is almost over.",
    "She kept the old photographs in a tin box under her bed.",
    "A gentle breeze moved the curtains back and forth.",
    "Nobody expected the little shop on the corner to stay open for forty years.",
    "He laughed so loudly that the whole carriage turned to look at him.",
    "The bread in this bakery is still baked in a wood-fired oven.",
    "We should leave early if we want to avoid the traffic.",
    "The river was frozen solid for most of February.",
    "I would rather walk than wait another hour for the bus.",
    "Thank you for calling. All of our operators are currently busy.",
    "If you know the extension of the person you are calling, dial it now.",
    "The quick brown fox jumps over the lazy dog.",
    "Please leave your message after the tone.",
    "Most of the books on the top shelf belonged to my grandfather.",
    "The museum is closed on public holidays.",
    "They painted the fence white and planted roses along the path.",
    "After the storm, the streets were covered with leaves and branches.",
    "My favourite season is autumn, when the mornings are cool and clear.",
    "The children built a tall tower out of cardboard boxes.",
    "Honestly, I think we took a wrong turn about ten minutes ago.",
    "Let me check the schedule and get back to you this afternoon.",
    "The soup needs a little more salt and a pinch of pepper.",
    "Every evening the fishermen pulled their boats up onto the sand.",
    "That is the most beautiful sunrise I have ever seen.",
    "Remember to water the plants while I am away.",
    "The conference will be held in the main hall on the second floor.",
    "Keep your receipt in case you need to return the item.",
    "Sorry, I did not catch that. Could you say it again?",
    "The battery is low. Please connect the charger.",
]


def _en(n, rng):
    out = []
    kinds = ["svo", "q", "cmd", "fact", "free"]
    while len(out) < n:
        k = rng.choice(kinds)
        if k == "svo":
            s = f"{rng.choice(_EN_SUBJ)} {rng.choice(_EN_VERB)} {rng.choice(_EN_OBJ)}"
            t = rng.choice(_EN_TAIL)
            s = (s + " " + t if t else s) + "."
        elif k == "q":
            s = rng.choice(_EN_Q)
        elif k == "free":
            s = rng.choice(_EN_FREE)
            if rng.random() < 0.3:
                s = s + " " + rng.choice(_EN_FREE)
        else:
            tpl = rng.choice(_EN_CMD if k == "cmd" else _EN_FACT)
            s = tpl.format(m=rng.randint(2, 45), h=rng.randint(1, 12), h2=rng.randint(5, 11),
                           t=rng.randint(16, 28), d=rng.randint(5, 900), c=rng.randint(1, 99),
                           n1=rng.randint(100, 999), n2=rng.randint(10, 99), n3=rng.randint(10, 9999),
                           n4=rng.randint(10, 99), g=rng.randint(1, 24), y=rng.randint(1890, 2024),
                           p=rng.randint(3, 900), city=rng.choice(_CITIES), day=rng.choice(_EN_DAY),
                           dd=rng.choice(["first", "second", "third", "fifth", "ninth", "twelfth",
                                          "twentieth", "twenty-first", "thirtieth"]),
                           mon=rng.choice(_EN_MONTH))
        out.append(s)
    return out


# Hand-written short lines for other languages (numbers are appended by templates).
_OTHER = {
    "de": ["Guten Morgen, wie geht es Ihnen heute?", "Der Zug nach Hamburg hat leider zwanzig Minuten Verspätung.",
           "Bitte schalten Sie das Licht im Flur aus.", "Wir treffen uns am Freitag vor dem Rathaus.",
           "Das Wetter wird morgen sonnig und warm.", "Können Sie mir sagen, wo der Bahnhof ist?",
           "Meine Großmutter backt jeden Sonntag einen Apfelkuchen.", "Die Bibliothek ist am Montag geschlossen.",
           "Ich habe meinen Schlüssel im Büro vergessen.", "Drücken Sie die Eins, um mit einem Mitarbeiter zu sprechen.",
           "Im Winter liegt auf den Bergen viel Schnee.", "Der Hund schläft neben dem warmen Ofen.",
           "Vielen Dank für Ihren Anruf, bitte bleiben Sie in der Leitung.", "Wie viel kostet eine Fahrkarte nach Berlin?",
           "Die Kinder spielen im Garten Fußball.", "Stell bitte einen Wecker für sieben Uhr."],
    "fr": ["Bonjour, comment allez-vous aujourd'hui ?", "Le train pour Lyon partira avec dix minutes de retard.",
           "Pouvez-vous fermer la fenêtre, s'il vous plaît ?", "Nous avons rendez-vous jeudi à la mairie.",
           "Il fera beau et chaud demain après-midi.", "Où se trouve la pharmacie la plus proche ?",
           "Ma tante prépare une tarte aux pommes tous les dimanches.", "Le musée est fermé le mardi.",
           "J'ai oublié mon parapluie dans le bus.", "Appuyez sur la touche deux pour répéter ce message.",
           "Les enfants jouent dans le jardin depuis ce matin.", "Merci de votre appel, veuillez patienter.",
           "Combien coûte un billet aller-retour pour Paris ?", "La rivière a débordé après la tempête.",
           "Allume la lumière de la cuisine, s'il te plaît.", "Le chat dort sur le canapé du salon."],
    "es": ["Buenos días, ¿cómo está usted hoy?", "El autobús a Sevilla sale dentro de quince minutos.",
           "Por favor, apague la luz del pasillo.", "Nos vemos el sábado delante del mercado.",
           "Mañana hará sol y mucho calor.", "¿Sabe dónde está la estación de tren?",
           "Mi abuela prepara paella todos los domingos.", "La tienda cierra a las ocho de la tarde.",
           "He dejado las llaves encima de la mesa.", "Pulse uno para hablar con un operador.",
           "Los niños juegan en el parque después de la escuela.", "Gracias por llamar, espere un momento por favor.",
           "¿Cuánto cuesta un billete de ida y vuelta?", "El río estaba helado durante todo el invierno.",
           "Pon una alarma para las seis y media.", "El perro duerme junto a la chimenea."],
    "it": ["Buongiorno, come sta oggi?", "Il treno per Milano ha venti minuti di ritardo.",
           "Per favore, chiuda la porta della cucina.", "Ci vediamo domenica davanti alla chiesa.",
           "Domani il tempo sarà bello e soleggiato.", "Sa dirmi dove si trova la farmacia?",
           "Mia nonna prepara la pasta fresca ogni domenica.", "Il negozio apre alle nove del mattino.",
           "Ho dimenticato il telefono in macchina.", "Prema uno per parlare con un operatore.",
           "I bambini giocano nel cortile della scuola.", "Grazie per aver chiamato, resti in linea.",
           "Quanto costa un biglietto per Roma?", "Il fiume scorre lento sotto il vecchio ponte.",
           "Accendi la luce del soggiorno, per favore.", "Il gatto dorme sulla sedia vicino alla finestra."],
    "pt": ["Bom dia, como vai você hoje?", "O comboio para o Porto está atrasado dez minutos.",
           "Por favor, desligue a luz da sala.", "Encontramo-nos na sexta-feira em frente ao banco.",
           "Amanhã vai estar sol e calor.", "Sabe onde fica a estação de metro?",
           "A minha avó faz bolo de laranja aos domingos.", "A loja fecha às sete da tarde.",
           "Esqueci o guarda-chuva no escritório.", "Prima um para falar com um assistente.",
           "As crianças brincam na praia até ao pôr do sol.", "Obrigado por ligar, aguarde por favor.",
           "Quanto custa um bilhete para Lisboa?", "O barco chegou ao porto de madrugada."],
    "nl": ["Goedemorgen, hoe gaat het met u vandaag?", "De trein naar Utrecht heeft tien minuten vertraging.",
           "Wil je het licht in de gang uitdoen?", "We zien elkaar vrijdag bij het station.",
           "Morgen wordt het zonnig en warm.", "Weet u waar de dichtstbijzijnde apotheek is?",
           "Mijn oma bakt elke zondag appeltaart.", "De winkel sluit om zes uur.",
           "Ik ben mijn sleutels vergeten.", "Druk op één om met een medewerker te spreken.",
           "De kinderen fietsen langs het kanaal naar school.", "Bedankt voor uw geduld, blijf aan de lijn."],
    "ru": ["Добрый день, как у вас дела?", "Поезд до Москвы опаздывает на двадцать минут.",
           "Пожалуйста, выключите свет в коридоре.", "Встретимся в субботу у входа в парк.",
           "Завтра будет тепло и солнечно.", "Скажите, пожалуйста, где находится вокзал?",
           "Моя бабушка каждое воскресенье печёт пироги.", "Магазин закрывается в девять вечера.",
           "Я забыл ключи на работе.", "Нажмите один, чтобы поговорить с оператором.",
           "Дети играют во дворе после школы.", "Спасибо за звонок, оставайтесь на линии.",
           "Сколько стоит билет до Петербурга?", "Зимой река покрывается толстым льдом."],
    "ar": ["صباح الخير، كيف حالك اليوم؟", "سيتأخر القطار عشرين دقيقة.", "من فضلك أطفئ النور في الممر.",
           "سنلتقي يوم الجمعة أمام المسجد.", "سيكون الجو مشمسا وحارا غدا.", "هل تعرف أين تقع الصيدلية؟",
           "جدتي تخبز الخبز كل صباح.", "يغلق المتجر في الساعة التاسعة مساء.", "نسيت مفاتيحي في السيارة.",
           "اضغط واحد للتحدث مع موظف.", "شكرا لاتصالك، يرجى الانتظار.", "كم سعر التذكرة إلى القاهرة؟"],
    "cmn": ["早上好，你今天怎么样？", "去北京的火车晚点二十分钟。", "请把走廊的灯关掉。", "我们星期六在公园门口见面。",
            "明天天气晴朗，比较暖和。", "请问火车站在哪里？", "我奶奶每个星期天都包饺子。", "商店晚上九点关门。",
            "我把钥匙忘在办公室了。", "请按一号键联系人工服务。", "孩子们放学后在操场上踢足球。", "感谢您的来电，请稍候。"],
    "fi": ["Hyvää huomenta, mitä kuuluu?", "Juna Tampereelle on myöhässä kymmenen minuuttia.",
           "Sammuta valot eteisestä, kiitos.", "Tavataan lauantaina torilla.", "Huomenna on aurinkoinen ja lämmin päivä.",
           "Missä on lähin apteekki?", "Isoäiti leipoo pullaa joka sunnuntai.", "Kauppa sulkeutuu kello yhdeksän.",
           "Unohdin avaimeni toimistoon.", "Paina ykköstä puhuaksesi asiakaspalvelijan kanssa.",
           "Lapset leikkivät pihalla koulun jälkeen.", "Kiitos soitostasi, pysy linjalla."],
    "cs": ["Dobrý den, jak se dnes máte?", "Vlak do Brna má zpoždění deset minut.", "Prosím, zhasněte světlo na chodbě.",
           "Sejdeme se v sobotu před divadlem.", "Zítra bude slunečno a teplo.", "Kde je nejbližší lékárna?",
           "Babička peče každou neděli koláče.", "Obchod zavírá v osm hodin večer.", "Zapomněl jsem klíče v kanceláři.",
           "Stiskněte jedničku pro spojení s operátorem.", "Děti si hrají na zahradě.", "Děkujeme za trpělivost."],
    "ca": ["Bon dia, com estàs avui?", "El tren de Girona arriba amb deu minuts de retard.", "Si us plau, apaga el llum del passadís.",
           "Ens veiem dissabte davant de l'ajuntament.", "Demà farà sol i calor.", "On és la farmàcia més propera?",
           "La meva àvia fa coca cada diumenge.", "La botiga tanca a les vuit del vespre.", "M'he deixat les claus a la feina.",
           "Premeu u per parlar amb un operador.", "Els nens juguen al pati de l'escola.", "Gràcies per trucar, espereu si us plau."],
    "hi": ["नमस्ते, आप कैसे हैं?", "दिल्ली जाने वाली ट्रेन बीस मिनट देर से है।", "कृपया बत्ती बंद कर दीजिए।",
           "हम शनिवार को बाज़ार में मिलेंगे।", "कल मौसम साफ़ और गरम रहेगा।", "दवाई की दुकान कहाँ है?",
           "मेरी दादी हर रविवार को खाना बनाती हैं।", "दुकान रात नौ बजे बंद होती है।", "मैं अपनी चाबी दफ़्तर में भूल गया।",
           "धन्यवाद, कृपया प्रतीक्षा करें।"],
}
_NUM_TPL = {"de": "Die Nummer ist {a} {b} {c}.", "fr": "Le numéro est le {a} {b} {c}.",
            "es": "El número es {a} {b} {c}.", "it": "Il numero è {a} {b} {c}.",
            "pt": "O número é {a} {b} {c}.", "nl": "Het nummer is {a} {b} {c}.",
            "ru": "Номер {a} {b} {c}.", "ar": "{a} {b} {c}", "cmn": "号码是 {a} {b} {c}。",
            "fi": "Numero on {a} {b} {c}.", "cs": "Číslo je {a} {b} {c}.", "ca": "El número és {a} {b} {c}.",
            "hi": "{a} {b} {c}"}


def sentences(lang, n, seed=0):
    rng = random.Random(f"{lang}-{seed}")
    if lang.startswith("en"):
        return _en(n, rng)
    base = _OTHER[lang]
    out = []
    while len(out) < n:
        r = rng.random()
        if r < 0.2:
            out.append(_NUM_TPL[lang].format(a=rng.randint(10, 999), b=rng.randint(10, 99), c=rng.randint(10, 9999)))
        elif r < 0.45:
            out.append(rng.choice(base) + " " + rng.choice(base))
        else:
            out.append(rng.choice(base))
    return out


LANGS = ["en"] + sorted(_OTHER)


def espeak_ipa(text, espeak_voice, tie=None):
    """IPA of `text` from espeak-ng, one clause per output line joined with ", ", ending in the text's
    own . ? or ! (else "."); `tie` marks the two halves of affricates and diphthongs (e.g. "^")."""
    cmd = ["espeak-ng", "-q", "--ipa"] + ([f"--tie={tie}"] if tie else []) + ["-v", espeak_voice, text]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=60).stdout
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    end = text.strip()[-1:] if text.strip()[-1:] in ".?!" else "."
    return ", ".join(lines) + end

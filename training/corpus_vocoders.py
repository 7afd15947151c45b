"""Copy-synthesis vocoders: analyse a genuine clip and regenerate it (same words, same speaker)."""
import numpy as np
from scipy.signal import lfilter

from corpus_audio import SR, f0_track, pyworld_module

VARIANTS = [("world", "harvest"), ("world", "dio"), ("griffinlim", "stft"), ("griffinlim", "mel"),
            ("lpc", "pulse"), ("lpc", "quant")]


def world(y, variant, rng):
    pw = pyworld_module()
    x = np.ascontiguousarray(y, dtype=np.float64)
    fp = 5.0
    if variant == "harvest":
        f0, t = pw.harvest(x, SR, frame_period=fp)
    else:
        f0, t = pw.dio(x, SR, frame_period=fp)
        f0 = pw.stonemask(x, f0, t, SR)
    sp = pw.cheaptrick(x, f0, t, SR)
    ap = pw.d4c(x, f0, t, SR)
    return pw.synthesize(f0, sp, ap, SR, fp), {"f0": variant, "frame_period_ms": fp}


def griffinlim(y, variant, rng):
    import librosa
    n_iter = int(rng.integers(32, 49))
    if variant == "stft":
        n_fft = int(rng.choice([512, 1024]))
        hop = n_fft // 4
        S = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop))
        out = librosa.griffinlim(S, n_iter=n_iter, hop_length=hop, n_fft=n_fft, random_state=int(rng.integers(1 << 30)))
        return out, {"n_fft": n_fft, "hop": hop, "n_iter": n_iter}
    n_fft, hop = 1024, 256
    n_mels = int(rng.choice([64, 80, 128]))
    basis = librosa.filters.mel(sr=SR, n_fft=n_fft, n_mels=n_mels)
    M = basis @ np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop))
    # mel -> linear magnitude by the (non-negative) pseudo-inverse (fast stand-in for librosa's NNLS)
    S = np.maximum(np.linalg.pinv(basis) @ M, 0.0)
    out = librosa.griffinlim(S, n_iter=n_iter, hop_length=hop, n_fft=n_fft, random_state=int(rng.integers(1 << 30)))
    return out, {"n_fft": n_fft, "hop": hop, "n_mels": n_mels, "n_iter": n_iter, "mel_inverse": "pinv"}


def lpc(y, variant, rng):
    import librosa
    order = int(rng.integers(16, 25))
    win, hop = 400, 200
    w = np.hanning(win + 1)[:-1]  # periodic Hann: 50 % overlap-add sums to 1
    x = y + 1e-5 * rng.standard_normal(len(y))
    n_fr = 1 + max(0, int(np.ceil((len(x) - win) / hop)))
    x = np.pad(x, (0, (n_fr - 1) * hop + win - len(x)))
    out = np.zeros(len(x))
    meta = {"order": order, "win": win, "hop": hop}
    if variant == "pulse":
        f0 = f0_track(x, hop)
        # sample-level f0 and a pulse train following it; noise where unvoiced
        f0s = np.interp(np.arange(len(x)), np.arange(len(f0)) * hop, f0)
        voiced = f0s > 0
        phase = np.cumsum(np.where(voiced, f0s, 0.0) / SR)
        pulses = np.zeros(len(x))
        pulses[1:][np.diff(np.floor(phase)) > 0] = 1.0
        noise = rng.standard_normal(len(x))
        exc_all = np.where(voiced, pulses + 0.05 * noise, noise)
    else:
        bits = int(rng.integers(3, 6))
        meta["bits"] = bits
    for i in range(n_fr):
        s = x[i * hop:i * hop + win]
        try:
            a = librosa.lpc(s * w, order=order)
        except Exception:
            continue
        if not np.all(np.isfinite(a)):
            continue
        res = lfilter(a, [1.0], s)
        e_res = np.sqrt(np.mean(res ** 2)) + 1e-12
        if variant == "pulse":
            exc = exc_all[i * hop:i * hop + win].copy()
            exc *= e_res / (np.sqrt(np.mean(exc ** 2)) + 1e-12)
        else:
            # mu-law quantised residual (coarse), rescaled
            mu = 255.0
            r = np.clip(res / (np.max(np.abs(res)) + 1e-12), -1, 1)
            c = np.sign(r) * np.log1p(mu * np.abs(r)) / np.log1p(mu)
            L = 2 ** (bits - 1)
            c = np.round(c * L) / L
            exc = np.sign(c) * ((1 + mu) ** np.abs(c) - 1) / mu * np.max(np.abs(res))
        syn = lfilter([1.0], a, exc)
        if not np.all(np.isfinite(syn)):
            continue
        # match the frame energy of the original (resonant filters on quiet frames can ring)
        syn *= np.sqrt(np.mean(s ** 2)) / (np.sqrt(np.mean(syn ** 2)) + 1e-12)
        out[i * hop:i * hop + win] += w * syn
    return out[:len(y)], meta


def copy_synth(y, kind, variant, rng):
    fn = {"world": world, "griffinlim": griffinlim, "lpc": lpc}[kind]
    out, meta = fn(np.asarray(y, dtype=np.float64), variant, rng)
    out = np.nan_to_num(np.asarray(out, dtype=np.float64))
    return out, meta

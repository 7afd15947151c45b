#!/usr/bin/env python3
"""Independent numpy/scipy reference for voxscreen's spectral front-ends.

Writes tests/reference/features_ref.json, which tests/features_parity.rs compares the Rust
implementation (src/features.rs) against. Nothing here calls the Rust code: the maths is
written out from the contract with scipy.signal.get_window, numpy.fft.rfft and
scipy.fft.dct, in float64.

Inputs are deterministic (fixed seeds) and quantised to 16-bit PCM (integers / 32768), so
they are stored exactly as integers and are exactly representable as f32 on the Rust side.

Run:  /work/venv/bin/python tests/reference/features_ref.py
"""

import json
import os

import numpy as np
import scipy.fft
import scipy.signal

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "features_ref.json")
LOG_EPS = 1e-10


# --------------------------------------------------------------------------- specs

def default_lfcc():
    return dict(kind="lfcc", sample_rate=16000, n_fft=512, win_length=400, hop_length=160,
                n_filters=40, n_coeffs=20, deltas=True, cmn=True)


def log_spec_spec():
    return dict(kind="log_spectrogram", sample_rate=16000, n_fft=512, win_length=400,
                hop_length=160, n_filters=40, n_coeffs=20, deltas=False, cmn=True)


def lfcc_variant():
    # Non power-of-two FFT, window == n_fft, no deltas, no CMN.
    return dict(kind="lfcc", sample_rate=16000, n_fft=400, win_length=400, hop_length=200,
                n_filters=30, n_coeffs=13, deltas=False, cmn=False)


# --------------------------------------------------------------------------- maths

def n_frames(n, spec):
    w, h = spec["win_length"], spec["hop_length"]
    return 0 if n < w else 1 + (n - w) // h


def power_spectrogram(x, spec):
    x = np.asarray(x, dtype=np.float64)
    n_fft, win, hop = spec["n_fft"], spec["win_length"], spec["hop_length"]
    window = scipy.signal.get_window("hann", win)  # periodic (fftbins=True)
    t = n_frames(len(x), spec)
    out = np.zeros((n_fft // 2 + 1, t))
    for i in range(t):
        frame = np.zeros(n_fft)
        frame[:win] = x[i * hop:i * hop + win] * window
        out[:, i] = np.abs(np.fft.rfft(frame, n=n_fft)) ** 2
    return out


def log_spectrogram(x, spec):
    return np.log(power_spectrogram(x, spec) + LOG_EPS)


def linear_filterbank(spec):
    sr, n_fft, nf = spec["sample_rate"], spec["n_fft"], spec["n_filters"]
    pts = np.linspace(0.0, sr / 2.0, nf + 2)
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    fb = np.zeros((nf, n_fft // 2 + 1))
    for m in range(nf):
        lo, c, hi = pts[m], pts[m + 1], pts[m + 2]
        up = (freqs - lo) / (c - lo)
        down = (hi - freqs) / (hi - c)
        fb[m] = np.maximum(0.0, np.minimum(up, down))
    return fb


def delta(x):
    # delta(x)[t] = sum_{n=1..2} n*(x[t+n]-x[t-n]) / (2*(1+4)), edge frames replicated
    t = x.shape[1]
    if t == 0:
        return x.copy()
    pad = np.concatenate([x[:, :1], x[:, :1], x, x[:, -1:], x[:, -1:]], axis=1)
    d = np.zeros_like(x)
    for n in (1, 2):
        d += n * (pad[:, 2 + n:2 + n + t] - pad[:, 2 - n:2 - n + t])
    return d / 10.0


def lfcc(x, spec):
    p = power_spectrogram(x, spec)
    e = linear_filterbank(spec) @ p
    c = scipy.fft.dct(np.log(e + LOG_EPS), type=2, norm="ortho", axis=0)[:spec["n_coeffs"]]
    if spec["deltas"]:
        d = delta(c)
        dd = delta(d)
        c = np.concatenate([c, d, dd], axis=0)
    return c


def model_input(x, spec):
    m = lfcc(x, spec) if spec["kind"] == "lfcc" else log_spectrogram(x, spec)
    if spec["cmn"] and m.shape[1] > 0:
        m = m - m.mean(axis=1, keepdims=True)
    return m


# --------------------------------------------------------------------------- inputs

def pcm16(x):
    """Quantise to int16 PCM; the signal the Rust side sees is ints / 32768."""
    return np.clip(np.round(np.asarray(x) * 32768.0), -32768, 32767).astype(np.int64)


def chirp_noise(n, sr=16000, seed=1234):
    t = np.arange(n) / sr
    rng = np.random.default_rng(seed)
    sig = 0.5 * scipy.signal.chirp(t, f0=100.0, t1=t[-1], f1=7000.0, method="linear")
    sig += 0.01 * rng.standard_normal(n)
    return pcm16(sig)


def speechlike(n, sr=16000, seed=99):
    t = np.arange(n) / sr
    rng = np.random.default_rng(seed)
    f0 = 140.0 + 30.0 * np.sin(2 * np.pi * 3.0 * t)
    phase = 2 * np.pi * np.cumsum(f0) / sr
    sig = np.zeros(n)
    for h in range(1, 25):
        sig += (0.3 / h) * np.sin(h * phase)
    sig *= 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * t) ** 2
    sig += 0.003 * rng.standard_normal(n)
    return pcm16(sig)


def fmt(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float("%.8g" % v) for v in a.ravel()]}


def main():
    inputs = {
        "chirp_noise_1s": chirp_noise(16000),
        "speechlike_0p3s": speechlike(4800),
        "short_399": chirp_noise(399, seed=7),
        "one_frame_400": chirp_noise(400, seed=8),
        "two_frames_575": speechlike(575, seed=9),
    }
    specs = {"default_lfcc": default_lfcc(), "log_spec": log_spec_spec(),
             "lfcc_variant": lfcc_variant()}

    def signal(name):
        return inputs[name].astype(np.float64) / 32768.0

    # (spec, input, outputs to store) -- chosen to keep the JSON well under 1 MB.
    plan = [
        ("default_lfcc", "chirp_noise_1s", ["lfcc", "model_input"]),
        ("default_lfcc", "speechlike_0p3s",
         ["power_spectrogram", "log_spectrogram", "lfcc", "model_input"]),
        ("default_lfcc", "short_399", ["power_spectrogram", "lfcc", "model_input"]),
        ("default_lfcc", "one_frame_400", ["power_spectrogram", "lfcc", "model_input"]),
        ("default_lfcc", "two_frames_575", ["lfcc", "model_input"]),
        ("log_spec", "speechlike_0p3s", ["model_input"]),
        ("lfcc_variant", "chirp_noise_1s", ["power_spectrogram", "lfcc", "model_input"]),
    ]
    funcs = {"power_spectrogram": power_spectrogram, "log_spectrogram": log_spectrogram,
             "lfcc": lfcc, "model_input": model_input}
    cases = []
    for spec_name, inp, outs in plan:
        spec = specs[spec_name]
        x = signal(inp)
        case = {"spec": spec_name, "input": inp, "n_frames": n_frames(len(x), spec),
                "expected": {}}
        for o in outs:
            case["expected"][o] = fmt(funcs[o](x, spec))
        cases.append(case)

    doc = {
        "generator": "tests/reference/features_ref.py (numpy %s, scipy %s)"
                     % (np.__version__, scipy.__version__),
        "input_scale": 1.0 / 32768.0,
        "specs": specs,
        "inputs": {k: v.tolist() for k, v in inputs.items()},
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print("wrote %s (%d bytes)" % (OUT, os.path.getsize(OUT)))


if __name__ == "__main__":
    main()

"""Audio preparation shared by every corpus stage (both classes go through the same code).

prepare(): resample to 16 kHz -> trim leading/trailing silence (40 dB below the loudest
20 ms frame, 0.1 s kept) -> cut into <= 12 s pieces -> drop pieces < 0.8 s -> RMS -25 dBFS
with the peak limited to -1 dBFS -> 16-bit PCM with TPDF dither (1 LSB).
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import types
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

SR = 16000
MIN_S = 0.8
MAX_S = 12.0
PIECE_S = 10.0


def seed_of(*parts):
    return int(hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def unit_hash(*parts):
    return seed_of(*parts) / float(1 << 48)


def pyworld_module():
    """pyworld 0.3.5 imports pkg_resources, gone from recent setuptools: shim it."""
    try:
        import pkg_resources  # noqa: F401
    except ImportError:
        m = types.ModuleType("pkg_resources")

        class _D:
            version = "0.3.5"
        m.get_distribution = lambda name: _D()
        sys.modules["pkg_resources"] = m
    import pyworld
    return pyworld


def f0_track(y, hop):
    """F0 in Hz every `hop` samples (0 = unvoiced): WORLD dio refined by stonemask."""
    pw = pyworld_module()
    x = np.ascontiguousarray(y, dtype=np.float64)
    fp = 1000.0 * hop / SR
    f0, t = pw.dio(x, SR, frame_period=fp)
    return pw.stonemask(x, f0, t, SR)


def load(path):
    """Any audio file -> (float64 mono, sr). Falls back to ffmpeg for codecs libsndfile lacks."""
    try:
        y, sr = sf.read(str(path), dtype="float64", always_2d=True)
        return y.mean(axis=1), sr
    except Exception:
        out = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-ac", "1",
                              "-ar", str(SR), "-f", "f32le", "-"], capture_output=True, check=True).stdout
        return np.frombuffer(out, dtype=np.float32).astype(np.float64), SR


def to16k(y, sr):
    y = np.asarray(y, dtype=np.float64)
    if sr == SR:
        return y
    g = gcd(int(sr), SR)
    return resample_poly(y, SR // g, int(sr) // g)


def _frame_db(y, win=320, hop=160):
    if len(y) < win:
        y = np.pad(y, (0, win - len(y)))
    n = 1 + (len(y) - win) // hop
    idx = np.arange(win)[None, :] + hop * np.arange(n)[:, None]
    e = np.mean(y[idx] ** 2, axis=1)
    return 10 * np.log10(e + 1e-20), hop, win


def trim(y, top_db=40.0, keep_s=0.1):
    if len(y) == 0:
        return y
    db, hop, win = _frame_db(y)
    if db.max() <= -190:
        return y[:0]
    on = np.nonzero(db >= db.max() - top_db)[0]
    keep = int(keep_s * SR)
    a = max(0, on[0] * hop - keep)
    b = min(len(y), on[-1] * hop + win + keep)
    return y[a:b]


def cut_pieces(y):
    """Cut a trimmed recording into pieces of at most MAX_S, preferring quiet points near PIECE_S."""
    out = []
    lo, hi = int(7.0 * SR), int(11.0 * SR)
    while len(y) > MAX_S * SR:
        seg = y[lo:hi]
        db, hop, win = _frame_db(seg)
        c = lo + int(np.argmin(db)) * hop + win // 2
        out.append(y[:c])
        y = y[c:]
    out.append(y)
    return out


def normalize(y, rms_db=-25.0, peak_db=-1.0):
    rms = np.sqrt(np.mean(y ** 2)) + 1e-12
    g = 10 ** (rms_db / 20) / rms
    pk = np.max(np.abs(y)) * g
    lim = 10 ** (peak_db / 20)
    if pk > lim:
        g *= lim / pk
    return y * g


def quantize(y, seed=0):
    rng = np.random.default_rng(seed)
    d = rng.random(len(y)) - rng.random(len(y))  # TPDF, +-1 LSB
    return np.clip(np.round(y * 32767.0 + d), -32768, 32767).astype(np.int16)


def prepare(y, sr, seed=0):
    """Full preparation; returns a list of int16 pieces (possibly empty)."""
    y = trim(to16k(y, sr))
    res = []
    for i, p in enumerate(cut_pieces(y)):
        p = trim(p)
        if len(p) < MIN_S * SR:
            continue
        res.append(quantize(normalize(p), seed + i))
    return res


def finish_aug(y, seed=0):
    """Augmented copies: back to 16-bit without re-normalising (clip at full scale)."""
    return quantize(np.clip(y, -1.0, 32767 / 32768), seed)


def write_wav(path, pcm16):
    path = str(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp.wav"
    sf.write(tmp, pcm16, SR, subtype="PCM_16", format="WAV")
    os.replace(tmp, path)


def read_pcm(path):
    y, sr = sf.read(str(path), dtype="float64")
    assert sr == SR
    return y


def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, **kw)


def unpack_deb(pkg, dst, version=None):
    """`apt-get download` a Debian package and unpack it with `dpkg-deb -x` into dst (nothing is
    installed). Skipped when dst holds a finished unpack (marker .ok); raises CalledProcessError."""
    dst = Path(dst)
    if (dst / ".ok").exists():
        return dst
    tmp = dst.with_name(dst.name + ".dl")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    run(["apt-get", "download", f"{pkg}={version}" if version else pkg], timeout=600, cwd=tmp)
    deb = next(tmp.glob("*.deb"))
    run(["dpkg-deb", "-x", str(deb), str(tmp / "x")])
    (tmp / "x" / ".deb").write_text(deb.name)
    shutil.rmtree(dst, ignore_errors=True)
    os.replace(tmp / "x", dst)
    shutil.rmtree(tmp)
    (dst / ".ok").write_text("ok")
    return dst


def tmpdir():
    return tempfile.TemporaryDirectory(prefix="vsc_corpus_")


def ort_session(path, threads=1, seed=None):
    """An ONNX Runtime CPU session with `threads` intra-op threads and one inter-op thread. `seed` seeds the
    graph's random operators (ONNX Runtime takes the seed when the session is created)."""
    import onnxruntime as ort

    if seed is not None:
        ort.set_seed(seed)
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

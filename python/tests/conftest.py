"""Test audio generated on the fly: numpy signals and WAV files written with the stdlib."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest


def tone(seconds: float = 3.0, rate: int = 16000, seed: int = 0) -> np.ndarray:
    """A speech-like test signal: a pitch-modulated harmonic tone with syllable-rate bursts and a
    little noise, float32 in [-1, 1]."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    f0 = 140 + 30 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 12))
    envelope = 0.5 * (1 + np.sin(2 * np.pi * 4 * t)) ** 2
    x = 0.15 * voice * envelope + 0.003 * rng.standard_normal(t.size)
    return x.astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000, channels: int = 1) -> Path:
    """Writes 16-bit PCM; `samples` is float in [-1, 1], shape (n,) or (n, channels)."""
    data = np.clip(np.asarray(samples, dtype=np.float64), -1, 1)
    pcm = (data * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict:
    """A few WAV files plus broken files, shared by the whole session."""
    d = tmp_path_factory.mktemp("clips")
    files = {
        "mono16k": write_wav(d / "mono16k.wav", tone(3.0, 16000), 16000),
        "mono44k": write_wav(d / "mono44k.wav", tone(2.5, 44100, seed=1), 44100),
        "stereo48k": write_wav(
            d / "stereo48k.wav", np.stack([tone(2.0, 48000, 2), tone(2.0, 48000, 3)], 1), 48000, 2
        ),
        "short": write_wav(d / "short.wav", tone(0.3, 16000, 4), 16000),
    }
    garbage = d / "garbage.wav"
    garbage.write_bytes(np.random.default_rng(5).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    empty = d / "empty.wav"
    empty.write_bytes(b"")
    files["garbage"] = garbage
    files["empty"] = empty
    files["missing"] = d / "does-not-exist.wav"
    return files


@pytest.fixture(scope="session")
def screener():
    import voxscreen

    return voxscreen.Screener()

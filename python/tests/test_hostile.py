"""Hostile input at the Python boundary: every case is a voxscreen.Error or an error row, never a
crash of the interpreter."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

import voxscreen

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "tests" / "fixtures").glob("*.*")) + sorted(
    p for p in (ROOT / "tests" / "fuzz_regressions").iterdir() if p.name != "README.md"
)


def wav_header(channels: int, rate: int, data_bytes: int) -> bytes:
    """A PCM WAV header claiming `data_bytes` of audio (followed by no or little data)."""
    block = (channels * 2) & 0xFFFF  # a hostile header need not be consistent
    fmt = struct.pack("<HHIIHH", 1, channels, rate, (rate * block) & 0xFFFFFFFF, block, 16)
    return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt " + struct.pack("<I", 16)
            + fmt + b"data" + struct.pack("<I", data_bytes))


HOSTILE_BYTES = {
    "empty": b"",
    "header_only": wav_header(1, 16000, 0),
    "claims_10_hours": wav_header(1, 16000, 10 * 3600 * 16000 * 2) + b"\x00\x01" * 800,
    "claims_65535_channels": wav_header(65535, 16000, 1000) + b"\x00" * 1000,
    "id3_without_audio": b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10,
    "random": np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_fixture_and_its_truncations_give_a_result_or_an_error(path):
    data = path.read_bytes()
    for cut in (len(data), len(data) // 2, 64, 7):
        try:
            r = voxscreen.screen(data[:cut])
            assert r.verdict is not None or r.error is not None
        except voxscreen.Error as e:
            assert e.kind


@pytest.mark.parametrize("name", list(HOSTILE_BYTES))
def test_hostile_bytes_raise_voxscreen_errors_or_screen(name):
    try:
        voxscreen.screen(HOSTILE_BYTES[name])
    except voxscreen.Error as e:
        assert e.kind in {"unsupported_format", "unsupported_codec", "no_audio_track", "decode",
                          "limit_exceeded", "invalid_input"}


@pytest.mark.parametrize("samples", [
    np.full(16000, np.nan, dtype=np.float32),
    np.full(16000, np.inf, dtype=np.float64),
    np.full(16000, 1e38, dtype=np.float32),
    np.zeros(1, dtype=np.float32),
    np.sign(np.sin(np.arange(48000) * 0.05)).astype(np.float32),
    np.full(48000, 0.5, dtype=np.float32),
], ids=["nan", "inf", "huge", "one_sample", "square", "dc"])
def test_hostile_arrays_raise_or_screen(samples):
    try:
        r = voxscreen.screen(samples, sample_rate=16000)
        assert r.verdict is not None
    except voxscreen.Error as e:
        assert e.kind in {"invalid_input", "limit_exceeded"}


def test_hostile_files_are_error_rows_in_screen_many(tmp_path):
    paths = []
    for name, data in HOSTILE_BYTES.items():
        p = tmp_path / f"{name}.wav"
        p.write_bytes(data)
        paths.append(p)
    df = voxscreen.screen_many(paths, progress=False)
    assert len(df) == len(paths)
    assert df["error_kind"].notna().sum() >= 3

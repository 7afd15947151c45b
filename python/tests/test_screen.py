"""voxscreen.screen with every kind of source, and its failures."""

from __future__ import annotations

import json
import math
import pathlib

import numpy as np
import pandas as pd
import pytest

import voxscreen
from conftest import tone

VERDICTS = {"likely_synthetic", "likely_genuine", "inconclusive", "not_applicable"}
KEYS = {
    "schema_version",
    "path",
    "sha256",
    "size_bytes",
    "verdict",
    "probability_synthetic",
    "reason",
    "flags",
    "longest_synthetic_run",
    "audio",
    "model",
    "tool_version",
    "timeline",
    "envelope",
    "error",
}


def check_result(r, duration=None, rate=None):
    assert isinstance(r, voxscreen.Result)
    assert r.error is None
    assert r.verdict in VERDICTS
    assert r.schema_version == 2
    assert r.tool_version == voxscreen.__version__
    assert isinstance(r.sha256, str) and len(r.sha256) == 64
    assert isinstance(r.flags, list)
    if r.verdict == "not_applicable":
        assert r.probability_synthetic is None
        assert r.reason in {"too_short", "no_speech"}
    else:
        assert 0.0 <= r.probability_synthetic <= 1.0
        assert r.reason is None
    run = r.longest_synthetic_run
    assert run is None or set(run) == {"seconds", "start_s", "end_s"}
    audio = r.audio
    assert set(audio) >= {"codec", "container", "sample_rate", "channels", "duration_s", "effective_bandwidth_hz"}
    if duration is not None:
        assert math.isclose(audio["duration_s"], duration, rel_tol=0.02, abs_tol=0.03)
    if rate is not None:
        assert audio["sample_rate"] == rate
    tl = r.timeline
    assert isinstance(tl, pd.DataFrame)
    assert list(tl.columns) == ["start_s", "end_s", "speech", "probability_synthetic"]
    assert tl["speech"].dtype == bool
    p = tl["probability_synthetic"].dropna()
    assert ((p >= 0) & (p <= 1)).all()
    if r.verdict != "not_applicable":
        assert len(p) == int(tl["speech"].sum())
    d = r.to_dict()
    assert set(d) == KEYS
    assert json.loads(json.dumps(d)) == d
    assert voxscreen.Result(d) == r
    assert "voxscreen.Result" in repr(r)
    return r


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_array_dtypes(dtype):
    x = tone(3.0)
    if dtype is np.int16:
        x = np.round(x * 32767).astype(np.int16)
    else:
        x = x.astype(dtype)
    r = check_result(voxscreen.screen(x, sample_rate=16000), duration=3.0, rate=16000)
    assert r.path is None
    assert r.audio["container"] == "raw" and r.audio["channels"] == 1


def test_array_int16_scaling_matches_float():
    x = tone(3.0)
    pcm = np.round(x * 32767).astype(np.int16)
    a = voxscreen.screen(pcm, sample_rate=16000)
    b = voxscreen.screen(pcm.astype(np.float32) / 32768, sample_rate=16000)
    assert a.sha256 == b.sha256
    assert a.to_dict() == b.to_dict()


def test_array_float32_and_float64_agree():
    x = tone(3.0)
    assert voxscreen.screen(x, sample_rate=16000) == voxscreen.screen(x.astype(np.float64), sample_rate=16000)


def test_two_dimensional_arrays():
    x = tone(3.0)
    mono = voxscreen.screen(x, sample_rate=16000)
    both = np.stack([x, x], axis=1)  # (samples, channels)
    assert voxscreen.screen(both, sample_rate=16000).sha256 == mono.sha256
    assert voxscreen.screen(both.T, sample_rate=16000).sha256 == mono.sha256  # (channels, samples)
    assert voxscreen.screen(np.asfortranarray(both), sample_rate=16000).sha256 == mono.sha256
    # Channels are averaged.
    y = tone(3.0, seed=9)
    avg = ((x.astype(np.float64) + y) / 2).astype(np.float32)
    assert voxscreen.screen(np.stack([x, y]), sample_rate=16000).sha256 == voxscreen.screen(avg, sample_rate=16000).sha256
    # Non-contiguous views work.
    assert voxscreen.screen(np.stack([x, x, x], 1)[:, ::2], sample_rate=16000).sha256 == mono.sha256


def test_resampled_array():
    check_result(voxscreen.screen(tone(2.0, 44100), sample_rate=44100), duration=2.0, rate=44100)


def test_short_and_silent_arrays_are_not_applicable():
    r = check_result(voxscreen.screen(np.zeros(16000 * 3, np.float32), sample_rate=16000))
    assert r.verdict == "not_applicable"
    r = check_result(voxscreen.screen(tone(0.2), sample_rate=16000))
    assert r.verdict == "not_applicable"


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((2, 3, 4), np.float32),
        np.zeros(0, np.float32),
        np.zeros((0, 2), np.float32),
        np.zeros((2, 0), np.float32),
        np.array(0.5, np.float32),
        np.array([0.1, np.nan, 0.2] * 1000, np.float32),
        np.array([0.1, np.inf] * 1000, np.float64),
    ],
    ids=["3d", "empty", "empty-2d", "empty-2d-t", "0d", "nan", "inf"],
)
def test_bad_arrays(bad):
    with pytest.raises(voxscreen.InputError) as info:
        voxscreen.screen(bad, sample_rate=16000)
    assert info.value.kind == "invalid_input"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.complex64, np.bool_, object, np.float16])
def test_bad_dtypes(dtype):
    x = np.zeros(16000, dtype=dtype)
    with pytest.raises(voxscreen.InputTypeError) as info:
        voxscreen.screen(x, sample_rate=16000)
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    "rate, error",
    [
        (0, voxscreen.InputError),
        (-16000, voxscreen.InputError),
        (-(10**30), voxscreen.InputError),
        (10**7, voxscreen.LimitError),
        (2**40, voxscreen.LimitError),
        (10**30, voxscreen.LimitError),
        (16000.0, voxscreen.InputTypeError),
        ("16000", voxscreen.InputTypeError),
        (None, voxscreen.InputError),
    ],
)
def test_bad_sample_rates(rate, error):
    with pytest.raises(error):
        voxscreen.screen(tone(1.0), sample_rate=rate)


def test_sample_rate_numpy_int():
    check_result(voxscreen.screen(tone(2.0), sample_rate=np.int64(16000)))


def test_bad_source_types():
    with pytest.raises(voxscreen.InputTypeError):
        voxscreen.screen([0.0] * 16000, sample_rate=16000)
    with pytest.raises(voxscreen.InputTypeError):
        voxscreen.screen(12345)
    with pytest.raises(voxscreen.InputError):
        voxscreen.screen(b"RIFF", sample_rate=16000)  # rate only for arrays


def test_path_sources(clips):
    p = clips["mono16k"]
    r = check_result(voxscreen.screen(p), duration=3.0, rate=16000)
    assert r.path == str(p)
    assert r.audio["container"] == "wav"
    assert voxscreen.screen(str(p)).to_dict() == r.to_dict()
    import hashlib

    assert r.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    check_result(voxscreen.screen(clips["mono44k"]), duration=2.5, rate=44100)
    s = check_result(voxscreen.screen(clips["stereo48k"]), duration=2.0, rate=48000)
    assert s.audio["channels"] == 2


def test_bytes_sources(clips):
    data = clips["mono16k"].read_bytes()
    from_path = voxscreen.screen(clips["mono16k"])
    r = check_result(voxscreen.screen(data), duration=3.0, rate=16000)
    assert r.path is None
    assert r.sha256 == from_path.sha256
    assert r.verdict == from_path.verdict
    assert r.probability_synthetic == from_path.probability_synthetic
    assert voxscreen.screen(bytearray(data)).sha256 == r.sha256


def test_bad_files(clips):
    with pytest.raises(voxscreen.FileError) as info:
        voxscreen.screen(clips["missing"])
    assert info.value.kind == "io" and isinstance(info.value, OSError)
    with pytest.raises(voxscreen.DecodeError):
        voxscreen.screen(clips["garbage"])
    with pytest.raises(voxscreen.DecodeError):
        voxscreen.screen(clips["garbage"].read_bytes())
    with pytest.raises(voxscreen.DecodeError):
        voxscreen.screen(clips["empty"])
    with pytest.raises(voxscreen.DecodeError):
        voxscreen.screen(b"")
    with pytest.raises(voxscreen.Error):
        voxscreen.screen(clips["missing"].parent)  # a directory


def test_short_file(clips):
    r = check_result(voxscreen.screen(clips["short"]))
    assert r.verdict == "not_applicable"


def test_result_attributes_match_dict(clips):
    r = voxscreen.screen(clips["mono16k"])
    d = r.to_dict()
    for name in ("verdict", "probability_synthetic", "reason", "flags", "longest_synthetic_run",
                 "audio", "model", "path", "sha256", "size_bytes", "envelope", "tool_version",
                 "schema_version", "error"):
        assert getattr(r, name) == d[name], name
    tl = r.timeline
    assert len(tl) == len(d["timeline"])
    for row, entry in zip(tl.itertuples(), d["timeline"]):
        assert row.start_s == entry["start_s"] and row.end_s == entry["end_s"]
        assert row.speech == entry["speech"]
    # The dict handed out is a copy: mutating it does not change the result.
    d["verdict"] = "changed"
    d["audio"]["codec"] = "changed"
    assert r.verdict != "changed" and r.audio["codec"] != "changed"
    assert json.loads(r.to_json()) == r.to_dict()


def test_model_argument_accepts_a_screener(screener):
    r = voxscreen.screen(tone(2.0), sample_rate=16000, model=screener)
    assert r.model == screener.model
    assert screener.screen(tone(2.0), sample_rate=16000) == r


def test_pathlike_and_relative_paths(clips, monkeypatch):
    monkeypatch.chdir(clips["mono16k"].parent)
    r = voxscreen.screen("mono16k.wav")
    assert r.path == "mono16k.wav"
    assert voxscreen.screen(pathlib.PurePosixPath("mono16k.wav")).sha256 == r.sha256

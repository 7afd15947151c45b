"""voxscreen.features: the model's input, computed without ONNX Runtime."""

from __future__ import annotations

import numpy as np
import pytest

import voxscreen
from conftest import tone


def check_model_features(f, manifest):
    windows, speech, spans = f["windows"], f["speech"], f["spans_s"]
    assert isinstance(windows, np.ndarray) and windows.dtype == np.float32 and windows.ndim == 3
    assert speech.dtype == np.bool_ and speech.shape == (windows.shape[0],)
    assert spans.dtype == np.float64 and spans.shape == (windows.shape[0], 2)
    assert f["sample_rate"] == manifest["sample_rate"] == 16000
    assert np.all(np.isfinite(windows))
    assert np.all(spans[:, 1] > spans[:, 0])
    assert np.all(np.diff(spans[:, 0]) > 0)
    n = windows.shape[0]
    if n:
        assert np.allclose(spans[:, 1] - spans[:, 0], manifest["window_s"])
        if n > 1:
            # Regular hops; the last window may be pulled back to end with the clip.
            steps = np.diff(spans[:, 0])
            assert np.allclose(steps[:-1], manifest["hop_s"])
            assert 0 < steps[-1] <= manifest["hop_s"] + 1e-9
    return windows


def test_model_features_from_array():
    manifest = voxscreen.manifest()
    f = voxscreen.features(tone(4.0), sample_rate=16000)
    w = check_model_features(f, manifest)
    assert w.shape[0] >= 2
    spec = manifest["features"]
    win = round(manifest["window_s"] * 16000)
    assert w.shape[2] == 1 + (win - spec["win_length"]) // spec["hop_length"]
    assert f["audio"]["container"] == "raw"
    assert f["audio"]["sample_rate"] == 16000


def test_model_features_are_deterministic_and_match_dtypes():
    x = tone(3.0)
    a = voxscreen.features(x, 16000)["windows"]
    b = voxscreen.features(x, 16000)["windows"]
    assert np.array_equal(a, b)
    c = voxscreen.features(x.astype(np.float64), 16000)["windows"]
    assert np.array_equal(a, c)
    # int16 is scaled by 1/32768: the same windows as the scaled float array (the log spectrogram
    # of the quantised signal differs from the float one in quiet bins, so compare like for like).
    pcm = np.round(x * 32767).astype(np.int16)
    d = voxscreen.features(pcm, 16000)["windows"]
    e = voxscreen.features(pcm.astype(np.float32) / 32768, 16000)["windows"]
    assert d.shape == a.shape
    assert np.allclose(d, e, rtol=1e-6, atol=1e-5)


def test_model_features_resample():
    f = voxscreen.features(tone(3.0, 48000), sample_rate=48000)
    check_model_features(f, voxscreen.manifest())
    assert f["audio"]["sample_rate"] == 48000


def test_model_features_from_file(clips):
    manifest = voxscreen.manifest()
    f = voxscreen.features(clips["mono44k"])
    check_model_features(f, manifest)
    assert f["audio"]["sample_rate"] == 44100
    g = voxscreen.features(str(clips["mono44k"]))
    assert np.array_equal(f["windows"], g["windows"])
    h = voxscreen.features(clips["mono44k"].read_bytes())
    assert np.array_equal(f["windows"], h["windows"])


@pytest.mark.parametrize("kind", ["lfcc", "log_spectrogram", "power_spectrogram"])
def test_clip_features(kind):
    m = voxscreen.features(tone(3.0), 16000, kind=kind)
    assert isinstance(m, np.ndarray) and m.ndim == 2 and m.dtype == np.float32
    assert m.shape[1] > 250  # ~100 frames per second
    assert np.all(np.isfinite(m))


def test_feature_errors(clips):
    with pytest.raises(voxscreen.InputError):
        voxscreen.features(tone(), 16000, kind="mfcc")
    with pytest.raises(voxscreen.InputError):
        voxscreen.features(tone())  # array without sample_rate
    with pytest.raises(voxscreen.InputError):
        voxscreen.features(np.zeros(0, np.float32), 16000)
    with pytest.raises(voxscreen.FileError):
        voxscreen.features(clips["missing"])
    with pytest.raises(voxscreen.DecodeError):
        voxscreen.features(clips["garbage"])

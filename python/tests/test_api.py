"""The public API: module layout, exceptions, models."""

from __future__ import annotations

import numpy as np
import pytest

import voxscreen
from conftest import tone


def test_version_and_runtime():
    assert isinstance(voxscreen.__version__, str) and voxscreen.__version__
    assert voxscreen.ORT_VERSION == "1.31.1"
    lib = voxscreen._ort_library()
    assert lib is not None and "libonnxruntime" in lib


def test_exception_hierarchy():
    for cls in (
        voxscreen.DecodeError,
        voxscreen.LimitError,
        voxscreen.InputError,
        voxscreen.ModelError,
        voxscreen.FileError,
        voxscreen.InternalError,
    ):
        assert issubclass(cls, voxscreen.Error)
    assert issubclass(voxscreen.InputError, ValueError)
    assert issubclass(voxscreen.InputTypeError, voxscreen.InputError)
    assert issubclass(voxscreen.InputTypeError, TypeError)
    assert issubclass(voxscreen.FileError, OSError)


def test_screener_model_info(screener):
    info = screener.model
    assert set(info) == {"name", "version", "sha256"}
    assert len(info["sha256"]) == 64
    manifest = screener.manifest
    assert manifest["sample_rate"] == 16000
    assert manifest["name"] == info["name"]
    assert voxscreen.manifest() == manifest
    assert "Screener" in repr(screener)


def test_model_path(screener, tmp_path):
    import json
    import shutil
    from pathlib import Path

    src = Path(voxscreen.__file__)  # find the repository's models only when running from it
    models = Path(__file__).resolve().parents[2] / "models"
    if not (models / "default.json").is_file():
        pytest.skip("repository models/ not beside the tests")
    for name in ("default.json", "default.onnx"):
        shutil.copy(models / name, tmp_path / name)
    s = voxscreen.Screener(tmp_path / "default.json")
    assert s.model == screener.model
    r = voxscreen.screen(tone(), sample_rate=16000, model=tmp_path / "default.onnx")
    assert r.model == screener.model
    assert src.exists()
    # A broken manifest is a ModelError.
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "x"}))
    with pytest.raises(voxscreen.ModelError):
        voxscreen.Screener(bad)
    with pytest.raises(voxscreen.ModelError):
        voxscreen.Screener(tmp_path / "missing.json")


def test_module_functions_share_default_screener():
    a = voxscreen._screener(None)
    b = voxscreen._screener(None)
    assert a is b
    s = voxscreen.Screener()
    assert voxscreen._screener(s) is s

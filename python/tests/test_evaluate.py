"""voxscreen.evaluate: the `voxscreen eval` command from Python."""

from __future__ import annotations

import pytest

import voxscreen
from conftest import tone, write_wav


def _labels(tmp_path, rows):
    text = "file,label,system\n" + "".join(f"{f},{l},{s}\n" for f, l, s in rows)
    path = tmp_path / "labels.csv"
    path.write_text(text)
    return path


def test_evaluate_returns_metrics_and_counts(tmp_path):
    rows = []
    for i in range(4):
        write_wav(tmp_path / f"real{i}.wav", tone(3.0, seed=i))
        write_wav(tmp_path / f"fake{i}.wav", tone(3.0, seed=10 + i) * 0.5)
        rows += [(f"real{i}.wav", "real", "human"), (f"fake{i}.wav", "fake", "gen")]
    rows.append(("missing.wav", "fake", "gen"))
    result = voxscreen.evaluate(_labels(tmp_path, rows), by="system", progress=False)
    overall = result["overall"]
    assert overall["real"]["clips"] == 4 and overall["fake"]["clips"] == 5
    assert overall["fake"]["error"] == 1
    assert 0.0 <= overall["eer"] <= 1.0 and 0.0 <= overall["auc"] <= 1.0
    assert {g["value"] for g in result["groups"]} == {"human", "gen"}
    assert result["model"]["sha256"] == voxscreen.Screener().model["sha256"]


def test_evaluate_one_class_set_is_an_input_error(tmp_path):
    write_wav(tmp_path / "a.wav", tone(3.0))
    with pytest.raises(voxscreen.InputError):
        voxscreen.evaluate(_labels(tmp_path, [("a.wav", "real", "h")]), progress=False)

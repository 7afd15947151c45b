"""screen_many, thread safety, and agreement with the CLI."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import voxscreen
from conftest import tone, write_wav


def test_screen_many_columns_and_error_rows(clips):
    paths = [clips["mono16k"], clips["missing"], clips["mono44k"], clips["garbage"], clips["empty"]]
    df = voxscreen.screen_many(paths, progress=False)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == voxscreen.MANY_COLUMNS
    for column in ("path", "verdict", "probability_synthetic", "reason", "flags",
                   "longest_synthetic_run_s", "duration_s", "codec", "effective_bandwidth_hz",
                   "error_kind", "error_message", "sha256"):
        assert column in df.columns
    assert len(df) == len(paths)
    assert list(df["path"]) == [str(p) for p in paths]
    ok = df.iloc[[0, 2]]
    assert ok["error_kind"].isna().all()
    assert ok["verdict"].notna().all()
    assert df["probability_synthetic"].dtype == np.float64
    assert df.loc[1, "error_kind"] == "io" and "does-not-exist" in df.loc[1, "error_message"]
    assert df.loc[3, "error_kind"] in {"unsupported_format", "decode"}
    assert df.loc[4, "error_kind"] in {"unsupported_format", "decode"}
    assert df.loc[1, "verdict"] is None or pd.isna(df.loc[1, "verdict"])
    assert df.loc[0, "duration_s"] == pytest.approx(3.0, abs=0.03)
    assert df.loc[2, "sample_rate"] == 44100


def test_screen_many_dtypes_do_not_depend_on_values(clips):
    ok = voxscreen.screen_many([clips["mono16k"]], progress=False)
    failed = voxscreen.screen_many([clips["missing"]], progress=False)
    empty = voxscreen.screen_many([], progress=False)
    assert ok.dtypes.to_dict() == failed.dtypes.to_dict() == empty.dtypes.to_dict()
    assert failed["reason"].isna().all() and failed["codec"].isna().all()


def test_screen_many_matches_screen(clips, screener):
    paths = [clips["mono16k"], clips["mono44k"], clips["stereo48k"], clips["short"]]
    df = screener.screen_many(paths, threads=2, progress=False)
    for row, p in zip(df.itertuples(), paths):
        r = screener.screen(p)
        assert row.verdict == r.verdict
        assert row.sha256 == r.sha256
        if r.probability_synthetic is None:
            assert pd.isna(row.probability_synthetic)
        else:
            assert row.probability_synthetic == r.probability_synthetic


@pytest.mark.parametrize("threads", [None, 0, 1, 2])
def test_screen_many_threads(clips, threads):
    df = voxscreen.screen_many([clips["mono16k"]] * 3, threads=threads, progress=False)
    assert df["sha256"].nunique() == 1


def test_screen_many_progress(clips, capsys):
    df = voxscreen.screen_many([clips["mono16k"], clips["missing"]], progress=True)
    assert len(df) == 2


def test_screen_many_arguments(clips):
    empty = voxscreen.screen_many([], progress=False)
    assert list(empty.columns) == voxscreen.MANY_COLUMNS and len(empty) == 0
    with pytest.raises(voxscreen.InputTypeError):
        voxscreen.screen_many(str(clips["mono16k"]))
    with pytest.raises(voxscreen.InputError):
        voxscreen.screen_many([clips["mono16k"]], threads=-1)
    with pytest.raises(voxscreen.InputTypeError):
        voxscreen.screen_many([clips["mono16k"]], threads=1.5)
    df = voxscreen.screen_many((p for p in [clips["mono16k"]]), progress=False)  # any iterable
    assert len(df) == 1


def test_shared_screener_from_python_threads(clips, screener):
    sources = [clips["mono16k"], clips["mono44k"], clips["stereo48k"]]
    arrays = [tone(2.0, 16000, seed=s) for s in range(3)]
    expected = [screener.screen(s).to_dict() for s in sources] + [
        screener.screen(a, sample_rate=16000).to_dict() for a in arrays
    ]

    def work(i):
        k = i % 6
        if k < 3:
            return k, screener.screen(sources[k]).to_dict()
        return k, screener.screen(arrays[k - 3], sample_rate=16000).to_dict()

    with ThreadPoolExecutor(max_workers=6) as pool:
        for k, got in pool.map(work, range(36)):
            assert got == expected[k]


def _cli() -> str | None:
    env = os.environ.get("VOXSCREEN_CLI")
    if env and os.path.isfile(env):
        return env
    root = Path(__file__).resolve().parents[2]
    target = Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
    for profile in ("release", "debug"):
        exe = target / profile / "voxscreen"
        if exe.is_file():
            return str(exe)
    return shutil.which("voxscreen")


def test_to_dict_equals_cli_json(clips):
    exe = _cli()
    if exe is None:
        pytest.skip("the voxscreen CLI binary is not built")
    paths = [clips["mono16k"], clips["stereo48k"], clips["garbage"]]
    env = dict(os.environ, ORT_DYLIB_PATH=voxscreen._ort_library() or "")
    out = subprocess.run(
        [exe, "screen", "--json", "--no-progress", *map(str, paths)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert len(lines) == len(paths), out.stderr
    if lines[0]["model"] != voxscreen.Screener().model or lines[0]["tool_version"] != voxscreen.__version__:
        pytest.skip(f"{exe} was built from other sources (model or version differ); rebuild it")
    for p, cli in zip(paths[:2], lines):
        assert voxscreen.screen(p).to_dict() == cli
    df = voxscreen.screen_many(paths, progress=False)
    assert df.loc[2, "error_kind"] == lines[2]["error"]["kind"]
    assert df.loc[2, "error_message"] == lines[2]["error"]["message"]
    # The CLI's --csv has the DataFrame's columns, in the same order, and the same text values.
    out = subprocess.run(
        [exe, "screen", "--csv", "--no-progress", *map(str, paths)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    rows = list(csv.reader(out.stdout.splitlines()))
    assert rows[0] == list(df.columns)
    for row, (_, frame_row) in zip(rows[1:], df.iterrows()):
        for column in ("path", "verdict", "reason", "flags", "codec", "error_kind", "error_message"):
            value = frame_row[column]
            assert row[rows[0].index(column)] == ("" if value is None or pd.isna(value) else str(value))

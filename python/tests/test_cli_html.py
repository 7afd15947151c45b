"""The installed ``voxscreen`` command against the Rust binary, and the HTML reports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import voxscreen
from conftest import tone

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "clips"


def _installed_command() -> str:
    """The console script installed beside this interpreter (pip/pipx put it there)."""
    exe = shutil.which("voxscreen", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("the voxscreen console script is not installed beside this Python")
    return exe


def _rust_binary() -> str:
    from test_many import _cli

    exe = _cli()
    if exe is None or exe == shutil.which("voxscreen", path=os.path.dirname(sys.executable)):
        pytest.skip("the cargo-built voxscreen binary is not built")
    return exe


def _clean_env() -> dict:
    """No ORT_DYLIB_PATH, no virtualenv: the installed command must find ONNX Runtime itself."""
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DYLIB_PATH", "VIRTUAL_ENV")}
    env["PATH"] = "/usr/bin:/bin"
    return env


def _run(exe: str, args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, env=env, timeout=600)


def test_installed_command_matches_the_rust_binary(tmp_path):
    installed, rust = _installed_command(), _rust_binary()
    rust_env = dict(os.environ, ORT_DYLIB_PATH=voxscreen._ort_library() or "")
    ours = _run(installed, ["screen", "--json", "--no-progress", EXAMPLES], _clean_env())
    theirs = _run(rust, ["screen", "--json", "--no-progress", EXAMPLES], rust_env)
    assert ours.returncode == theirs.returncode == 0, ours.stderr + theirs.stderr
    if json.loads(theirs.stdout.splitlines()[0])["model"] != voxscreen.Screener().model:
        pytest.skip(f"{rust} was built from other sources (model differs); rebuild it")
    assert [json.loads(l) for l in ours.stdout.splitlines()] == [
        json.loads(l) for l in theirs.stdout.splitlines()
    ]
    bad = tmp_path / "bad.wav"
    bad.write_bytes(os.urandom(3000))
    for args, expected in (
        (["screen", "--no-progress", bad], 1),
        (["screen", "--no-such-flag", bad], 2),
        (["screen", "--model", "/nonexistent", bad], 3),
        (["--version"], 0),
    ):
        a = _run(installed, args, _clean_env())
        b = _run(rust, args, rust_env)
        assert a.returncode == b.returncode == expected, (args, a.stderr, b.stderr)
        assert a.stdout == b.stdout, args
    help_text = _run(installed, ["--help"], _clean_env())
    assert help_text.returncode == 0 and "COVERAGE" in help_text.stdout


def test_installed_report_command(tmp_path):
    installed = _installed_command()
    out = _run(installed, ["report", "--no-progress", "--out", tmp_path / "r",
                           EXAMPLES / "synthetic_espeak.wav", EXAMPLES / "too_short.wav"], _clean_env())
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert names[0].startswith("0001-synthetic_espeak-") and names[1].startswith("0002-too_short-")
    assert names[2] == "index.html"


def test_to_html_is_the_cli_page(tmp_path):
    clip = EXAMPLES / "synthetic_espeak.wav"
    r = voxscreen.screen(clip)
    html = r.to_html()
    assert html.startswith("<!DOCTYPE html>")
    assert f"VERDICT: {r.verdict}" in html
    assert r.sha256 in html and f"{r.size_bytes} bytes" in html
    assert "<svg" in html and "<script" not in html.lower()
    for banned in ("http://", "https://", "url(", "@import"):
        assert banned not in html
    # The notebook card: the same content, as a fragment with its own scoped style.
    card = r._repr_html_()
    assert card.startswith('<div class="vxs">') and "<html" not in card
    assert f"VERDICT: {r.verdict}" in card and r.sha256 in card
    # The shipped model's measured rates come from its manifest.
    rates = voxscreen.manifest()["evaluation"][0]
    assert f"{100 * rates['miss_rate']:.1f}%" in html


def test_to_html_for_arrays_and_hand_made_results():
    r = voxscreen.screen(tone(3.0), sample_rate=16000)
    assert "&lt;memory&gt;" in r.to_html()
    copy = voxscreen.Result(r.to_dict())
    assert "not recorded" in copy.to_html()  # no screening time known
    with pytest.raises(voxscreen.InputError):
        voxscreen.Result({"verdict": "x"}).to_html()
    assert voxscreen.Result({"verdict": "x"})._repr_html_() is None

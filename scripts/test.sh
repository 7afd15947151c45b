#!/usr/bin/env bash
# The whole test suite on a fresh machine: Rust unit and integration tests (CLI included), the
# HTML reports checked in headless Chromium, the Python wheel (with its dask extra) installed into
# a fresh virtualenv with pytest (and with pipx), and the example notebooks executed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/setup.sh"
cd "$root"

# The browser check needs Chromium and pdftotext (Debian packages chromium, poppler-utils).
need_apt=()
for pkg in chromium poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "== cargo test"
# Also builds target/debug/voxscreen (the CLI's integration tests run it).
cargo test --workspace --exclude voxscreen-python

echo "== HTML reports in a real browser (headless Chromium, printed to A4)"
bash scripts/browser-check.sh target/debug/voxscreen

echo "== python package: the wheel, installed into a fresh virtualenv"
rm -rf target/pyenv target/wheels target/pipx
# The dev profile reuses what `cargo test` just compiled (users get the release build).
.venv/bin/maturin build --profile dev -m python/Cargo.toml -o target/wheels
wheel=$(ls target/wheels/voxscreen-*.whl)
python3 -m venv target/pyenv
target/pyenv/bin/python -m pip install -q --upgrade pip
# Installing the wheel needs no Rust toolchain: cargo is not on this PATH.
env PATH=/usr/bin:/bin target/pyenv/bin/python -m pip install -q "$wheel[dask]" \
  pytest matplotlib nbclient nbformat ipykernel
# Among them, tests/test_cli_html.py compares the installed `voxscreen` command with the binary.
(cd python && VOXSCREEN_CLI=../target/debug/voxscreen ../target/pyenv/bin/python -m pytest -q tests)

echo "== pipx install of the wheel: voxscreen on PATH, no environment variable"
PIPX_HOME="$root/target/pipx" PIPX_BIN_DIR="$root/target/pipx/bin" pipx install --force "$wheel" >/dev/null
env -u ORT_DYLIB_PATH -u VIRTUAL_ENV PATH="$root/target/pipx/bin:/usr/bin:/bin" \
  voxscreen report --no-progress --out target/pipx/reports examples/clips/synthetic_espeak.wav
test -s target/pipx/reports/index.html

echo "== example notebook"
target/pyenv/bin/python -m ipykernel install --prefix target/pyenv --name voxscreen-test >/dev/null
target/pyenv/bin/python python/examples/run_notebook.py python/examples/screen_folder.ipynb
target/pyenv/bin/python python/examples/run_notebook.py python/examples/screen_dask.ipynb

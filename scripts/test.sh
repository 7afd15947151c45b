#!/usr/bin/env bash
# The whole test suite on a fresh machine: Rust unit and integration tests (CLI included), the
# Python package (with its dask extra) built into a fresh virtualenv with pytest, and the example
# notebooks executed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/setup.sh"
cd "$root"

echo "== cargo test"
# Also builds target/debug/voxscreen (the CLI's integration tests run it).
cargo test --workspace --exclude voxscreen-python

echo "== python package"
rm -rf target/pyenv
python3 -m venv target/pyenv
target/pyenv/bin/python -m pip install -q --upgrade pip
target/pyenv/bin/python -m pip install -q pytest matplotlib nbclient nbformat ipykernel
# The dev profile reuses what `cargo test` just compiled (users get the release build).
target/pyenv/bin/python -m pip install -q "./python[dask]" --config-settings=build-args="--profile dev"
(cd python && VOXSCREEN_CLI=../target/debug/voxscreen ../target/pyenv/bin/python -m pytest -q tests)

echo "== example notebook"
target/pyenv/bin/python -m ipykernel install --prefix target/pyenv --name voxscreen-test >/dev/null
target/pyenv/bin/python python/examples/run_notebook.py python/examples/screen_folder.ipynb
target/pyenv/bin/python python/examples/run_notebook.py python/examples/screen_dask.ipynb

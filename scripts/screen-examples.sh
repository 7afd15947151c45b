#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build the CLI, screen examples/clips
# with the shipped model and print the table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/setup.sh"
cd "$root"
cargo build --release -p voxscreen-cli
./target/release/voxscreen screen examples/clips "$@"
# The binary finds ONNX Runtime in the project's .venv (beside target/), with no variable set.
cat <<'TXT'

Next (from this folder):
  ./target/release/voxscreen report examples/clips --out reports   # one HTML page per file + reports/index.html
  pipx install ./python                                            # puts `voxscreen` on PATH (with ONNX Runtime)
TXT

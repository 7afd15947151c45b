#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build the CLI, screen examples/clips
# with the shipped model and print the table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/setup.sh"
cd "$root"
cargo build --release -p voxscreen-cli
./target/release/voxscreen screen examples/clips "$@"

#!/usr/bin/env bash
# Installs what voxscreen needs to build and run on a fresh Debian machine, idempotently:
#  - Debian: cmake + pkg-config (libopus is built from source by the opus adapter), ffmpeg
#    (test-fixture and example scripts only), pipx (`pipx install ./python` puts the
#    `voxscreen` command on PATH);
#  - a virtualenv .venv with onnxruntime==1.31.1 (its libonnxruntime.so is what voxscreen loads;
#    nothing is downloaded at run time) and the Python test tools.
# Source it or run it; it prints the ORT_DYLIB_PATH to use.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

need_apt=()
for pkg in cmake pkg-config ffmpeg pipx; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r scripts/requirements-dev.txt

ORT_DYLIB_PATH=$(.venv/bin/python -c "import glob, os, onnxruntime; print(sorted(glob.glob(os.path.join(os.path.dirname(onnxruntime.__file__), 'capi', 'libonnxruntime.so.*')))[-1])")
export ORT_DYLIB_PATH
echo "ORT_DYLIB_PATH=$ORT_DYLIB_PATH"

#!/usr/bin/env bash
# Runs every voxscreen fuzz target (or the ones named) for a bounded time, seeded from
# tests/fixtures. Usage: fuzz/run.sh [-t SECONDS] [target ...]
# Environment: FUZZ_SECONDS (default 60), FUZZ_RSS_MB (512), FUZZ_TIMEOUT (10 s per input),
# FUZZ_JOBS (1), FUZZ_SANITIZER (none; e.g. address for ASan on the C parts).
# Crashes land in fuzz/artifacts/<target>/; exit status 1 when any target found one.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
fixtures="$root/tests/fixtures"
seconds="${FUZZ_SECONDS:-60}"
if [ "${1:-}" = "-t" ]; then seconds="$2"; shift 2; fi
all=(screen_bytes features wav flac mp3 mp4 ogg mkv aiff caf)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

# cargo-fuzz passes nightly-only flags (-Zsanitizer, …) to rustc: on a stable toolchain
# RUSTC_BOOTSTRAP=1 lets them through.
if ! rustc --version | grep -q nightly; then export RUSTC_BOOTSTRAP=1; fi
command -v cargo-fuzz >/dev/null || { echo "cargo install cargo-fuzz" >&2; exit 2; }

# Seed corpus per target: the fixtures of that container (all of them for screen_bytes).
seed() {
  local target="$1" dir="$here/corpus/$1"
  mkdir -p "$dir"
  local pattern
  case "$target" in
    screen_bytes) pattern='*' ;;
    wav) pattern='*.wav' ;;
    flac) pattern='*.flac' ;;
    mp3) pattern='*.mp[23]' ;;
    mp4) pattern='*.m4a *.mp4' ;;
    ogg) pattern='*.ogg' ;;
    mkv) pattern='*.mka *.webm' ;;
    aiff) pattern='*.aiff' ;;
    caf) pattern='*.caf' ;;
    features)
      # 4-byte little-endian rate, then f32 samples: a tone at a few rates, and edge cases.
      python3 - "$dir" <<'PY'
import math, struct, sys, os
d = sys.argv[1]
def put(name, rate, xs):
    with open(os.path.join(d, name), "wb") as f:
        f.write(struct.pack("<I", rate) + b"".join(struct.pack("<f", x) for x in xs))
for rate in (8000, 16000, 22050, 44100, 48000):
    put(f"tone_{rate}", rate, [0.3 * math.sin(2 * math.pi * 220 * i / rate) for i in range(rate // 4)])
put("one_sample", 16000, [0.5])
put("silence", 16000, [0.0] * 4000)
put("square", 16000, [1.0 if (i // 20) % 2 else -1.0 for i in range(8000)])
put("rate_1", 1, [0.1, -0.1, 0.2])
PY
      return ;;
  esac
  for p in $pattern; do
    for f in "$fixtures"/$p; do [ -f "$f" ] && cp -n "$f" "$dir/"; done
  done
}

status=0
cd "$here"
for t in "${targets[@]}"; do
  seed "$t"
  mkdir -p "artifacts/$t"
  touch "artifacts/$t.start"
  echo "== $t (${seconds}s)"
  cargo fuzz run --sanitizer "${FUZZ_SANITIZER:-none}" "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb="${FUZZ_RSS_MB:-512}" -timeout="${FUZZ_TIMEOUT:-10}" \
    -max_len=65536 \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 2>&1 | tee "artifacts/$t.log" \
    | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+== ERROR|SUMMARY|Done|INFO: Loaded)|panicked|crash-|timeout-|oom-' || true
  # Only findings of this run count (older ones stay in the folder until deleted).
  if find "artifacts/$t" -maxdepth 1 -newer "artifacts/$t.start" -type f \
       \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | grep -q .; then
    echo "!! $t: findings in fuzz/artifacts/$t/"; status=1
  fi
done
exit $status

"""End-to-end speed and memory of `voxscreen screen` on one pinned core.

Prints multiples of real time for a 10-minute 16 kHz WAV and a 10-minute MP3, beside references
measured in the same run on the same core and files (ffmpeg decoding to 16 kHz mono; numpy/scipy
computing the same STFT front-end), and the peak RSS for a 60-minute WAV.

    python benches/realtime.py [--binary target/release/voxscreen] [--work bench-work]

Targets (README, performance): >= 300x real time for the WAV; peak RSS < 200 MB at 60 minutes.
Needs: ffmpeg, taskset, /usr/bin/time, numpy, scipy, a release build of the CLI.
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "examples" / "clips" / "genuine_congrats.flac"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def make_long(out: Path, seconds: int, codec: list) -> Path:
    if not out.exists():
        tmp = out.with_suffix(".tmp" + out.suffix)
        run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", str(SOURCE),
             "-t", str(seconds), "-ac", "1", "-ar", "16000", *codec, str(tmp)])
        tmp.rename(out)
    return out


def timed(cmd, repeat=3):
    """Best wall time of `repeat` runs pinned to core 0."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        run(["taskset", "-c", "0", *cmd])
        best = min(best, time.perf_counter() - t0)
    return best


def peak_rss_mb(cmd):
    out = run(["/usr/bin/time", "-f", "%M", "taskset", "-c", "0", *cmd])
    return int(out.stderr.decode().strip().splitlines()[-1]) / 1024.0


def numpy_reference(path: Path) -> float:
    """Seconds numpy/scipy take for the same front-end (decode excluded: 16 kHz WAV read)."""
    code = f"""
import time, numpy as np, scipy.signal, scipy.fft, wave
with wave.open({str(path)!r}) as w:
    x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768
t0 = time.perf_counter()
win = scipy.signal.get_window('hann', 400).astype(np.float32)
n = 1 + (len(x) - 400) // 160
frames = np.lib.stride_tricks.as_strided(x, (n, 400), (x.strides[0] * 160, x.strides[0])) * win
p = np.abs(np.fft.rfft(frames, 512)) ** 2
fb = np.maximum(0, 1 - np.abs(np.linspace(0, 40 + 1, 257)[None, :] - np.arange(1, 41)[:, None]))
c = scipy.fft.dct(np.log(p @ fb.T + 1e-10), type=2, norm='ortho', axis=1)[:, :20]
print(time.perf_counter() - t0)
"""
    out = run(["taskset", "-c", "0", sys.executable, "-c", code],
              env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
    return float(out.stdout.decode().strip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "voxscreen"))
    ap.add_argument("--work", default=str(ROOT / "bench-work"))
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(exist_ok=True)
    wav10 = make_long(work / "speech_10min.wav", 600, ["-c:a", "pcm_s16le"])
    mp310 = make_long(work / "speech_10min.mp3", 600, ["-c:a", "libmp3lame", "-b:a", "64k"])
    wav60 = make_long(work / "speech_60min.wav", 3600, ["-c:a", "pcm_s16le"])
    screen = [args.binary, "screen", "--threads", "1", "--json", "--no-progress"]

    print(f"{'input':<22} {'voxscreen':>12} {'x real time':>12}   reference (same core, same file)")
    for path in (wav10, mp310):
        secs = timed(screen + [str(path)])
        ff = timed(["ffmpeg", "-nostdin", "-loglevel", "error", "-threads", "1", "-i", str(path),
                    "-ac", "1", "-ar", "16000", "-f", "f32le", "-y", "/dev/null"])
        line = f"{path.name:<22} {secs:>10.3f} s {600 / secs:>11.0f}x   ffmpeg decode+resample {600 / ff:.0f}x"
        if path.suffix == ".wav":
            ref = numpy_reference(path)
            line += f"; numpy/scipy LFCC front-end alone {600 / ref:.0f}x"
        print(line, flush=True)
    rss = peak_rss_mb(screen + [str(wav60)])
    print(f"peak RSS, 60-minute WAV: {rss:.1f} MB (target < 200 MB)")


if __name__ == "__main__":
    main()

"""Files per second of voxscreen.screen_many (threads=1, threads=2, all cores) against a plain
Python loop over voxscreen.screen, on generated short WAV clips.

    python python/bench_screen_many.py [--clips 200] [--seconds 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import wave

import numpy as np

import voxscreen


def make_clips(folder: str, n: int, seconds: float, rate: int = 16000) -> list:
    rng = np.random.default_rng(0)
    paths = []
    t = np.arange(int(seconds * rate)) / rate
    for i in range(n):
        f0 = 110 + 80 * rng.random() + 25 * np.sin(2 * np.pi * 0.6 * t)
        phase = 2 * np.pi * np.cumsum(f0) / rate
        voice = sum(np.sin(k * phase) / k for k in range(1, 10))
        env = 0.5 * (1 + np.sin(2 * np.pi * (3 + 2 * rng.random()) * t)) ** 2
        x = 0.15 * voice * env + 0.003 * rng.standard_normal(t.size)
        pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
        path = os.path.join(folder, f"clip{i:04d}.wav")
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(pcm.tobytes())
        paths.append(path)
    return paths


def timed(label: str, fn, n: int, repeat: int) -> float:
    """Best of `repeat` runs (the machine may be shared)."""
    best, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        elapsed = time.perf_counter() - start
        if elapsed < best:
            best, cpu = elapsed, time.process_time() - start_cpu
    rate = n / best
    print(f"{label:<32} {best:8.2f} s wall {cpu:8.2f} s CPU  {rate:8.1f} files/s", flush=True)
    return rate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--dir", help="folder for the clips (default: a temporary folder)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant; the best counts")
    ap.add_argument("--model", help="model manifest (.json); default: the shipped model")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or tmp
        os.makedirs(folder, exist_ok=True)
        paths = make_clips(folder, args.clips, args.seconds)
        screener = voxscreen.Screener(args.model)
        screener.screen(paths[0])  # warm up (session creation, page cache)
        print(f"voxscreen {voxscreen.__version__}, model {screener.model['name']} "
              f"{screener.model['version']}, {len(paths)} clips of {args.seconds:g} s, "
              f"{os.cpu_count()} CPUs", flush=True)

        def loop():
            for p in paths:
                screener.screen(p)

        n = len(paths)
        timed("python loop over screen()", loop, n, args.repeat)
        for threads in (1, 2, None):
            screener.screen_many(paths[:8], threads=threads, progress=False)  # warm up sessions
            label = f"screen_many(threads={threads})"
            timed(label, lambda: screener.screen_many(paths, threads=threads, progress=False), n, args.repeat)
        df = screener.screen_many(paths, progress=False)
        errors = int(df["error_kind"].notna().sum())
        print(f"errors: {errors}; verdicts: {df['verdict'].value_counts().to_dict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

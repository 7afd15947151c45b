#!/usr/bin/env python3
"""Robustness check: degraded copies of a labelled set, and the model's error rates on each.

Given a labels CSV (`file,label,...`, paths absolute or relative to the CSV), writes one degraded
copy of every clip per condition with ffmpeg (and numpy for the added noise), OUTSIDE the
repository (default /tmp/voxscreen-degraded/<condition>/), with a labels CSV per condition that
keeps every extra column. Re-running skips the files that already exist.

With --eval it then runs `voxscreen eval <labels> --json --cache ...` on the clean set and on
every condition, and `voxscreen screen --csv` for the `noisy` flag, and writes a markdown table
(EER and genuine false-positive rate per condition, marking the conditions that more than double
the clean EER; how many clips carry the `noisy` flag, and the false-positive rate among the
flagged genuine clips).

    python training/degrade.py labels.csv --jobs 2
    python training/degrade.py labels.csv --eval --voxscreen target/release/voxscreen

Conditions:
    mp3_32k, mp3_128k   MP3 (libmp3lame) at 32 / 128 kbit/s
    aac_64k             AAC-LC (ffmpeg's aac) at 64 kbit/s in .m4a
    opus_16k, opus_32k  Opus (libopus) at 16 / 32 kbit/s in .ogg
    tel_g711            telephone: 300-3400 Hz band, 8 kHz, G.711 mu-law WAV
    white_20db/10db     white noise at 20 / 10 dB SNR (against the active-speech level)
    pink_20db/10db      pink (1/f) noise at 20 / 10 dB SNR
    gain_-12db          12 dB quieter (FLAC)
    highpass_300        300 Hz high-pass, 4th order (16-bit WAV at the source's rate)
    lowpass_3400        3.4 kHz low-pass, 4th order (16-bit WAV at the source's rate)
Noise is seeded from --seed and the clip's path: the same clip always gets the same noise.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# name -> (output extension, ffmpeg output arguments) for the codec conditions.
CODECS: dict[str, tuple[str, list[str]]] = {
    "mp3_32k": ("mp3", ["-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k"]),
    "mp3_128k": ("mp3", ["-c:a", "libmp3lame", "-b:a", "128k"]),
    "aac_64k": ("m4a", ["-c:a", "aac", "-b:a", "64k"]),
    "opus_16k": ("ogg", ["-ac", "1", "-c:a", "libopus", "-b:a", "16k"]),
    "opus_32k": ("ogg", ["-ac", "1", "-c:a", "libopus", "-b:a", "32k"]),
    "tel_g711": (
        "wav",
        ["-af", "highpass=f=300,lowpass=f=3400", "-ar", "8000", "-ac", "1", "-c:a", "pcm_mulaw"],
    ),
    "gain_-12db": ("flac", ["-af", "volume=-12dB", "-c:a", "flac"]),
    # 4th-order filters at the source's sample rate: the low cut of telephones and many recording apps, and
    # narrowband audio stored at a wideband rate
    "highpass_300": ("wav", ["-af", "highpass=f=300,highpass=f=300", "-c:a", "pcm_s16le"]),
    "lowpass_3400": ("wav", ["-af", "lowpass=f=3400,lowpass=f=3400", "-c:a", "pcm_s16le"]),
}
# name -> (colour, SNR in dB) for the added-noise conditions (written as 16-bit WAV).
NOISES: dict[str, tuple[str, float]] = {
    "white_20db": ("white", 20.0),
    "white_10db": ("white", 10.0),
    "pink_20db": ("pink", 20.0),
    "pink_10db": ("pink", 10.0),
}
CONDITIONS = [
    "mp3_32k", "mp3_128k", "aac_64k", "opus_16k", "opus_32k", "tel_g711",
    "white_20db", "white_10db", "pink_20db", "pink_10db", "gain_-12db", "highpass_300", "lowpass_3400",
]


def clean_balanced(rows):
    """The robustness sets' clips, from a pandas DataFrame with `label` and `condition` columns: every clean
    genuine clip and as many clean synthetic ones, drawn with seed 0."""
    import pandas as pd

    clean = rows[rows["condition"] == "clean"]
    real = clean[clean["label"] == "real"]
    return pd.concat([real, clean[clean["label"] == "fake"].sample(n=len(real), random_state=0)])


def read_labels(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        columns = list(reader.fieldnames or [])
        if "file" not in columns or "label" not in columns:
            sys.exit(f"{path}: the header must hold `file` and `label` columns (has {columns})")
        rows = list(reader)
    for row in rows:
        p = Path(row["file"])
        row["file"] = str(p if p.is_absolute() else (path.parent / p).resolve())
    return columns, rows


def output_name(source: str, ext: str) -> str:
    """Stable, collision-free name: clips from different folders may share a file name."""
    digest = hashlib.sha1(source.encode()).hexdigest()[:10]
    return f"{digest}_{Path(source).stem}.{ext}"


def run_ffmpeg(args: list[str]) -> None:
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "ffmpeg failed")


def probe_rate(source: str) -> int:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate",
         "-of", "csv=p=0", source],
        capture_output=True, text=True,
    )
    try:
        return int(done.stdout.strip().splitlines()[0])
    except (ValueError, IndexError):
        raise RuntimeError(f"no audio stream found by ffprobe: {done.stderr.strip()}") from None


def active_power(x, rate: int) -> float:
    """Mean power of the 10 ms frames within 40 dB of the loudest (like voxscreen's VAD)."""
    import numpy as np

    frame = max(1, round(rate * 0.01))
    n = len(x) // frame
    if n == 0:
        return float(np.mean(x.astype(np.float64) ** 2)) if len(x) else 0.0
    p = np.mean(x[: n * frame].astype(np.float64).reshape(n, frame) ** 2, axis=1)
    loud = p.max()
    if loud <= 0:
        return 0.0
    return float(p[p >= loud * 1e-4].mean())


def make_noise(colour: str, n: int, seed: int):
    import numpy as np

    rng = np.random.default_rng(seed)
    white = rng.standard_normal(n)
    if colour == "white":
        return white
    # Pink: shape white noise by 1/sqrt(f) in the frequency domain (DC left out).
    spectrum = np.fft.rfft(white)
    f = np.arange(len(spectrum), dtype=np.float64)
    f[0] = 1.0
    spectrum /= np.sqrt(f)
    spectrum[0] = 0.0
    pink = np.fft.irfft(spectrum, n)
    return pink / (pink.std() + 1e-12)


def add_noise(source: str, dest: Path, colour: str, snr_db: float, seed: int) -> None:
    import numpy as np

    rate = probe_rate(source)
    raw = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", source, "-vn",
         "-ac", "1", "-f", "f32le", "-c:a", "pcm_f32le", "-"],
        capture_output=True,
    )
    if raw.returncode != 0:
        raise RuntimeError(raw.stderr.decode(errors="replace").strip() or "ffmpeg decode failed")
    x = np.frombuffer(raw.stdout, dtype="<f4").astype(np.float64)
    if len(x) == 0:
        raise RuntimeError("no samples decoded")
    clip_seed = seed ^ int(hashlib.sha1(source.encode()).hexdigest()[:8], 16)
    noise = make_noise(colour, len(x), clip_seed)
    signal_power = active_power(x, rate)
    if signal_power > 0:
        noise *= math.sqrt(signal_power / 10 ** (snr_db / 10)) / (noise.std() + 1e-12)
    else:
        noise *= 10 ** (-60 / 20)  # silent clip: noise at -60 dBFS
    y = x + noise
    peak = np.abs(y).max()
    if peak > 0.999:  # avoid adding clipping on top of the noise
        y *= 0.999 / peak
    pcm = np.round(y * 32767).astype("<i2")
    with wave.open(str(dest), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def degrade_one(source: str, condition: str, dest: Path, seed: int) -> str:
    """Writes `dest` (through a temporary file, so an interrupted run leaves nothing half done)."""
    if dest.exists() and dest.stat().st_size > 0:
        return "skipped"
    tmp = dest.with_name(f".tmp-{os.getpid()}-{dest.name}")
    try:
        if condition in CODECS:
            _, args = CODECS[condition]
            run_ffmpeg(["-i", source, "-vn", "-map_metadata", "-1", *args, str(tmp)])
        else:
            colour, snr = NOISES[condition]
            add_noise(source, tmp, colour, snr, seed)
        tmp.replace(dest)
    finally:
        tmp.unlink(missing_ok=True)
    return "written"


def extension(condition: str) -> str:
    return CODECS[condition][0] if condition in CODECS else "wav"


def degrade(columns, rows, conditions, out: Path, jobs: int, seed: int) -> dict[str, Path]:
    labels_by_condition: dict[str, Path] = {}
    for condition in conditions:
        folder = out / condition
        folder.mkdir(parents=True, exist_ok=True)
        ext = extension(condition)
        tasks = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            for i, row in enumerate(rows):
                dest = folder / output_name(row["file"], ext)
                tasks[pool.submit(degrade_one, row["file"], condition, dest, seed)] = (i, dest)
            counts = {"written": 0, "skipped": 0, "failed": 0}
            done_rows: dict[int, Path] = {}
            for future in concurrent.futures.as_completed(tasks):
                i, dest = tasks[future]
                try:
                    counts[future.result()] += 1
                    done_rows[i] = dest
                except Exception as e:  # one bad clip must not stop the set
                    counts["failed"] += 1
                    print(f"  {condition}: {rows[i]['file']}: {e}", file=sys.stderr)
        labels = folder / "labels.csv"
        with labels.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            for i, row in enumerate(rows):
                if i in done_rows:
                    writer.writerow({**row, "file": done_rows[i].name})
        labels_by_condition[condition] = labels
        print(f"{condition}: {counts['written']} written, {counts['skipped']} already there, "
              f"{counts['failed']} failed -> {labels}", file=sys.stderr)
    return labels_by_condition


def find_voxscreen(given: str | None) -> str:
    if given:
        return given
    for candidate in (REPO / "target/release/voxscreen", REPO / "target/debug/voxscreen"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("voxscreen")
    if not found:
        sys.exit("voxscreen binary not found: pass --voxscreen PATH")
    return found


def evaluate(voxscreen: str, labels: Path, cache: Path, model: str | None, threads: int) -> dict:
    cmd = [voxscreen, "eval", str(labels), "--json", "--no-progress", "--cache", str(cache),
           "--threads", str(threads)]
    if model:
        cmd += ["--model", model]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def noisy_flags(voxscreen: str, labels: Path, model: str | None, threads: int) -> dict:
    """Screens the clips of `labels` and counts, per class, the judged clips that carry the
    `noisy` flag and how many of the flagged ones are likely_synthetic."""
    with labels.open(newline="") as f:
        rows = list(csv.DictReader(f))
    label_of = {str((labels.parent / r["file"]).resolve()): r["label"] for r in rows}
    cmd = [voxscreen, "screen", "--csv", "--no-progress", "--threads", str(threads)]
    if model:
        cmd += ["--model", model]
    done = subprocess.run(cmd + list(label_of), capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: some file failed, reported in its row
        raise RuntimeError(f"voxscreen screen exited {done.returncode}: {done.stderr.strip()}")
    counts = {c: {"judged": 0, "flagged": 0, "flagged_likely_synthetic": 0} for c in ("real", "fake")}
    for r in csv.DictReader(done.stdout.splitlines()):
        label = label_of.get(str(Path(r["path"]).resolve()))
        if label not in counts or r["verdict"] not in ("likely_synthetic", "likely_genuine", "inconclusive"):
            continue
        c = counts[label]
        c["judged"] += 1
        if "noisy" in r["flags"].split(";"):
            c["flagged"] += 1
            c["flagged_likely_synthetic"] += r["verdict"] == "likely_synthetic"
    return counts


def fmt(x, percent=True) -> str:
    if x is None:
        return "n/a"
    return f"{100 * x:.1f} %" if percent else f"{x:.3f}"


def write_table(results: dict[str, dict], path: Path) -> str:
    clean = results.get("clean", {}).get("overall", {}).get("eer")
    lines = [
        "| condition | clips (real / fake) | errors | EER | genuine false-positive rate | vs clean EER "
        "| flagged `noisy` (real / fake) | false-positive rate of flagged genuine |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for condition, report in results.items():
        o = report["overall"]
        eer = o.get("eer")
        errors = sum(report.get("errors", {}).values())
        if condition == "clean" or eer is None or clean is None:
            ratio = "" if condition == "clean" else "n/a"
        else:
            ratio = f"×{eer / clean:.1f}" if clean > 0 else ("×∞" if eer > 0 else "×1.0")
            if eer > 2 * clean:
                ratio = f"**{ratio} (more than doubles)**"
        noisy = report.get("noisy_flag", {})
        real, fake = noisy.get("real", {}), noisy.get("fake", {})
        flagged = f"{real.get('flagged', 'n/a')} / {fake.get('flagged', 'n/a')}"
        fp_flagged = (real["flagged_likely_synthetic"] / real["flagged"]) if real.get("flagged") else None
        lines.append(
            f"| {condition} | {o['real']['clips']} / {o['fake']['clips']} | {errors} | {fmt(eer)} "
            f"| {fmt(o.get('false_positive_rate'))} | {ratio} | {flagged} | {fmt(fp_flagged)} |"
        )
    text = "\n".join(lines) + "\n"
    path.write_text(
        "# Robustness to degraded input\n\n"
        "EER over all clips of each condition; genuine false-positive rate = real clips with the "
        "verdict likely_synthetic / all real clips. Conditions that more than double the clean "
        "EER are marked. Flagged `noisy`: judged clips whose speech stands less than 20 dB above "
        "the noise floor.\n\n" + text
    )
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labels", type=Path, help="labels CSV with file,label[,...] columns")
    ap.add_argument("--out", type=Path, default=Path("/tmp/voxscreen-degraded"),
                    help="output folder, outside the repository (default /tmp/voxscreen-degraded)")
    ap.add_argument("--conditions", default=",".join(CONDITIONS),
                    help=f"comma-separated subset of: {','.join(CONDITIONS)}")
    ap.add_argument("--jobs", type=int, default=2, help="clips degraded in parallel (default 2)")
    ap.add_argument("--seed", type=int, default=20240601, help="noise seed (default 20240601)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N clips (0 = all)")
    ap.add_argument("--eval", action="store_true", help="then run voxscreen eval per condition")
    ap.add_argument("--voxscreen", help="voxscreen binary (default target/release/voxscreen, then PATH)")
    ap.add_argument("--model", help="model manifest for voxscreen eval (default: the shipped model)")
    ap.add_argument("--threads", type=int, default=2, help="voxscreen eval --threads (default 2)")
    ap.add_argument("--report", type=Path, help="markdown table (default OUT/robustness.md)")
    args = ap.parse_args()

    out = args.out.resolve()
    if out == REPO or REPO in out.parents:
        sys.exit(f"--out {out} is inside the repository: degraded audio must be written elsewhere")
    conditions = [c.strip() for c in args.conditions.split(",") if c.strip()]
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        sys.exit(f"unknown conditions {unknown}; known: {CONDITIONS}")
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        sys.exit("ffmpeg and ffprobe are needed")
    columns, rows = read_labels(args.labels)
    if args.limit:
        rows = rows[: args.limit]
    missing = [r["file"] for r in rows if not Path(r["file"]).is_file()]
    if missing:
        print(f"warning: {len(missing)} listed files do not exist (first: {missing[0]})", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    labels = degrade(columns, rows, conditions, out, max(1, args.jobs), args.seed)
    if not args.eval:
        return

    voxscreen = find_voxscreen(args.voxscreen)
    clean_dir = out / "clean"
    clean_dir.mkdir(exist_ok=True)
    clean_labels = clean_dir / "labels.csv"
    with clean_labels.open("w", newline="") as f:  # the clean set, restricted like the others
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    results: dict[str, dict] = {}
    for condition, path in [("clean", clean_labels), *labels.items()]:
        print(f"eval {condition}", file=sys.stderr)
        try:
            results[condition] = evaluate(voxscreen, path, path.parent / "scores.jsonl", args.model, args.threads)
            results[condition]["noisy_flag"] = noisy_flags(voxscreen, path, args.model, args.threads)
        except (RuntimeError, json.JSONDecodeError) as e:
            print(f"  {condition}: {e}", file=sys.stderr)
    (out / "robustness.json").write_text(json.dumps(results, indent=1))
    report = args.report or out / "robustness.md"
    print(write_table(results, report), end="")
    print(f"-> {report}", file=sys.stderr)


if __name__ == "__main__":
    main()

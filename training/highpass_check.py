#!/usr/bin/env python3
"""Why a 300 Hz high-pass makes the model flag genuine speech: three tables (training/README.md, "Which genuine
clips the high-pass turns").

    python training/highpass_check.py sources    # share of energy below 300 Hz, clean clips per source
    python training/highpass_check.py voices     # test genuine clips, clean vs high-passed, per voice
    python training/highpass_check.py natural    # cal/test genuine clips as recorded: flagged share by low band

`voices` writes the high-passed copies (degrade.py's condition highpass_300) to --out,
screens both versions with the release binary (the model of models/, or --model) and compares them per voice
(Asterisk prompt voices one by one, the shared set's speakers together).
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile as sf
from scipy.signal import welch

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "training" / "work" / "corpus"


def band_ratio_db(path, num, den, nperseg):
    """10·log10 of a clip's energy in the band `num` over its energy in the band `den` ((low, high) Hz, half
    open), from a Welch spectrum with `nperseg`-sample segments."""
    y, sr = sf.read(path, dtype="float64")
    if y.ndim > 1:
        y = y.mean(axis=1)
    f, p = welch(y, sr, nperseg=nperseg)
    return 10 * np.log10(p[(f >= num[0]) & (f < num[1])].sum() / p[(f >= den[0]) & (f < den[1])].sum() + 1e-15)


def low_share_db(path):
    """Share of a clip's 50–7800 Hz energy that lies below 300 Hz, in dB."""
    return band_ratio_db(path, (50, 300), (50, 7800), 1024)


def low_to_mid_db(path):
    """A clip's 60–200 Hz energy over its 300–3000 Hz energy, in dB."""
    return band_ratio_db(path, (60, 200), (300, 3000), 2048)


def clean_clips():
    m = pd.read_csv(CORPUS / "manifest_full.csv")
    return m[m.condition == "clean"]


def sources(_args):
    m = clean_clips()
    m = m.assign(low_db=[low_share_db(CORPUS / f) for f in m.file],
                 group=m.generator.where(m.label == "fake", "human:" + m.source))
    stats = m.groupby(["label", "group"]).low_db.describe(percentiles=[0.1, 0.5, 0.9])
    print(stats[["count", "10%", "50%", "90%"]].round(1).to_string())


def natural(args):
    """Are genuine recordings that carry little low band as recorded flagged more often? (cal/test splits,
    clean clips of the shared set and the prompts; the high-passed copies of `voices` for comparison.)"""
    m = clean_clips()
    g = m[(m.label == "real") & m.split.isin(["cal", "test"]) & m.source.isin(["genuine", "asterisk"])]
    paths = [str(CORPUS / f) for f in g.file]
    reports = screen(args.binary, args.model, paths)
    d = pd.DataFrame([dict(ratio_db=low_to_mid_db(p), flagged=reports[p]["verdict"] == "likely_synthetic")
                      for p in paths if reports[p]["probability_synthetic"] is not None])
    d["band"] = pd.cut(d.ratio_db, [-200, -28, -20, -10, 0, 100])
    print(d.groupby("band", observed=True).flagged.agg(["size", "mean"]).round(3).to_string())
    filtered = sorted(Path(args.out).glob("*.wav"))
    if filtered:
        share = np.mean([low_to_mid_db(p) < -28 for p in filtered])
        print(f"high-passed copies in {args.out} below -28 dB: {share:.3f} of {len(filtered)}")


def screen(binary, model, paths):
    cmd = [binary, "screen", "--json", "--no-progress"] + (["--model", model] if model else []) + paths
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    return {r["path"]: r for r in map(json.loads, out.splitlines())}


def voices(args):
    m = clean_clips()
    t = m[(m.label == "real") & (m.split == "test")].copy()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t["clean"] = [str(CORPUS / f) for f in t.file]
    t["filtered"] = [str(out / f.replace("/", "__")) for f in t.file]
    sys.path.insert(0, str(ROOT / "training"))
    import degrade

    for src, dst in zip(t.clean, t.filtered):
        degrade.degrade_one(src, "highpass_300", Path(dst), seed=0)
    clean = screen(args.binary, args.model, list(t.clean))
    filtered = screen(args.binary, args.model, list(t.filtered))
    rows = []
    for r in t.itertuples():
        c, h = clean[r.clean], filtered[r.filtered]
        if c["probability_synthetic"] is None or h["probability_synthetic"] is None:
            continue
        windows = [w["probability_synthetic"] for w in h["timeline"] if w["speech"]]
        rows.append(dict(voice=r.speaker if r.source == "asterisk" else "shared set",
                         low_db=low_share_db(r.clean), p_clean=c["probability_synthetic"],
                         p_filtered=h["probability_synthetic"],
                         flagged_clean=c["verdict"] == "likely_synthetic",
                         flagged_filtered=h["verdict"] == "likely_synthetic",
                         windows_over_half=np.mean([p > 0.5 for p in windows if p is not None])))
    d = pd.DataFrame(rows)
    table = d.groupby("voice").agg(clips=("p_clean", "size"), low_db=("low_db", "mean"), p_clean=("p_clean", "mean"),
                                   p_filtered=("p_filtered", "mean"), flagged_clean=("flagged_clean", "mean"),
                                   flagged_filtered=("flagged_filtered", "mean"),
                                   windows_over_half=("windows_over_half", "mean"))
    print(table.round(2).to_string())
    rise = d.p_filtered - d.p_clean
    for name, sel in (("Asterisk", d.voice != "shared set"), ("shared set", d.voice == "shared set")):
        print(f"{name}: Pearson(low_db, probability rise) = {np.corrcoef(d.low_db[sel], rise[sel])[0, 1]:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("table", choices=("sources", "voices", "natural"))
    ap.add_argument("--out", default="/tmp/voxscreen-highpass", help="where `voices` writes the filtered copies")
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "voxscreen"))
    ap.add_argument("--model", default="", help="model manifest (default: the binary's embedded model)")
    args = ap.parse_args()
    {"sources": sources, "voices": voices, "natural": natural}[args.table](args)


if __name__ == "__main__":
    main()

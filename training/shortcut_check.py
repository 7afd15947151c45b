"""Shortcut check of the prepared demo-page clips: can trivial per-file statistics tell the classes apart?

A logistic regression on duration, RMS, peak, effective bandwidth, noise floor, leading silence and the
original file's sample rate (standardised), fitted on the clean `train` clips of corpus stage
`demopages` and scored on `dev` (and `pagetest`), must stay at EER >= 40%: otherwise the model can
learn how a page stored its files instead of what a generator does to speech. Each statistic alone is
scored as well (its better direction), so a failing check names the cue.

    python training/shortcut_check.py [--jobs 2]      # writes training/work/shortcut_check.md
"""
import argparse
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus_audio as ca  # noqa: E402
from train import roc_eer  # noqa: E402

CORPUS = HERE / "work" / "corpus"
STATS = ["duration_s", "rms_db", "peak_db", "bandwidth_hz", "noise_floor_db", "leading_silence_s",
         "original_sample_rate"]


def clip_stats(path):
    """Per-file statistics of one prepared clip (16 kHz)."""
    y = ca.read_pcm(path)
    frame_db, hop, win = ca._frame_db(y)
    loud = frame_db.max()
    spec = np.abs(np.fft.rfft(y[: len(y) // 512 * 512].reshape(-1, 512) * np.hanning(512), axis=1)) ** 2
    ltas = 10 * np.log10(spec.mean(axis=0) + 1e-20)
    above = np.nonzero(ltas >= ltas.max() - 50.0)[0]
    return dict(
        duration_s=len(y) / ca.SR,
        rms_db=20 * np.log10(np.sqrt(np.mean(y ** 2)) + 1e-12),
        peak_db=20 * np.log10(np.max(np.abs(y)) + 1e-12),
        bandwidth_hz=float(above[-1]) * ca.SR / 512,
        noise_floor_db=float(np.percentile(frame_db, 10) - loud),
        leading_silence_s=float(np.argmax(frame_db >= loud - 30.0)) * hop / ca.SR,
    )


def fit_and_score(train, others):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, class_weight="balanced"))
    model.fit(train[STATS].to_numpy(), (train["label"] == "fake").to_numpy())
    out = {}
    for name, df in others.items():
        s = model.decision_function(df[STATS].to_numpy())
        fake = (df["label"] == "fake").to_numpy()
        out[name] = roc_eer(s[fake], s[~fake])[0]
    return out


def single_eer(df, col):
    fake = (df["label"] == "fake").to_numpy()
    v = df[col].to_numpy(dtype=float)
    e = roc_eer(v[fake], v[~fake])[0]
    return min(e, 100.0 - e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    m = pd.read_csv(CORPUS / "manifest_full.csv", keep_default_na=False)
    m = m[m["source"].str.startswith("dp:") & (m["condition"] == "clean")].reset_index(drop=True)
    with Pool(args.jobs) as pool:
        stats = pool.map(clip_stats, [CORPUS / f for f in m["file"]], chunksize=64)
    df = pd.concat([m.drop(columns=["duration_s"]), pd.DataFrame(stats)], axis=1)
    df["original_sample_rate"] = pd.to_numeric(df["original_sample_rate"], errors="coerce").fillna(16000)
    splits = {s: df[df["split"] == s] for s in ("train", "dev", "pagetest")}
    lr = fit_and_score(splits["train"], {"dev": splits["dev"], "pagetest": splits["pagetest"]})
    lines = ["| statistic | " + " | ".join(f"{s} EER" for s in splits) + " |",
             "|---|" + "---|" * len(splits)]
    lines.append("| **logistic regression on all (fitted on train)** | – | "
                 f"**{lr['dev']:.1f}%** | {lr['pagetest']:.1f}% |")
    for col in STATS:
        lines.append(f"| {col} alone | " + " | ".join(f"{single_eer(d, col):.1f}%" for d in splits.values()) + " |")
    counts = ", ".join(f"{s} {len(d)} clips ({(d['label'] == 'real').sum()} genuine)" for s, d in splits.items())
    text = (f"Clean prepared demo-page clips: {counts}. Target: dev EER >= 40%.\n\n" + "\n".join(lines) + "\n")
    (HERE / "work" / "shortcut_check.md").write_text(text)
    df.to_csv(HERE / "work" / "shortcut_stats.csv", index=False)
    print(text)
    return 0 if lr["dev"] >= 40.0 else 1


if __name__ == "__main__":
    sys.exit(main())

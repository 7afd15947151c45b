"""Labels CSVs of the demo-page splits for `voxscreen eval` (clean prepared clips of corpus stage `demopages`).

Writes training/work/demopages_<split>.csv (split dev or pagetest) with the columns
file,label,family,system,repo,language,system_in_train: `system_in_train` says whether the clip's
system (the manifest's generator name, `?` parts included) also occurs on a train page, so the
test-page EER can be given for the systems absent from train.

    python training/demopages_labels.py
    target/release/voxscreen eval training/work/demopages_pagetest.csv --model M.json --by family,system_in_train
"""
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "work" / "corpus"


def main():
    m = pd.read_csv(CORPUS / "manifest_full.csv", dtype=str, keep_default_na=False)
    m = m[m["source"].str.startswith("dp:")]
    train_systems = set(m.loc[(m["split"] == "train") & (m["label"] == "fake"), "generator"])
    clean = m[m["condition"] == "clean"]
    for split in ("dev", "pagetest"):
        s = clean[clean["split"] == split]
        out = pd.DataFrame({
            "file": [str(CORPUS / f) for f in s["file"]],
            "label": s["label"].to_numpy(),
            "family": s["family"].to_numpy(),
            "system": s["generator"].to_numpy(),
            "repo": s["source"].str[len("dp:"):].to_numpy(),
            "language": s["language"].to_numpy(),
            "system_in_train": ["genuine" if lab == "real" else ("yes" if g in train_systems else "no")
                                for lab, g in zip(s["label"], s["generator"])],
        })
        path = HERE / "work" / f"demopages_{split}.csv"
        out.to_csv(path, index=False)
        print(f"{path}: {len(out)} clips ({(out['label'] == 'real').sum()} genuine; synthetic of systems absent "
              f"from train: {(out['system_in_train'] == 'no').sum()})")


if __name__ == "__main__":
    main()

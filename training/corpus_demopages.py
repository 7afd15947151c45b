"""Corpus stage `demopages`: genuine and synthetic clips of ../shared/train/demopages (speech-synthesis
demo pages, listening tests, codec pages and corpus copies in public GitHub repositories).

The audio comes from repository snapshots, written out by the manifest's own exporter:

    python ../shared/train/demopages/export.py --repos    # the snapshots to fetch (github:OWNER/NAME)
    python ../shared/train/demopages/export.py training/work/demopages_raw

A script cannot fetch: `tasks()` lists the repositories whose files are missing (fetch them with the
search tool's `fetch` in a session; elsewhere `git clone --mirror` at the manifest's `ref`) and
records every row it leaves out, with the reason, in training/work/corpus/demopages_skipped.csv.

Every clip goes through corpus_audio.prepare like every other stage (16 kHz, trim, <= 12 s pieces,
RMS -25 dBFS, dither). Splits are the manifest's, by whole repository: `train` -> train, `dev` -> dev
(model, calibration and threshold choice, with the old corpus's `cal`), `test` -> pagetest (scored
once, after choosing). Left out:
  - train/dev genuine clips whose corpus utterance id (p225_007, LJ001-0001, 61-70968-0003, ...)
    occurs among the genuine clips of a test page (the same recording must not be on both sides);
  - synthetic clips beyond CAP_SYSTEM per (repository, system) in train/dev and beyond
    CAP_SYSTEM_TEST in pagetest (demo-public's own rule: at most 30 per system), and genuine
    clips beyond CAP_SPEAKER per (repository, corpus, speaker) in train/dev: a few repositories
    hold thousands of clips of one system or speaker.
"""
import csv
import re
from collections import defaultdict
from pathlib import Path

import corpus_audio as ca

HERE = Path(__file__).resolve().parent
DEMOPAGES = (HERE.parent.parent / "shared" / "train" / "demopages").resolve()
EXPORT = HERE / "work" / "demopages_raw"
SPLITS = {"train": "train", "dev": "dev", "test": "pagetest"}
CAP_SYSTEM = 100
CAP_SYSTEM_TEST = 30
CAP_SPEAKER = 60

# Corpus utterance ids as they appear in file names and pair ids on the pages.
UTTERANCE_PATTERNS = [
    re.compile(r"p\d{3}_\d{3}"),                          # VCTK
    re.compile(r"LJ\d{3}-\d{4}"),                         # LJSpeech
    re.compile(r"\d{2,5}[-_]\d{2,7}[-_]\d{4,6}(?:_\d{6})?"),  # LibriSpeech, LibriTTS, MLS
    re.compile(r"arctic_[ab]\d{4}"),                      # CMU ARCTIC, L2-ARCTIC (with the speaker)
    re.compile(r"BAC009S\d{4}W\d{4}|SSB\d{7,8}"),         # AISHELL-1, AISHELL-3
    re.compile(r"(?:BASIC5000|VOICEACTRESS100)_\d{3,4}"),  # JSUT, JVS (with the speaker)
    re.compile(r"VCC2[ST][FM]\d[/_-]?\d{5}|[ST][EMFG][FM]\d[/_-]?[A-Z]\d{5}"),  # VCC 2016-2020
]
NEEDS_SPEAKER = ("arctic_", "BASIC5000", "VOICEACTRESS100")


def utterance_id(row):
    """The corpus utterance id of a genuine clip (normalised): a known corpus pattern in its path or pair id,
    else its corpus and file name; None for clips of no named corpus."""
    text = f"{row['gitpath']} {row['pair_id']}"
    for pat in UTTERANCE_PATTERNS:
        m = pat.findall(text)
        if m:
            uid = re.sub(r"[/_-]", "_", m[-1]).lower()
            if uid.startswith(tuple(p.lower() for p in NEEDS_SPEAKER)):
                uid = f"{row['speaker'].lower().split('_')[-1]}:{uid}"
            return uid
    stem = Path(row["gitpath"]).stem.lower()
    corpus = row["corpus"].strip().lower()
    if corpus and corpus not in ("unknown", "private") and len(stem) >= 4:
        return f"{corpus}:{stem}"  # a corpus's own file name (EmoDB 16b03Nb, SELVAS lmy02184, ...)
    return None


def read_manifest():
    with open(DEMOPAGES / "manifest.csv", newline="") as f:
        return list(csv.DictReader(f))


def exported_path(row):
    return EXPORT / row["repo"].replace("/", "+") / row["gitpath"]


def select(rows):
    """Splits the manifest into (kept rows, skipped [(row, reason)]): the test-utterance rule and the
    caps, in manifest order (so the choice is the same on every run)."""
    test_utts = {u for r in rows if r["split"] == "test" and r["label"] == "real"
                 for u in [utterance_id(r)] if u}
    kept, skipped = [], []
    seen = defaultdict(int)
    for r in rows:
        if r["split"] != "test" and r["label"] == "real" and utterance_id(r) in test_utts:
            skipped.append((r, "utterance on a test page"))
            continue
        if r["label"] == "fake":
            group, cap = (r["split"], r["repo"], r["system"]), CAP_SYSTEM_TEST if r["split"] == "test" else CAP_SYSTEM
        else:
            group, cap = (r["split"], r["repo"], r["corpus"], r["speaker"]), None if r["split"] == "test" else CAP_SPEAKER
        seen[group] += 1
        if cap is not None and seen[group] > cap:
            skipped.append((r, f"cap {cap} per {'system' if r['label'] == 'fake' else 'speaker'}"))
            continue
        kept.append(r)
    return kept, skipped


def tasks(out_dir):
    rows = read_manifest()
    missing = sorted({r["repo"] for r in rows if not exported_path(r).exists()})
    if missing:
        raise RuntimeError(
            f"{len(missing)} repositories not exported to {EXPORT}: fetch them (search tool `fetch`, e.g. "
            f"github:{missing[0]}), then run python {DEMOPAGES}/export.py {EXPORT}")
    kept, skipped = select(rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "demopages_skipped.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["repo", "gitpath", "blob", "label", "system", "split", "reason"])
        for r, why in skipped:
            w.writerow([r["repo"], r["gitpath"], r["blob"], r["label"], r["system"], r["split"], why])
    return [dict(key=f"dp_{r['repo'].replace('/', '+')}_{r['blob'][:12]}", row=r) for r in kept]


def prepare(t):
    """Loads one exported clip and prepares it like every other stage: (int16 pieces, record meta)."""
    r = t["row"]
    y, sr = ca.load(exported_path(r))
    pieces = ca.prepare(y, sr, seed=ca.seed_of(t["key"]))
    family = r["family"] if r["label"] == "fake" else "real"
    meta = dict(label=r["label"], source=f"dp:{r['repo']}", generator=r["system"] if r["label"] == "fake" else "human",
                family=family, speaker=f"{r['repo']}:{r['speaker'] or r['corpus']}", language=r["language"],
                condition="clean", parent="", variant=r["corpus"], text="",
                origin=f"{r['repo']}@{r['ref'][:12]}:{r['gitpath']}", dp_split=SPLITS[r["split"]],
                non_commercial=r["non_commercial"], original_sample_rate=r["sample_rate"])
    return pieces, meta

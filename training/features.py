"""Feature cache for the training recipe (not packaged).

Features come ONLY from the project's own Rust front-end through the Python binding:
    voxscreen.features(path, kind="model", model=<manifest>) -> {"windows": float32 (n, rows, 198), "speech": bool (n,)}
(rows = 257 bins for the log power spectrogram front-end of --front-end training/frontend_lps.json)
This file contains no feature computation of its own; it calls the binding, caches the result per clip
and assembles per-split arrays.

Layout under --out (default training/work/features/):
    clips/<hh>/<sha1(file)>.npz     per-clip cache: windows float32, speech bool, starts/ends float64 (s)
    <split>_windows.npy             float16 (N, rows, 198), all windows of the split's clips, in index order
    front_end.json                  the --front-end manifest path and its `features` block
    <split>_speech.npy              bool (N,)
    <split>_starts.npy, _ends.npy   float64 (N,) window start/end in seconds within its clip (binding's spans_s)
    <split>_index.csv               one row per clip: file,label,generator,family,speaker,source,language,
                                    condition,parent,duration_s,start,n_windows,n_speech
    failures.csv                    clips the binding could not process
Clips already cached are skipped; a split's arrays are re-assembled only when its clip list changed.

Usage:
    python training/features.py --front-end training/frontend_lps.json --out training/work/features_lps --jobs 2
"""
import argparse
import hashlib
import os
import sys
import time
from multiprocessing import Pool

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
WINDOW_S = 2.0
HOP_S = 1.0
N_FRAMES = 198  # 2.0 s window at a 10 ms hop; the row count (feature bins) comes from the data
INDEX_COLS = ["file", "label", "generator", "family", "speaker", "source", "language", "condition", "parent"]


def clip_cache_path(out_dir, rel_file):
    h = hashlib.sha1(rel_file.encode("utf-8")).hexdigest()
    return os.path.join(out_dir, "clips", h[:2], h + ".npz")


def _get(res, *names):
    for n in names:
        if isinstance(res, dict) and n in res:
            return res[n]
        if not isinstance(res, dict) and hasattr(res, n):
            return getattr(res, n)
    return None


def audio_duration(path):
    import soundfile as sf  # header only; used for window start times if the binding gives none

    info = sf.info(path)
    return info.frames / float(info.samplerate)


def window_starts(n, duration):
    """Window start times as documented for the front-end: every HOP_S, last window aligned to the clip end,
    a clip shorter than WINDOW_S is one (tiled) window starting at 0."""
    if n <= 1 or duration <= WINDOW_S:
        return np.zeros(max(n, 1), dtype=np.float64)[:n]
    s = np.arange(n, dtype=np.float64) * HOP_S
    s[-1] = max(duration - WINDOW_S, 0.0)
    return s


def _extract(job):
    abs_path, rel_file, cache, read_samples, front_end = job
    if os.path.exists(cache):
        return rel_file, "cached", None
    try:
        import voxscreen

        if read_samples:  # only file reading in Python (16-bit PCM -> float32); the features are the binding's
            import soundfile as sf

            x, sr = sf.read(abs_path, dtype="float32", always_2d=True)
            res = voxscreen.features(np.ascontiguousarray(x.mean(axis=1)), sample_rate=sr, kind="model",
                                     model=front_end)
        else:
            res = voxscreen.features(abs_path, kind="model", model=front_end)
        w = np.asarray(_get(res, "windows"), dtype=np.float32)
        if not np.isfinite(w).all():
            raise ValueError("non-finite features")
        w = np.ascontiguousarray(w.astype(np.float16))  # stored as float16 (halves disk and RAM)

        sp = np.asarray(_get(res, "speech")).astype(bool).reshape(-1)
        if w.ndim != 3 or w.shape[2] != N_FRAMES or w.shape[0] != sp.shape[0]:
            raise ValueError(f"unexpected shapes windows={w.shape} speech={sp.shape}")
        audio = _get(res, "audio")
        dur = _get(audio, "duration_s", "duration") if audio is not None else None
        if dur is None:
            dur = _get(res, "duration_s", "duration")
        dur = float(dur) if dur is not None else audio_duration(abs_path)
        spans = _get(res, "spans_s", "spans")
        if spans is not None and np.asarray(spans).shape == (len(sp), 2):
            spans = np.asarray(spans, dtype=np.float64)
            st, en = spans[:, 0].copy(), spans[:, 1].copy()
        else:
            st = window_starts(len(sp), dur)
            en = st + min(WINDOW_S, dur)
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        tmp = cache + f".tmp{os.getpid()}.npz"
        np.savez(tmp, windows=w, speech=sp, starts=st, ends=en, duration=np.float64(dur))
        os.replace(tmp, cache)
        return rel_file, "ok", None
    except Exception as e:  # noqa: BLE001 - report and continue
        return rel_file, "fail", f"{type(e).__name__}: {e}"


def read_manifest(corpus):
    m = pd.read_csv(os.path.join(corpus, "manifest.csv"), dtype=str, keep_default_na=False)
    for c in INDEX_COLS + ["split"]:
        if c not in m.columns:
            m[c] = ""
    return m


def extract_all(corpus, out_dir, jobs, splits, limit=None, read_samples=False, front_end=None):
    m = read_manifest(corpus)
    m = m[m["split"].isin(splits)]
    if limit:
        m = m.groupby(["split", "label"], group_keys=False).head(limit)
    todo = []
    for f in m["file"]:
        cache = clip_cache_path(out_dir, f)
        if not os.path.exists(cache):
            todo.append((os.path.join(corpus, f), f, cache, read_samples, front_end))
    print(f"[features] {len(m)} clips in manifest for {splits}, {len(todo)} to extract", flush=True)
    fails = []
    t0 = time.time()
    if todo:
        with Pool(jobs) as pool:
            for i, (f, status, err) in enumerate(pool.imap_unordered(_extract, todo, chunksize=4), 1):
                if status == "fail":
                    fails.append((f, err))
                    print(f"[features] FAIL {f}: {err}", flush=True)
                if i % 200 == 0 or i == len(todo):
                    el = time.time() - t0
                    print(f"[features] {i}/{len(todo)} clips, {el:.0f}s, {i / max(el, 1e-9):.1f} clips/s", flush=True)
    if fails:
        fp = os.path.join(out_dir, "failures.csv")
        pd.DataFrame(fails, columns=["file", "error"]).to_csv(fp, index=False)
        print(f"[features] {len(fails)} failures written to {fp}", flush=True)
    return m


def assemble(m, out_dir, split):
    ms = m[m["split"] == split].reset_index(drop=True)
    ms = ms[[os.path.exists(clip_cache_path(out_dir, f)) for f in ms["file"]]].reset_index(drop=True)
    idx_path = os.path.join(out_dir, f"{split}_index.csv")
    if os.path.exists(idx_path) and os.path.exists(os.path.join(out_dir, f"{split}_windows.npy")):
        old = pd.read_csv(idx_path, dtype=str, keep_default_na=False)
        if list(old["file"]) == list(ms["file"]):
            print(f"[features] {split}: up to date ({len(ms)} clips)", flush=True)
            return
    if len(ms) == 0:
        print(f"[features] {split}: no clips", flush=True)
        return
    counts, durs, shapes = [], [], set()
    for f in ms["file"]:
        with np.load(clip_cache_path(out_dir, f)) as z:
            counts.append(int(z["speech"].shape[0]))
            shapes.add(tuple(z["windows"].shape[1:]))
    if len(shapes) != 1:
        sys.exit(f"[features] {split}: mixed window shapes in the cache {shapes} (different front-ends?)")
    n_rows, n_frames = shapes.pop()
    total = int(sum(counts))
    wpath = os.path.join(out_dir, f"{split}_windows.npy")
    tmpw = wpath + ".tmp.npy"
    W = np.lib.format.open_memmap(tmpw, mode="w+", dtype=np.float16, shape=(total, n_rows, n_frames))
    S = np.zeros(total, dtype=bool)
    T = np.zeros(total, dtype=np.float64)
    E = np.zeros(total, dtype=np.float64)
    starts, nsp = [], []
    pos = 0
    for f, n in zip(ms["file"], counts):
        with np.load(clip_cache_path(out_dir, f)) as z:
            W[pos:pos + n] = z["windows"]
            S[pos:pos + n] = z["speech"]
            T[pos:pos + n] = z["starts"]
            E[pos:pos + n] = z["ends"] if "ends" in z.files else z["starts"] + min(WINDOW_S, float(z["duration"]))
            durs.append(float(z["duration"]))
        starts.append(pos)
        nsp.append(int(S[pos:pos + n].sum()))
        pos += n
    W.flush()
    del W
    os.replace(tmpw, wpath)
    np.save(os.path.join(out_dir, f"{split}_speech.npy"), S)
    np.save(os.path.join(out_dir, f"{split}_starts.npy"), T)
    np.save(os.path.join(out_dir, f"{split}_ends.npy"), E)
    idx = ms[INDEX_COLS].copy()
    idx["duration_s"] = np.round(durs, 4)
    idx["start"] = starts
    idx["n_windows"] = counts
    idx["n_speech"] = nsp
    idx.to_csv(idx_path, index=False)
    lab = idx.groupby("label")["n_speech"].agg(["count", "sum"])
    print(f"[features] {split}: {len(idx)} clips, {total} windows, {int(S.sum())} speech windows; "
          f"per label (clips, speech windows): {lab.to_dict('index')}", flush=True)


def load_split(out_dir, split, mmap=True):
    """Returns (index DataFrame, windows array (mmap), speech bool, spans (N, 2) start/end seconds)."""
    idx = pd.read_csv(os.path.join(out_dir, f"{split}_index.csv"), dtype=str, keep_default_na=False)
    for c in ("start", "n_windows", "n_speech"):
        idx[c] = idx[c].astype(int)
    idx["duration_s"] = idx["duration_s"].astype(float)
    W = np.load(os.path.join(out_dir, f"{split}_windows.npy"), mmap_mode="r" if mmap else None)
    S = np.load(os.path.join(out_dir, f"{split}_speech.npy"))
    T = np.load(os.path.join(out_dir, f"{split}_starts.npy"))
    E = np.load(os.path.join(out_dir, f"{split}_ends.npy"))
    return idx, W, S, np.stack([T, E], axis=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(HERE, "work", "corpus"))
    ap.add_argument("--out", default=os.path.join(HERE, "work", "features"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--front-end", default=None,
                    help="model manifest (JSON) whose `features` block defines the front-end; passed as "
                         "model= to voxscreen.features (default: the binding's built-in default model)")
    ap.add_argument("--splits", default="train,cal,test,unseen")
    ap.add_argument("--limit", type=int, default=None, help="at most N clips per split and label (smoke tests)")
    ap.add_argument("--read-samples", action="store_true",
                    help="read the WAV samples with soundfile and pass the array to voxscreen.features "
                         "(fallback when the binding cannot decode files)")
    a = ap.parse_args()
    import voxscreen  # fail early if the binding is missing

    if not hasattr(voxscreen, "features"):
        sys.exit("voxscreen.features is missing: install the binding (pip install ./python)")
    os.makedirs(a.out, exist_ok=True)
    splits = [s for s in a.splits.split(",") if s]
    front_end = os.path.abspath(a.front_end) if a.front_end else None
    if front_end:
        import json

        with open(os.path.join(a.out, "front_end.json"), "w") as f:  # the exact front-end of this cache
            json.dump({"manifest": front_end, "features": json.load(open(front_end))["features"]}, f, indent=1)
    m = extract_all(a.corpus, a.out, a.jobs, splits, a.limit, a.read_samples, front_end)
    for s in splits:
        assemble(m, a.out, s)


if __name__ == "__main__":
    main()

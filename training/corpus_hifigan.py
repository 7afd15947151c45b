"""Neural-vocoder copy-synthesis with the recipe's own vocoders (training/vocoder.py): the NSF-HiFi-GAN of
stage hifigan (`arch` "nsf") and the Vocos-style vocoder of experiment stage istft (`arch` "istft").

ensure_vocoder() trains a vocoder on the train split's genuine clips if it is not trained yet
(resumable: vocoder.py checkpoints as it goes); resynth() turns one clip into its log-mel
spectrogram (and F0, for "nsf") and back into a waveform through the trained generator.
"""
import hashlib
import json
from pathlib import Path

import numpy as np

import vocoder

WORK = Path(__file__).resolve().parent / "work"
CKPT_DIRS = {"nsf": WORK / "vocoder", "istft": WORK / "vocoder_istft"}
NAMES = {"nsf": "nsf-hifigan", "istft": "vocos-style istft"}
_gens = {}


def ensure_vocoder(steps, arch="nsf"):
    """Train (or finish training) the vocoder; returns a short description of the checkpoint."""
    d = CKPT_DIRS[arch]
    status = d / "status.json"
    if not status.exists() or not json.loads(status.read_text())["done"]:
        if not vocoder.train(vocoder.parse_args(["--out", str(d), "--steps", str(steps), "--arch", arch])):
            raise RuntimeError("vocoder training stopped before its last step; run the stage again")
    return describe(arch)


def describe(arch="nsf"):
    ck = CKPT_DIRS[arch] / "checkpoint.pt"
    digest = hashlib.sha256(ck.read_bytes()).hexdigest()[:12]
    return f"{NAMES[arch]} vocoder trained by training/vocoder.py (checkpoint sha256 {digest})"


def resynth(y, seed, arch="nsf"):
    """16 kHz float speech -> the same speech through the trained vocoder (float, whole frames);
    `seed` fixes the NSF source's random phases and noise."""
    import torch

    if arch not in _gens:
        torch.set_num_threads(1)
        _gens[arch] = (vocoder.load_generator(CKPT_DIRS[arch] / "checkpoint.pt")[0], vocoder.MelSpectrogram())
    g, mel = _gens[arch]
    n = len(y) // vocoder.HOP * vocoder.HOP
    y = np.asarray(y[:n], dtype=np.float32)
    f0 = torch.from_numpy(vocoder.f0_of(y)).unsqueeze(0) if arch == "nsf" else None
    torch.manual_seed(seed)
    with torch.no_grad():
        return g(mel(torch.from_numpy(y).unsqueeze(0)), f0).squeeze(0).numpy().astype(np.float64)

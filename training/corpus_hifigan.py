"""NSF-HiFi-GAN neural-vocoder copy-synthesis with the recipe's own vocoder (training/vocoder.py).

ensure_vocoder() trains the vocoder on the train split's genuine clips if it is not trained yet
(resumable: vocoder.py checkpoints as it goes); resynth() turns one clip into its log-mel
spectrogram and F0 and back into a waveform through the trained generator.
"""
import hashlib
import json
from pathlib import Path

import numpy as np

import vocoder

CKPT_DIR = Path(__file__).resolve().parent / "work" / "vocoder"
_gen = None


def ensure_vocoder(steps):
    """Train (or finish training) the vocoder; returns a short description of the checkpoint."""
    status = CKPT_DIR / "status.json"
    if not status.exists() or not json.loads(status.read_text())["done"]:
        if not vocoder.train(vocoder.parse_args(["--out", str(CKPT_DIR), "--steps", str(steps)])):
            raise RuntimeError("vocoder training stopped before its last step; run the stage again")
    return describe()


def describe():
    ck = CKPT_DIR / "checkpoint.pt"
    digest = hashlib.sha256(ck.read_bytes()).hexdigest()[:12]
    return f"nsf-hifigan vocoder trained by training/vocoder.py (checkpoint sha256 {digest})"


def resynth(y, seed):
    """16 kHz float speech -> the same speech through the trained vocoder (float, whole frames);
    `seed` fixes the source's random phases and noise."""
    global _gen
    import torch

    if _gen is None:
        torch.set_num_threads(1)
        _gen = (vocoder.load_generator(CKPT_DIR / "checkpoint.pt")[0], vocoder.MelSpectrogram())
    g, mel = _gen
    n = len(y) // vocoder.HOP * vocoder.HOP
    y = np.asarray(y[:n], dtype=np.float32)
    f0 = torch.from_numpy(vocoder.f0_of(y)).unsqueeze(0)
    torch.manual_seed(seed)
    with torch.no_grad():
        return g(mel(torch.from_numpy(y).unsqueeze(0)), f0).squeeze(0).numpy().astype(np.float64)

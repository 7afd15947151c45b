#!/usr/bin/env python3
"""A small NSF-HiFi-GAN neural vocoder, trained here on the genuine training clips (not packaged).

Used for copy-synthesis (corpus stage `hifigan`): a genuine clip's log-mel spectrogram and F0 are
turned back into a waveform by a HiFi-GAN generator (Kong et al. 2020: transposed-convolution
upsampling with multi-receptive-field residual blocks) driven by a neural-source-filter harmonic
source (Wang & Yamagishi 2019) — the "NSF-HiFi-GAN" of singing- and voice-conversion systems
(DiffSinger, so-vits-svc, RVC), and the generator family of most VITS/HiFi-GAN-era TTS. No registry
package ships such a vocoder with weights, so the recipe trains its own, on the CPU, from the genuine
clips of the *train* split only (held-out speakers are re-synthesised by a vocoder that never heard them).

Losses: multi-resolution STFT (spectral convergence + log magnitude) and log-mel L1; no adversarial
discriminator (it would not converge in the CPU budget; the harmonic source is what lets STFT losses
alone give pitch-following harmonics), so the output is buzzier than a published vocoder's, but it
carries the same generator's upsampling and phase artefacts. F0: WORLD dio + stonemask (pyworld).

    python training/vocoder.py --out training/work/vocoder --steps 7000 --threads 2

`--arch istft` trains a different family on the same clips and losses: a Vocos-style vocoder (Siuzdak
2023; the iSTFT output of Vocos, iSTFTNet, MB-iSTFT-VITS and Kokoro's decoder): ConvNeXt blocks at the
frame rate predict each frame's STFT magnitude and phase, and an inverse STFT makes the waveform — no
upsampling convolutions and no F0 (stage `istft`).

Resumable: a checkpoint (model, optimiser, step, RNG) is written atomically every --save-every steps
and on exit; re-running continues from it. `--max-minutes` stops early (resumable).
"""
import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import corpus_audio

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "work" / "corpus"
DEFAULT_OUT = HERE / "work" / "vocoder"

SR = 16000
N_FFT = 1024
HOP = 160  # 10 ms frames; the generator upsamples 8 x 5 x 4 = 160
N_MELS = 80
UPSAMPLE = [(8, 16), (5, 11), (4, 8)]  # (rate, kernel): kernel - rate odd or even, output exactly rate x input
RES_KERNELS = [3, 7, 11]
RES_DILATIONS = [1, 3, 5]
ISTFT_N_FFT = 640  # the istft generator's frames: 40 ms Hann, hop HOP, 321 bins
ISTFT_BLOCKS = 8


class MelSpectrogram(nn.Module):
    """Log-mel spectrogram, one frame per HOP samples (reflect padding, no centring)."""

    def __init__(self):
        super().__init__()
        import librosa

        fb = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS, fmin=0.0, fmax=SR / 2)
        self.register_buffer("fb", torch.from_numpy(fb).float())
        self.register_buffer("window", torch.hann_window(N_FFT))

    def forward(self, y):  # (B, T) -> (B, N_MELS, T // HOP)
        pad = (N_FFT - HOP) // 2
        y = F.pad(y.unsqueeze(1), (pad, pad), mode="reflect").squeeze(1)
        spec = torch.stft(y, N_FFT, HOP, window=self.window, center=False, return_complex=True).abs()
        return torch.log(torch.clamp(self.fb @ spec, min=1e-5))


def f0_of(y):
    """F0 in Hz per HOP frame (0 = unvoiced), WORLD dio + stonemask; len(y) // HOP values."""
    f0 = corpus_audio.f0_track(y, HOP)
    n = len(y) // HOP
    return np.pad(f0, (0, max(0, n - len(f0))))[:n].astype(np.float32)


class HarmonicSource(nn.Module):
    """NSF source: sines at F0 and its harmonics (below Nyquist) plus noise, merged by a linear layer.
    Unvoiced frames get noise only."""

    def __init__(self, harmonics=8, amp=0.1, noise=0.003):
        super().__init__()
        self.harmonics, self.amp, self.noise = harmonics, amp, noise
        self.merge = nn.Linear(harmonics + 1, 1)

    def forward(self, f0):  # (B, F) Hz -> (B, 1, F * HOP)
        f0 = f0.repeat_interleave(HOP, dim=1)
        voiced = (f0 > 0).float().unsqueeze(-1)
        k = torch.arange(1, self.harmonics + 2, device=f0.device, dtype=f0.dtype)
        fk = f0.unsqueeze(-1) * k  # (B, T, H+1)
        phase0 = torch.rand(f0.shape[0], 1, len(k), device=f0.device) * 2 * np.pi
        phase = torch.cumsum(fk / SR, dim=1) * 2 * np.pi + phase0
        sines = self.amp * torch.sin(phase) * (fk < SR / 2).float()
        noise_amp = voiced * self.noise + (1 - voiced) * self.amp / 3
        x = sines * voiced + noise_amp * torch.randn_like(sines)
        return torch.tanh(self.merge(x)).transpose(1, 2)


class ResBlock(nn.Module):
    """Dilated residual convolutions (HiFi-GAN's type-2 block)."""

    def __init__(self, ch, k):
        super().__init__()
        wn = nn.utils.parametrizations.weight_norm
        self.convs = nn.ModuleList(wn(nn.Conv1d(ch, ch, k, dilation=d, padding=d * (k - 1) // 2))
                                   for d in RES_DILATIONS)

    def forward(self, x):
        for c in self.convs:
            x = x + c(F.leaky_relu(x, 0.1))
        return x


class Generator(nn.Module):
    """Log-mel (B, 80, F) and F0 (B, F) -> waveform (B, F * 160) in [-1, 1]."""

    def __init__(self, channels=128):
        super().__init__()
        wn = nn.utils.parametrizations.weight_norm
        self.source = HarmonicSource()
        self.pre = wn(nn.Conv1d(N_MELS, channels, 7, padding=3))
        self.ups = nn.ModuleList()
        self.source_convs = nn.ModuleList()  # the source, brought to each stage's rate and width
        self.mrf = nn.ModuleList()
        ch = channels
        for i, (rate, k) in enumerate(UPSAMPLE):
            self.ups.append(wn(nn.ConvTranspose1d(ch, ch // 2, k, rate, padding=(k - rate + 1) // 2)))
            ch //= 2
            stride = int(np.prod([r for r, _ in UPSAMPLE[i + 1:]]))
            self.source_convs.append(nn.Conv1d(1, ch, 2 * stride, stride, padding=stride // 2) if stride > 1
                                     else nn.Conv1d(1, ch, 1))
            self.mrf.append(nn.ModuleList(ResBlock(ch, k) for k in RES_KERNELS))
        self.post = wn(nn.Conv1d(ch, 1, 7, padding=3))

    def forward(self, mel, f0):
        src = self.source(f0)
        x = self.pre(mel)
        for up, sconv, blocks in zip(self.ups, self.source_convs, self.mrf):
            x = up(F.leaky_relu(x, 0.1))
            x = x + sconv(src)[..., :x.shape[-1]]
            x = sum(b(x) for b in blocks) / len(blocks)
        return torch.tanh(self.post(F.leaky_relu(x))).squeeze(1)


class ConvNeXtBlock(nn.Module):
    """Depthwise 7-tap convolution, LayerNorm, pointwise MLP (x3), layer scale, residual (Vocos' block)."""

    def __init__(self, ch):
        super().__init__()
        self.dw = nn.Conv1d(ch, ch, 7, padding=3, groups=ch)
        self.norm = nn.LayerNorm(ch)
        self.pw1 = nn.Linear(ch, 3 * ch)
        self.pw2 = nn.Linear(3 * ch, ch)
        self.scale = nn.Parameter(torch.full((ch,), 0.1))

    def forward(self, x):  # (B, C, F)
        h = self.norm(self.dw(x).transpose(1, 2))
        h = self.pw2(F.gelu(self.pw1(h))) * self.scale
        return x + h.transpose(1, 2)


class ISTFTGenerator(nn.Module):
    """Log-mel (B, 80, F) -> waveform (B, F * 160): ConvNeXt blocks at the frame rate, a linear head giving
    log-magnitude and two phase coordinates per bin, inverse STFT. `f0` is accepted and not used."""

    def __init__(self, channels=128):
        super().__init__()
        self.pre = nn.Conv1d(N_MELS, channels, 7, padding=3)
        self.norm = nn.LayerNorm(channels)
        self.blocks = nn.Sequential(*(ConvNeXtBlock(channels) for _ in range(ISTFT_BLOCKS)))
        self.bins = ISTFT_N_FFT // 2 + 1
        self.head = nn.Conv1d(channels, 3 * self.bins, 1)
        self.register_buffer("window", torch.hann_window(ISTFT_N_FFT))

    def forward(self, mel, f0=None):
        x = self.pre(mel)
        x = self.blocks(self.norm(x.transpose(1, 2)).transpose(1, 2))
        logmag, re, im = torch.split(self.head(x), self.bins, dim=1)
        spec = torch.exp(logmag.clamp(max=6.0)) * torch.exp(1j * torch.atan2(im, re))
        n = mel.shape[-1] * HOP
        y = torch.istft(spec, ISTFT_N_FFT, HOP, window=self.window, center=True, length=n)
        return torch.tanh(y)


def build_generator(arch, channels):
    """The vocoder generator of `arch`: "nsf" (NSF-HiFi-GAN) or "istft" (Vocos-style)."""
    return ISTFTGenerator(channels) if arch == "istft" else Generator(channels)


def stft_loss(y_hat, y):
    """Multi-resolution STFT loss: spectral convergence + log-magnitude L1, three resolutions."""
    total = 0.0
    for n_fft, hop in ((256, 64), (512, 128), (1024, 256)):
        w = torch.hann_window(n_fft, device=y.device)
        s_hat = torch.stft(y_hat, n_fft, hop, window=w, return_complex=True).abs().clamp(min=1e-7)
        s = torch.stft(y, n_fft, hop, window=w, return_complex=True).abs().clamp(min=1e-7)
        sc = torch.linalg.norm(s - s_hat) / torch.linalg.norm(s)
        mag = F.l1_loss(torch.log(s_hat), torch.log(s))
        total = total + sc + mag
    return total / 3


def training_clips():
    """Clean genuine clips of the train split (all genuine sources), from the corpus manifest."""
    rows = list(csv.DictReader(open(CORPUS / "manifest.csv")))
    return [CORPUS / r["file"] for r in rows
            if r["label"] == "real" and r["split"] == "train" and r["condition"] == "clean"]


def f0_cache(path, audio):
    """F0 of every training clip, computed once and kept beside the checkpoint."""
    if path.exists():
        d = np.load(path)
        if len(d.files) == len(audio):
            return [d[f"c{i}"] for i in range(len(audio))]
    f0s = [f0_of(y) for y in audio]
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **{f"c{i}": f for i, f in enumerate(f0s)})
    os.replace(tmp, path)
    return f0s


def save_atomic(obj, path):
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load_generator(ckpt_path):
    """The trained generator (eval mode, weight norm folded in) and its checkpoint info."""
    ck = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    g = build_generator(ck.get("arch", "nsf"), ck["channels"])
    g.load_state_dict(ck["generator"])
    for m in g.modules():
        if nn.utils.parametrize.is_parametrized(m):
            nn.utils.parametrize.remove_parametrizations(m, "weight")
    g.eval()
    return g, {"step": ck["step"], "channels": ck["channels"], "arch": ck.get("arch", "nsf")}


def train(a):
    torch.set_num_threads(a.threads)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    ck_path = out / "checkpoint.pt"
    paths = training_clips()
    clips = (corpus_audio.read_pcm(p).astype(np.float32) for p in paths)
    audio = [y[:len(y) // HOP * HOP] for y in clips if len(y) > a.segment + HOP]
    if a.arch == "nsf":
        f0s = f0_cache(out / "f0.npz", audio)
    else:  # the istft generator takes no F0: zeros stand in
        f0s = [np.zeros(len(y) // HOP, np.float32) for y in audio]
    lengths = np.array([len(y) for y in audio], dtype=np.float64)
    print(f"{len(audio)} training clips, {lengths.sum() / SR / 60:.1f} min", flush=True)

    mel = MelSpectrogram()
    g = build_generator(a.arch, a.channels)
    opt = torch.optim.AdamW(g.parameters(), lr=a.lr, betas=(0.8, 0.99))
    step = 0
    rng = np.random.default_rng(a.seed)
    if ck_path.exists():
        ck = torch.load(ck_path, map_location="cpu", weights_only=False)
        g.load_state_dict(ck["generator"])
        opt.load_state_dict(ck["optimizer"])
        step = ck["step"]
        rng.bit_generator.state = ck["rng"]
        print(f"resumed at step {step}", flush=True)
    torch.manual_seed(a.seed + step)
    sched = lambda s: a.lr * (0.5 ** (s / a.half_life))  # noqa: E731
    params = sum(p.numel() for p in g.parameters())
    print(f"generator ({a.arch}): {params} parameters, channels {a.channels}", flush=True)

    def checkpoint():
        save_atomic({"generator": g.state_dict(), "optimizer": opt.state_dict(), "step": step,
                     "rng": rng.bit_generator.state, "channels": a.channels, "arch": a.arch,
                     "config": {"sr": SR, "n_fft": N_FFT, "hop": HOP, "n_mels": N_MELS}}, ck_path)

    t0 = time.time()
    g.train()
    running = []
    p = lengths / lengths.sum()
    while step < a.steps:
        idx = rng.choice(len(audio), size=a.batch, p=p)
        seg, seg_f0 = [], []
        for i in idx:
            s = int(rng.integers(0, (len(audio[i]) - a.segment) // HOP))
            seg.append(audio[i][s * HOP:s * HOP + a.segment])
            seg_f0.append(f0s[i][s:s + a.segment // HOP])
        y = torch.from_numpy(np.stack(seg))
        with torch.no_grad():
            m = mel(y)
        y_hat = g(m, torch.from_numpy(np.stack(seg_f0)))
        loss_stft = stft_loss(y_hat, y)
        loss_mel = F.l1_loss(mel(y_hat), m)
        loss = loss_stft + a.mel_weight * loss_mel
        for grp in opt.param_groups:
            grp["lr"] = sched(step)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(g.parameters(), 10.0)
        opt.step()
        step += 1
        running.append((loss_stft.item(), loss_mel.item()))
        if step % a.log_every == 0:
            r = np.mean(running, axis=0)
            running = []
            print(f"step {step} stft {r[0]:.3f} mel {r[1]:.3f} {time.time() - t0:.0f}s", flush=True)
        if step % a.save_every == 0:
            checkpoint()
        if a.max_minutes and time.time() - t0 > a.max_minutes * 60:
            print("time limit reached; stopping (resumable)", flush=True)
            break
    checkpoint()
    done = step >= a.steps
    (out / "status.json").write_text(json.dumps({"step": step, "steps": a.steps, "done": done,
                                                 "parameters": params, "clips": len(audio)}))
    return done


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--arch", choices=("nsf", "istft"), default="nsf",
                    help="nsf: NSF-HiFi-GAN (stage hifigan); istft: Vocos-style (experiment stage istft)")
    ap.add_argument("--steps", type=int, default=7000)
    ap.add_argument("--channels", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--segment", type=int, default=8000, help="training segment, samples (multiple of 160)")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--half-life", type=float, default=3000, help="steps over which the learning rate halves")
    ap.add_argument("--mel-weight", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--save-every", type=int, default=200)
    ap.add_argument("--max-minutes", type=float, default=0)
    return ap.parse_args(argv)


if __name__ == "__main__":
    sys.exit(0 if train(parse_args()) else 3)

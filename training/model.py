"""LCNN-style 1-D convolutional network over feature windows (training recipe only, not packaged).

Input:  float32 [batch, rows, 198]  rows = feature bins of the front-end (default model: log power
        spectrogram, 257 FFT bins; the row count is taken from the data), 198 frames = 2.0 s @ 10 ms hop.
        The bins are the input channels of the first convolution, so it sees the full spectral fine structure.
Output: float32 [batch]             logit of P(synthetic) per window.

Blocks use max-feature-map (MFM) activations (Wu et al., LCNN) with BatchNorm, max pooling over time,
then statistics pooling (mean + std over time) and a small MFM fully connected head.

Options measured and not adopted (training/README.md, leave-one-neural-generator-out): `arch="lcnn2d"`
(LCNN2D, small kernels over time and frequency), `head="ocsoftmax"` (one-class softmax) and `level`
(for a front-end without per-bin mean removal).
"""
import torch
import torch.nn as nn

N_ROWS = 257
N_FRAMES = 198
OC_ALPHA = 20.0  # one-class softmax scale
OC_MARGINS = (0.9, 0.2)  # cosine margins: genuine must exceed 0.9, synthetic stay below 0.2


class MFM(nn.Module):
    """Max-feature-map: split channels in two halves, keep the element-wise max."""

    def forward(self, x):
        a, b = torch.chunk(x, 2, dim=1)
        return torch.maximum(a, b)


class MFMConv(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = nn.Conv1d(cin, 2 * cout, k, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm1d(2 * cout)
        self.mfm = MFM()

    def forward(self, x):
        return self.mfm(self.bn(self.conv(x)))


class PooledScorer(nn.Module):
    """The part both networks share: pooled statistics -> dropout, MFM fully connected layer -> logit
    (a linear output, or one-class softmax: -OC_ALPHA x cosine to a learned genuine direction,
    Zhang et al. 2021)."""

    def _init_head(self, n_stats, emb, dropout, head):
        self.head = head
        self.drop1 = nn.Dropout(dropout)
        self.fc1 = nn.Linear(n_stats, 2 * emb)
        self.bn_fc = nn.BatchNorm1d(2 * emb)
        self.mfm = MFM()
        self.drop2 = nn.Dropout(dropout)
        if head == "ocsoftmax":
            self.center = nn.Parameter(torch.randn(emb))
        else:
            self.out = nn.Linear(emb, 1)

    def _score(self, z):
        z = self.mfm(self.bn_fc(self.fc1(self.drop1(z))))
        if self.head == "ocsoftmax":
            cos = nn.functional.normalize(z, dim=1) @ nn.functional.normalize(self.center, dim=0)
            return -OC_ALPHA * cos
        return self.out(self.drop2(z)).squeeze(1)


class LCNN1D(PooledScorer):
    """level: how the network treats the level of features without CMN (front-end `cmn: false`).
    "none": as given; "global": subtract the window's mean over all bins and frames (gain invariance; the
    spectral shape and each bin's level relative to the others stay); "side": subtract each bin's mean over
    the window (the convolutions see what a CMN front-end gives) and pass that mean, less its average over
    the bins, to the head beside the pooled statistics."""

    def __init__(self, n_rows=N_ROWS, channels=(32, 48, 64, 96), k_first=3, k=3, emb=64, dropout=0.3,
                 head="linear", level="none"):
        super().__init__()
        c1, c2, c3, c4 = channels
        self.level = level
        self.level_bn = nn.BatchNorm1d(n_rows) if level == "side" else None
        self.input_bn = nn.BatchNorm1d(n_rows)
        self.blocks = nn.Sequential(
            MFMConv(n_rows, c1, k_first), nn.MaxPool1d(2),
            MFMConv(c1, c1, 1), MFMConv(c1, c2, k), nn.MaxPool1d(2),
            MFMConv(c2, c2, 1), MFMConv(c2, c3, k), nn.MaxPool1d(2),
            MFMConv(c3, c3, 1), MFMConv(c3, c4, k),
        )
        self._init_head(2 * c4 + (n_rows if level == "side" else 0), emb, dropout, head)

    def forward(self, x):  # x: [B, rows, T]
        if self.level == "global":
            x = x - x.mean(dim=(1, 2), keepdim=True)
        elif self.level == "side":
            level = x.mean(dim=2)
            x = x - level.unsqueeze(2)
            level = level - level.mean(dim=1, keepdim=True)
        h = self.blocks(self.input_bn(x))
        mean = h.mean(dim=2)
        std = torch.sqrt(torch.clamp(h.var(dim=2, unbiased=False), min=1e-6))
        stats = [mean, std, self.level_bn(level)] if self.level == "side" else [mean, std]
        return self._score(torch.cat(stats, dim=1))


class MFMConv2d(nn.Module):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, 2 * cout, k, stride=stride, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(2 * cout)
        self.mfm = MFM()

    def forward(self, x):
        return self.mfm(self.bn(self.conv(x)))


class LCNN2D(PooledScorer):
    """LCNN over the time-frequency plane: small kernels shared across frequency (local spectro-temporal
    texture rather than whole-spectrum templates), frequency structure kept until the statistics pooling."""

    def __init__(self, n_rows=N_ROWS, channels=(4, 12, 24, 32), k_first=5, emb=64, dropout=0.3, head="linear"):
        super().__init__()
        c1, c2, c3, c4 = channels
        self.input_bn = nn.BatchNorm1d(n_rows)
        self.blocks = nn.Sequential(
            MFMConv2d(1, c1, k_first, stride=2), nn.MaxPool2d(2),
            MFMConv2d(c1, c2, 3), nn.MaxPool2d(2),
            MFMConv2d(c2, c3, 3), nn.MaxPool2d(2),
            MFMConv2d(c3, c4, 3),
        )
        f = n_rows
        for _ in range(4):
            f = (f + 1) // 2 if _ == 0 else f // 2
        self._init_head(2 * c4 * f, emb, dropout, head)

    def forward(self, x):  # x: [B, rows, T]
        h = self.blocks(self.input_bn(x).unsqueeze(1))  # [B, C, F', T']
        mean = h.mean(dim=3).flatten(1)
        std = torch.sqrt(torch.clamp(h.var(dim=3, unbiased=False), min=1e-6)).flatten(1)
        return self._score(torch.cat([mean, std], dim=1))


def build_model(arch="lcnn1d", **kw):
    return LCNN2D(**kw) if arch == "lcnn2d" else LCNN1D(**kw)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def count_macs(model, n_rows=N_ROWS, n_frames=N_FRAMES):
    """Multiply-accumulates per window of Conv1d and Linear layers (measured with forward hooks).
    Element-wise work (BatchNorm, MFM, pooling, statistics) is reported separately as 'other_ops'."""
    macs = {"conv_linear": 0, "other_ops": 0}
    hooks = []

    def conv_hook(m, inp, out):
        k = 1
        for kk in m.kernel_size:
            k *= kk
        macs["conv_linear"] += out.numel() * (m.in_channels // m.groups) * k

    def lin_hook(m, inp, out):
        macs["conv_linear"] += m.in_features * m.out_features

    def elem_hook(m, inp, out):
        macs["other_ops"] += inp[0].numel()

    for mod in model.modules():
        if isinstance(mod, (nn.Conv1d, nn.Conv2d)):
            hooks.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, nn.Linear):
            hooks.append(mod.register_forward_hook(lin_hook))
        elif isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d, MFM, nn.MaxPool1d, nn.MaxPool2d)):
            hooks.append(mod.register_forward_hook(elem_hook))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, n_rows, n_frames))
    model.train(was_training)
    for h in hooks:
        h.remove()
    return macs


if __name__ == "__main__":
    m = build_model()
    print("params", count_parameters(m), "macs", count_macs(m))

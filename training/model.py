"""LCNN-style 1-D convolutional network over feature windows (training recipe only, not packaged).

Input:  float32 [batch, rows, 198]  rows = feature bins of the front-end (default model: log power
        spectrogram, 257 FFT bins; the row count is taken from the data), 198 frames = 2.0 s @ 10 ms hop.
        The bins are the input channels of the first convolution, so it sees the full spectral fine structure.
Output: float32 [batch]             logit of P(synthetic) per window.

Blocks use max-feature-map (MFM) activations (Wu et al., LCNN) with BatchNorm, max pooling over time,
then statistics pooling (mean + std over time) and a small MFM fully connected head.
"""
import torch
import torch.nn as nn

N_ROWS = 257
N_FRAMES = 198


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


class LCNN1D(nn.Module):
    def __init__(self, n_rows=N_ROWS, channels=(32, 48, 64, 96), k_first=3, k=3, emb=64, dropout=0.3):
        super().__init__()
        c1, c2, c3, c4 = channels
        self.input_bn = nn.BatchNorm1d(n_rows)
        self.blocks = nn.Sequential(
            MFMConv(n_rows, c1, k_first), nn.MaxPool1d(2),
            MFMConv(c1, c1, 1), MFMConv(c1, c2, k), nn.MaxPool1d(2),
            MFMConv(c2, c2, 1), MFMConv(c2, c3, k), nn.MaxPool1d(2),
            MFMConv(c3, c3, 1), MFMConv(c3, c4, k),
        )
        self.drop1 = nn.Dropout(dropout)
        self.fc1 = nn.Linear(2 * c4, 2 * emb)
        self.bn_fc = nn.BatchNorm1d(2 * emb)
        self.mfm = MFM()
        self.drop2 = nn.Dropout(dropout)
        self.out = nn.Linear(emb, 1)

    def forward(self, x):  # x: [B, 60, T]
        h = self.blocks(self.input_bn(x))
        mean = h.mean(dim=2)
        std = torch.sqrt(torch.clamp(h.var(dim=2, unbiased=False), min=1e-6))
        z = torch.cat([mean, std], dim=1)
        z = self.mfm(self.bn_fc(self.fc1(self.drop1(z))))
        return self.out(self.drop2(z)).squeeze(1)


def build_model(**kw):
    return LCNN1D(**kw)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def count_macs(model, n_rows=N_ROWS, n_frames=N_FRAMES):
    """Multiply-accumulates per window of Conv1d and Linear layers (measured with forward hooks).
    Element-wise work (BatchNorm, MFM, pooling, statistics) is reported separately as 'other_ops'."""
    macs = {"conv_linear": 0, "other_ops": 0}
    hooks = []

    def conv_hook(m, inp, out):
        k = m.kernel_size[0]
        macs["conv_linear"] += out.numel() * (m.in_channels // m.groups) * k

    def lin_hook(m, inp, out):
        macs["conv_linear"] += m.in_features * m.out_features

    def elem_hook(m, inp, out):
        macs["other_ops"] += inp[0].numel()

    for mod in model.modules():
        if isinstance(mod, nn.Conv1d):
            hooks.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, nn.Linear):
            hooks.append(mod.register_forward_hook(lin_hook))
        elif isinstance(mod, (nn.BatchNorm1d, MFM, nn.MaxPool1d)):
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

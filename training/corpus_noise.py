"""Background noise for the synthetic clips, taken from the genuine recordings themselves.

Most genuine training speech was recorded on consumer microphones and carries a room/mic noise
floor; synthetic speech comes out of its generator digitally clean. Left alone, "noise floor present"
becomes a cue for "genuine" — and neural vocoders, whose output is noisier than classical TTS, then
look genuine. The `bgnoise` corpus stage therefore gives a share of the synthetic training clips a
real noise floor: pauses (non-speech stretches) cut from the genuine recordings of training-split
speakers, mixed in at a speech-to-noise ratio drawn from a wide range.

build_bank(): non-speech stretches of the raw recordings (before trimming) -> one float32 array per
    stretch, saved as an .npz (git-ignored, under training/work/corpus/).
add_noise(): a clip plus bank noise (random stretches, looped with short cross-fades) at a given SNR.
"""
import numpy as np

FRAME = 320  # 20 ms at 16 kHz
SPEECH_RANGE_DB = 30.0  # frames within this of the loudest frame count as (possible) speech
DIGITAL_SILENCE = 2.0 / 32768  # frames quieter than this (RMS) are zero padding, not noise
MIN_RUN_FRAMES = 10  # 0.2 s
EDGE_FRAMES = 2  # dropped at each end of a run, away from speech onsets
MAX_PER_FILE_S = 3.0
FADE = 160  # 10 ms cross-fade between stretches


def pauses(y, sr=16000):
    """Non-speech stretches of one recording (16 kHz float): quiet, but not digital silence."""
    n = len(y) // FRAME
    if n < MIN_RUN_FRAMES:
        return []
    fr = y[:n * FRAME].reshape(n, FRAME)
    rms = np.sqrt(np.mean(fr ** 2, axis=1))
    db = 20 * np.log10(rms + 1e-12)
    quiet = (db < db.max() - SPEECH_RANGE_DB) & (rms > DIGITAL_SILENCE)
    out, total, i = [], 0, 0
    while i < n:
        if not quiet[i]:
            i += 1
            continue
        j = i
        while j < n and quiet[j]:
            j += 1
        a, b = i + EDGE_FRAMES, j - EDGE_FRAMES
        if b - a >= MIN_RUN_FRAMES - 2 * EDGE_FRAMES and total < MAX_PER_FILE_S * sr:
            seg = y[a * FRAME:b * FRAME]
            out.append(seg)
            total += len(seg)
        i = j
    return out


def build_bank(recordings, path):
    """recordings: iterable of 16 kHz float arrays. Saves the pauses to `path`; returns their count."""
    segs = []
    for y in recordings:
        segs.extend(np.asarray(s, dtype=np.float32) for s in pauses(y))
    np.savez(path, **{f"s{i:05d}": s for i, s in enumerate(segs)})
    return len(segs)


def load_bank(path):
    """The stretches saved by build_bank, each scaled to unit RMS."""
    with np.load(path) as z:
        segs = [z[k].astype(np.float64) for k in sorted(z.files)]
    return [s / (np.sqrt(np.mean(s ** 2)) + 1e-12) for s in segs if len(s) > 2 * FADE]


def noise_like(n, bank, rng):
    """n samples of bank noise: random stretches joined with linear cross-fades."""
    out = np.zeros(0)
    ramp = np.linspace(0.0, 1.0, FADE)
    while len(out) < n:
        s = bank[int(rng.integers(len(bank)))]
        if rng.random() < 0.5:
            s = s[::-1]
        if len(out) == 0:
            out = s.copy()
        else:
            out[-FADE:] = out[-FADE:] * (1 - ramp) + s[:FADE] * ramp
            out = np.concatenate([out, s[FADE:]])
    return out[:n]


def add_noise(y, bank, rng, snr_db):
    """y plus bank noise whose RMS is `snr_db` below the RMS of y."""
    noise = noise_like(len(y), bank, rng)
    noise /= np.sqrt(np.mean(noise ** 2)) + 1e-12
    return y + noise * np.sqrt(np.mean(y ** 2)) * 10 ** (-snr_db / 20)

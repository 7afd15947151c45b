"""Extra genuine speech from package test data: Debian pocketsphinx-testdata and codec2-examples,
and the CMU ARCTIC example in the PyPI pysptk sdist.

fetch() downloads the pinned packages into training/work/extra/ (git-ignored; skipped when present);
tasks() lists one task per usable recording from the hand-checked table FILES below; work() decodes
one recording, prepares it with corpus_audio.prepare and writes it through the caller's emit().
Helpers are passed in, so this module needs no import of corpus.py.

Only recordings of human speech are listed. Left out on purpose: Codec2-decoded files (f2400, m2400),
modem/test signals (david4, vk2tpm_004, 700d_*, test_*, testframes_*, sine*, octave/*.raw),
duplicates (wav/ copies of raw/ files, all.wav = concatenation, hts1/hts2/hts1a/hts2a inside hts.raw,
ve9qrp_10s inside ve9qrp) and pocketsphinx tidigits/ (TIDIGITS is LDC-licensed; only .mfc features
plus one undocumented .raw). See training/work/extra_sources_notes.md for licences and checks.
"""
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np

from corpus_audio import unpack_deb

HERE = Path(__file__).resolve().parent
EXTRA = HERE / "work" / "extra"

DEBS = {"pocketsphinx-testdata": "0.8+5prealpha+1-15", "codec2-examples": "1.0.5-1"}
PYSPTK = "pysptk-1.0.1"  # sdist; only pysptk/example_audio_data/ and LICENSE.md are extracted

PS = "usr/share/pocketsphinx/test/data/"
C2 = "usr/share/codec2/"
# (package, path inside it, format, speaker id, language). Formats: "wav" (header read by
# corpus_audio.load), "s16le8k" / "s16le16k" (headerless 16-bit little-endian mono at 8 / 16 kHz).
# Speakers whose identity the package does not document share one id per package ("-misc"), so
# they cannot end up on both sides of the speaker split.
FILES = [
    *[("pocketsphinx-testdata", f"{PS}librivox/sense_and_sensibility_01_austen_64kb-{n}.wav", "wav",
       "pocketsphinx-librivox-austen", "en") for n in ("0870", "0880", "0890", "0920", "0930")],
    *[("pocketsphinx-testdata", f"{PS}cards/{n}.wav", "wav", "pocketsphinx-misc", "en")
      for n in ("001", "002", "003", "004", "005")],
    *[("pocketsphinx-testdata", f"{PS}{n}.raw", "s16le16k", "pocketsphinx-misc", "en")
      for n in ("goforward", "numbers", "something")],
    ("codec2-examples", f"{C2}raw/hts.raw", "s16le8k", "codec2-hts", "en"),
    ("codec2-examples", f"{C2}raw/kristoff.raw", "s16le8k", "codec2-kristoff", "en"),
    ("codec2-examples", f"{C2}raw/vk5qi.raw", "s16le8k", "codec2-vk5qi", "en"),
    ("codec2-examples", f"{C2}raw/g3plx.raw", "s16le8k", "codec2-g3plx", "en"),
    ("codec2-examples", f"{C2}raw/ve9qrp.raw", "s16le8k", "codec2-ve9qrp", "en"),
    *[("codec2-examples", f"{C2}raw/{n}.raw", "s16le8k", "codec2-misc", "en")
      for n in ("cq_ref", "forig", "morig", "big_dog", "cross", "mmt1")],
    ("codec2-examples", f"{C2}raw/speech_orig_16k.wav", "wav", "codec2-misc", "en"),
    ("codec2-examples", f"{C2}wav/wia_16kHz.wav", "wav", "codec2-misc", "en"),
    (PYSPTK, "pysptk/example_audio_data/arctic_a0007.wav", "wav", "arctic_awb", "en"),
]


def _fetch_pysptk():
    """pip download the pysptk sdist (source only for pysptk; its build tools may be wheels, which
    pip needs to read the metadata) and extract the example audio and licence files."""
    dst = EXTRA / PYSPTK
    if (dst / ".ok").exists():
        return
    name, version = PYSPTK.rsplit("-", 1)
    dl = EXTRA / "pypi"
    sdist = dl / f"{PYSPTK}.tar.gz"
    if not sdist.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", name,
                        f"{name}=={version}", "-d", str(dl)], check=True, capture_output=True)
    shutil.rmtree(dst, ignore_errors=True)
    with tarfile.open(sdist) as tf:
        keep = [m for m in tf.getmembers() if m.isfile() and (
            m.name.startswith(f"{PYSPTK}/pysptk/example_audio_data/") or m.name == f"{PYSPTK}/LICENSE.md")]
        tf.extractall(EXTRA, members=keep, filter="data")
    (dst / ".ok").write_text("ok")


def fetch():
    """Download everything FILES needs into training/work/extra/ (resumable: done packages skipped)."""
    EXTRA.mkdir(parents=True, exist_ok=True)
    for pkg, version in DEBS.items():
        unpack_deb(pkg, EXTRA / pkg, version)
    _fetch_pysptk()


def _package_version(pkg):
    return f"debian:{pkg}={DEBS[pkg]}" if pkg in DEBS else "pypi:" + PYSPTK.replace("-", "==", 1)


def tasks(args=None):
    """One task per recording in FILES (args is unused; kept for corpus.py's stage signature)."""
    fetch()
    out = []
    for pkg, rel, fmt, spk, lang in FILES:
        path = EXTRA / pkg / rel
        if not path.exists():
            raise FileNotFoundError(path)
        stem = Path(rel).stem
        out.append(dict(key=f"{spk}__{stem}", path=str(path), fmt=fmt, spk=spk, lang=lang,
                        pkg=_package_version(pkg), origin=f"{_package_version(pkg)}:{rel}"))
    return out


def work(t, ca, rec, emit):
    """Decode one recording, prepare it (16 kHz, trim, <= 12 s pieces, level) and emit its clips."""
    if t["fmt"] == "wav":
        y, sr = ca.load(t["path"])
    else:
        y = np.fromfile(t["path"], dtype="<i2").astype(np.float64) / 32768.0
        sr = {"s16le8k": 8000, "s16le16k": 16000}[t["fmt"]]
    pieces = ca.prepare(y, sr, seed=ca.seed_of(t["key"]))
    meta = rec("real", "extra", "human", "real", t["spk"], t["lang"], variant=t["pkg"], origin=t["origin"])
    return emit(pieces, f"extra/{t['key']}", meta)

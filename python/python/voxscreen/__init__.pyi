"""Type stubs of voxscreen: screen audio clips for synthetic speech (deepfake audio)."""

import os
from typing import Any, Dict, Iterable, List, Literal, Optional, TypedDict, Union, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

__version__: str
ORT_VERSION: str
MANY_COLUMNS: List[str]
TIMELINE_COLUMNS: List[str]

StrPath = Union[str, "os.PathLike[str]"]
#: A path, the bytes of an encoded file, or a numpy array of samples (with ``sample_rate=``).
Source = Union[StrPath, bytes, bytearray, npt.NDArray[Any]]
Verdict = Literal["likely_synthetic", "likely_genuine", "inconclusive", "not_applicable"]

class Error(Exception):
    """Base class of every voxscreen error; ``kind`` is the report's ``error.kind``."""

    kind: str
    message: str

class DecodeError(Error):
    """Not decodable audio: kinds ``unsupported_format``, ``unsupported_codec``,
    ``no_audio_track``, ``decode``."""

class LimitError(Error):
    """A resource limit was broken (kind ``limit_exceeded``)."""

class InputError(Error, ValueError):
    """Arguments that cannot be screened (kind ``invalid_input``)."""

class InputTypeError(InputError, TypeError):
    """An argument of the wrong type, e.g. an unsupported dtype (kind ``invalid_input``)."""

class ModelError(Error):
    """The model or ONNX Runtime failed (kinds ``model``, ``runtime``)."""

class FileError(Error, OSError):
    """The file could not be read (kind ``io``)."""

class InternalError(Error):
    """A bug in voxscreen (a Rust panic caught at the boundary)."""

class SyntheticRun(TypedDict):
    seconds: float
    start_s: float
    end_s: float

class AudioInfo(TypedDict):
    codec: str
    container: str
    sample_rate: int
    channels: int
    duration_s: float
    effective_bandwidth_hz: float

class ModelInfo(TypedDict):
    name: str
    version: str
    sha256: str

class ErrorInfo(TypedDict):
    kind: str
    message: str

class ModelFeatures(TypedDict):
    windows: npt.NDArray[np.float32]
    speech: npt.NDArray[np.bool_]
    spans_s: npt.NDArray[np.float64]
    sample_rate: int
    audio: AudioInfo

class Result:
    """The report for one clip; attributes mirror the CLI's JSON (``voxscreen screen --json``).

    >>> r = voxscreen.screen("clip.wav")
    >>> r.verdict, r.probability_synthetic, r.flags
    ('likely_genuine', 0.04, [])
    >>> r.timeline.head(2)
       start_s  end_s  speech  probability_synthetic
    0      0.0    2.0    True                  0.031
    1      1.0    3.0    True                  0.052
    """

    def __init__(
        self,
        data: Dict[str, Any],
        model_path: Optional[str] = None,
        screened_at: Optional[str] = None,
    ) -> None: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def path(self) -> Optional[str]:
        """The path as given; None for bytes and arrays."""
    @property
    def sha256(self) -> Optional[str]:
        """sha256 of the file's bytes (of the little-endian float32 mono samples for arrays)."""
    @property
    def size_bytes(self) -> Optional[int]:
        """Size of the file in bytes (of the little-endian float32 mono samples for arrays)."""
    @property
    def envelope(self) -> Optional[Dict[str, Any]]:
        """Waveform outline: samples_per_point, seconds_per_point, min, max (<= 1,000 pairs)."""
    @property
    def verdict(self) -> Optional[Verdict]: ...
    @property
    def probability_synthetic(self) -> Optional[float]:
        """Calibrated clip probability; None when ``verdict == 'not_applicable'``."""
    @property
    def reason(self) -> Optional[Literal["too_short", "no_speech"]]: ...
    @property
    def flags(self) -> List[Literal["narrowband", "clipped", "low_level", "noisy", "lossy_codec"]]: ...
    @property
    def longest_synthetic_run(self) -> Optional[SyntheticRun]: ...
    @property
    def audio(self) -> Optional[AudioInfo]: ...
    @property
    def model(self) -> ModelInfo: ...
    @property
    def tool_version(self) -> str: ...
    @property
    def error(self) -> Optional[ErrorInfo]: ...
    @property
    def timeline(self) -> pd.DataFrame:
        """Columns start_s, end_s, speech, probability_synthetic (NaN for windows without speech)."""
    def to_dict(self) -> Dict[str, Any]:
        """Exactly the CLI's JSON object for this clip (a new dict)."""
    def to_json(self, **kwargs: Any) -> str: ...
    def to_html(self) -> str:
        """The self-contained HTML report of ``voxscreen report`` for this clip."""
    def _repr_html_(self) -> Optional[str]: ...
    def __eq__(self, other: object) -> bool: ...

class Screener:
    """A loaded model, reusable and thread-safe.

    >>> s = voxscreen.Screener()                  # the shipped model
    >>> s = voxscreen.Screener("models/x.json")  # another model (manifest or .onnx)
    >>> s.screen("clip.wav").verdict
    'likely_genuine'
    """

    def __init__(self, model_path: Optional[StrPath] = None) -> None: ...
    @property
    def model(self) -> ModelInfo: ...
    @property
    def manifest(self) -> Dict[str, Any]: ...
    def screen(self, source: Source, *, sample_rate: Optional[int] = None) -> Result: ...
    def evaluate(
        self,
        labels: StrPath,
        by: Union[str, Iterable[str], None] = None,
        *,
        cache: Optional[StrPath] = None,
        threads: Optional[int] = None,
        progress: bool = True,
        root: Optional[StrPath] = None,
        ext: str = "flac",
        c_miss: float = 1.0,
        c_fa: float = 10.0,
        p_spoof: float = 0.05,
    ) -> Dict[str, Any]: ...
    def screen_many(
        self,
        paths: Iterable[StrPath],
        *,
        threads: Optional[int] = None,
        progress: bool = True,
    ) -> pd.DataFrame: ...

def screen(
    source: Source,
    *,
    sample_rate: Optional[int] = None,
    model: Union[StrPath, Screener, None] = None,
) -> Result:
    """Screens one clip: a path, the bytes of an encoded file, or a numpy array with
    ``sample_rate=`` (1-D, or 2-D with the shorter axis as channels; int16, float32, float64).

    >>> import numpy as np, voxscreen
    >>> voxscreen.screen("clip.mp3").verdict
    'likely_genuine'
    >>> voxscreen.screen(np.zeros(48000, np.float32), sample_rate=16000).reason
    'no_speech'
    """

def screen_many(
    paths: Iterable[StrPath],
    *,
    threads: Optional[int] = None,
    progress: bool = True,
    model: Union[StrPath, Screener, None] = None,
) -> pd.DataFrame:
    """Screens files on all cores (or ``threads``); one row per file, errors as rows.

    >>> df = voxscreen.screen_many(["a.wav", "b.mp3"])
    >>> df[["path", "verdict", "probability_synthetic", "error_kind"]]
    """

@overload
def features(
    source: Source,
    sample_rate: Optional[int] = None,
    kind: Literal["model"] = "model",
    *,
    model: Optional[StrPath] = None,
) -> ModelFeatures: ...
@overload
def features(
    source: Source,
    sample_rate: Optional[int] = None,
    kind: Literal["lfcc", "log_spectrogram", "power_spectrogram"] = ...,
    *,
    model: Optional[StrPath] = None,
) -> npt.NDArray[np.float32]:
    """Features computed by the same code as screening (no ONNX Runtime needed).

    >>> f = voxscreen.features("clip.wav")
    >>> f["windows"].shape, f["speech"].shape, f["spans_s"].shape
    ((4, 257, 198), (4,), (4, 2))
    >>> voxscreen.features("clip.wav", kind="lfcc").shape
    (60, 498)
    """

def manifest(model: Optional[StrPath] = None) -> Dict[str, Any]:
    """The manifest of the shipped model (or of the model at ``model``)."""

def evaluate(
    labels: StrPath,
    by: Union[str, Iterable[str], None] = None,
    *,
    model: Union[StrPath, Screener, None] = None,
    cache: Optional[StrPath] = None,
    threads: Optional[int] = None,
    progress: bool = True,
    root: Optional[StrPath] = None,
    ext: str = "flac",
    c_miss: float = 1.0,
    c_fa: float = 10.0,
    p_spoof: float = 0.05,
) -> Dict[str, Any]:
    """Runs ``voxscreen eval`` on a labels file; returns its JSON document as a dict."""
    ...

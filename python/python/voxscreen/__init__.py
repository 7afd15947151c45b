"""Screen audio clips for synthetic speech (deepfake audio).

The work is done by the voxscreen Rust library (the same code as the ``voxscreen`` command);
this package converts arguments and results.

>>> import voxscreen
>>> result = voxscreen.screen("clip.wav")                     # doctest: +SKIP
>>> result.verdict, result.probability_synthetic              # doctest: +SKIP
('likely_genuine', 0.04)
>>> df = voxscreen.screen_many(["a.mp3", "b.m4a"])            # doctest: +SKIP
"""

from __future__ import annotations

import copy
import datetime
import glob
import importlib.util
import json
import os
import threading
from typing import Any, Dict, Iterable, List, Optional, Union

from . import _voxscreen as _native
from ._errors import (
    DecodeError,
    Error,
    FileError,
    InputError,
    InputTypeError,
    InternalError,
    LimitError,
    ModelError,
)

__all__ = [
    "Error",
    "DecodeError",
    "LimitError",
    "InputError",
    "InputTypeError",
    "ModelError",
    "FileError",
    "InternalError",
    "Result",
    "Screener",
    "screen",
    "screen_many",
    "features",
    "evaluate",
    "manifest",
    "ORT_VERSION",
    "__version__",
]

__version__: str = _native.tool_version()
#: The ONNX Runtime release voxscreen is built and tested against.
ORT_VERSION: str = _native.ort_version()

#: Columns of the DataFrame returned by :func:`screen_many`: the CLI's ``--csv`` columns, same
#: names and order (one list in the Rust crate).
MANY_COLUMNS: List[str] = list(_native.csv_columns())

TIMELINE_COLUMNS = ["start_s", "end_s", "speech", "probability_synthetic"]


def _ort_library() -> Optional[str]:
    """Path of ``libonnxruntime`` inside the installed ``onnxruntime`` package (None if absent).

    ``ORT_DYLIB_PATH``, when set to an existing file, wins. The package is located without
    importing it, so its own runtime is not loaded as well.
    """
    env = os.environ.get("ORT_DYLIB_PATH")
    if env and os.path.isfile(env):
        return env
    try:
        spec = importlib.util.find_spec("onnxruntime")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        capi = os.path.join(folder, "capi")
        exact = os.path.join(capi, f"libonnxruntime.so.{ORT_VERSION}")
        if os.path.isfile(exact):
            return exact
        found = sorted(
            glob.glob(os.path.join(capi, "libonnxruntime.so*"))
            + glob.glob(os.path.join(capi, "libonnxruntime*.dylib"))
            + glob.glob(os.path.join(capi, "onnxruntime.dll"))
        )
        if found:
            return found[-1]
    return None


class Result:
    """The report for one clip. Attributes mirror the CLI's JSON names.

    >>> r = voxscreen.screen(samples, sample_rate=16000)     # doctest: +SKIP
    >>> r.verdict                                               # doctest: +SKIP
    'inconclusive'
    >>> r.timeline.head()                                       # doctest: +SKIP
       start_s  end_s  speech  probability_synthetic
    0      0.0    2.0    True                   0.41
    >>> r.to_dict()["audio"]["duration_s"]                      # doctest: +SKIP
    3.0
    """

    __slots__ = ("_data", "_model_path", "_screened_at")

    def __init__(
        self,
        data: Dict[str, Any],
        model_path: Optional[str] = None,
        screened_at: Optional[str] = None,
    ) -> None:
        self._data = data
        # The model that screened it (None: the shipped one) and when: for to_html().
        self._model_path = model_path
        self._screened_at = screened_at

    @classmethod
    def _from_json(cls, text: str, model_path: Optional[str] = None) -> "Result":
        return cls(json.loads(text), model_path, _utc_now())

    # The CLI's JSON fields -------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return self._data["schema_version"]

    @property
    def path(self) -> Optional[str]:
        return self._data.get("path")

    @property
    def sha256(self) -> Optional[str]:
        return self._data.get("sha256")

    @property
    def size_bytes(self) -> Optional[int]:
        return self._data.get("size_bytes")

    @property
    def envelope(self) -> Optional[Dict[str, Any]]:
        """The waveform's outline: ``min``/``max`` per block of ``samples_per_point`` samples
        (at most 1,000 pairs), ``seconds_per_point``; None when decoding failed."""
        envelope = self._data.get("envelope")
        return copy.deepcopy(envelope) if envelope is not None else None

    @property
    def verdict(self) -> Optional[str]:
        return self._data.get("verdict")

    @property
    def probability_synthetic(self) -> Optional[float]:
        return self._data.get("probability_synthetic")

    @property
    def reason(self) -> Optional[str]:
        return self._data.get("reason")

    @property
    def flags(self) -> List[str]:
        return list(self._data.get("flags") or [])

    @property
    def longest_synthetic_run(self) -> Optional[Dict[str, float]]:
        run = self._data.get("longest_synthetic_run")
        return dict(run) if run is not None else None

    @property
    def audio(self) -> Optional[Dict[str, Any]]:
        audio = self._data.get("audio")
        return dict(audio) if audio is not None else None

    @property
    def model(self) -> Dict[str, str]:
        return dict(self._data["model"])

    @property
    def tool_version(self) -> str:
        return self._data["tool_version"]

    @property
    def error(self) -> Optional[Dict[str, str]]:
        error = self._data.get("error")
        return dict(error) if error is not None else None

    @property
    def timeline(self):
        """Per-window scores as a pandas DataFrame (start_s, end_s, speech, probability_synthetic)."""
        import pandas as pd

        rows = self._data.get("timeline") or []
        frame = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
        frame["start_s"] = frame["start_s"].astype("float64")
        frame["end_s"] = frame["end_s"].astype("float64")
        frame["speech"] = frame["speech"].astype("bool")
        frame["probability_synthetic"] = pd.to_numeric(
            frame["probability_synthetic"], errors="coerce"
        ).astype("float64")
        return frame

    # Conversions ----------------------------------------------------------------------------
    def to_dict(self) -> Dict[str, Any]:
        """The report as the CLI's JSON object (``voxscreen screen --json``), as a new dict."""
        return copy.deepcopy(self._data)

    def to_json(self, **kwargs: Any) -> str:
        """The report as JSON text (keyword arguments go to :func:`json.dumps`)."""
        return json.dumps(self._data, **kwargs)

    def to_html(self) -> str:
        """The self-contained HTML report of ``voxscreen report`` for this clip (same renderer):
        verdict and what it does not mean, the model's coverage and measured error rates,
        timeline over the waveform, flags explained, evidence identity. Save it to a ``.html``
        file to file or forward it; it needs no network and prints on A4."""
        return _native.report_html(json.dumps(self._data), self._model_path, self._screened_at, False)

    def _repr_html_(self) -> Optional[str]:
        """The same report as a card, for inline display in a notebook."""
        try:
            return _native.report_html(json.dumps(self._data), self._model_path, self._screened_at, True)
        except Error:
            return None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return self._data == other._data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        if self.error is not None:
            parts.append(f"error={self.error['kind']!r}")
        else:
            parts.append(f"verdict={self.verdict!r}")
            p = self.probability_synthetic
            parts.append(f"probability_synthetic={p:.3f}" if p is not None else "probability_synthetic=None")
            if self.reason:
                parts.append(f"reason={self.reason!r}")
            if self.flags:
                parts.append(f"flags={self.flags!r}")
            audio = self.audio
            if audio:
                parts.append(f"duration_s={audio['duration_s']:.2f}")
                parts.append(f"codec={audio['codec']!r}")
        if self.path is not None:
            parts.append(f"path={self.path!r}")
        return f"<voxscreen.Result {' '.join(parts)}>"


def _utc_now() -> str:
    """The current time in UTC as the HTML reports print it (``2026-12-08T00:28:26Z``)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _many_row(report: Dict[str, Any]) -> Dict[str, Any]:
    run = report.get("longest_synthetic_run") or {}
    audio = report.get("audio") or {}
    error = report.get("error") or {}
    model = report.get("model") or {}
    return {
        "path": report.get("path"),
        "verdict": report.get("verdict"),
        "probability_synthetic": report.get("probability_synthetic"),
        "reason": report.get("reason"),
        "flags": ";".join(report.get("flags") or []),
        "longest_synthetic_run_s": run.get("seconds"),
        "longest_synthetic_run_start_s": run.get("start_s"),
        "longest_synthetic_run_end_s": run.get("end_s"),
        "duration_s": audio.get("duration_s"),
        "codec": audio.get("codec"),
        "container": audio.get("container"),
        "sample_rate": audio.get("sample_rate"),
        "channels": audio.get("channels"),
        "effective_bandwidth_hz": audio.get("effective_bandwidth_hz"),
        "error_kind": error.get("kind"),
        "error_message": error.get("message"),
        "sha256": report.get("sha256"),
        "model_name": model.get("name"),
        "model_version": model.get("version"),
        "model_sha256": model.get("sha256"),
        "tool_version": report.get("tool_version"),
    }


_FLOAT_COLUMNS = (
    "probability_synthetic",
    "longest_synthetic_run_s",
    "longest_synthetic_run_start_s",
    "longest_synthetic_run_end_s",
    "duration_s",
    "effective_bandwidth_hz",
)
_INT_COLUMNS = ("sample_rate", "channels")


def _many_frame(reports: List[Dict[str, Any]]):
    """The DataFrame of :func:`screen_many` for reports (one implementation for every caller).

    Column dtypes do not depend on the values: float64, nullable Int64, and for text pandas'
    default string dtype (``object`` before pandas 3, ``str`` from 3), even when all of a
    column is missing.
    """
    import pandas as pd

    frame = pd.DataFrame([_many_row(r) for r in reports], columns=MANY_COLUMNS)
    text = pd.Series(["text"]).dtype
    for column in MANY_COLUMNS:
        if column in _FLOAT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif column in _INT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        else:
            frame[column] = frame[column].astype(text)
    return frame


_created_lock = threading.Lock()
#: Screeners created in this process (each loads the model; see voxscreen.dask.worker_stats).
_screeners_created = 0


def _paths_list(paths: Iterable[Union[str, "os.PathLike[str]"]]) -> List[str]:
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise InputTypeError(
            "screen_many takes a list of paths, not a single path (wrap it in a list)"
        )
    try:
        return [os.fspath(p) for p in paths]
    except TypeError as e:
        raise InputTypeError(f"screen_many takes an iterable of paths: {e}") from None


class Screener:
    """A loaded model, reusable and thread-safe: share one between threads.

    ``model_path`` is a model manifest (``.json``) or ``.onnx`` with its manifest beside it;
    None uses the model shipped inside voxscreen. ONNX Runtime is loaded from the installed
    ``onnxruntime`` package (or ``ORT_DYLIB_PATH``).

    >>> s = voxscreen.Screener()                                # doctest: +SKIP
    >>> s.model["name"]                                         # doctest: +SKIP
    'voxscreen-default'
    >>> s.screen("clip.wav").verdict                            # doctest: +SKIP
    'likely_genuine'
    """

    def __init__(self, model_path: Union[str, "os.PathLike[str]", None] = None) -> None:
        global _screeners_created
        path = os.fspath(model_path) if model_path is not None else None
        self._path = path
        self._native = _native._Screener(path, _ort_library())
        self._model: Dict[str, str] = json.loads(self._native.model_info())
        with _created_lock:
            _screeners_created += 1

    @property
    def model(self) -> Dict[str, str]:
        """Name, version and sha256 of the model, as written in reports."""
        return dict(self._model)

    @property
    def manifest(self) -> Dict[str, Any]:
        """The model's manifest: window, hop, front-end, calibration and thresholds."""
        return json.loads(self._native.manifest())

    def screen(self, source: Any, *, sample_rate: Optional[int] = None) -> Result:
        """Screens one clip; see :func:`voxscreen.screen`."""
        return Result._from_json(self._native.screen(source, sample_rate), self._path)

    def screen_many(
        self,
        paths: Iterable[Union[str, "os.PathLike[str]"]],
        *,
        threads: Optional[int] = None,
        progress: bool = True,
    ):
        """Screens many files in parallel; see :func:`voxscreen.screen_many`."""
        paths = _paths_list(paths)
        if threads is None:
            threads = 0
        if isinstance(threads, bool) or not isinstance(threads, int):
            raise InputTypeError(f"threads must be an int or None, not {type(threads).__name__}")
        if threads < 0:
            raise InputError(f"threads must be >= 0 (0 or None = all cores), got {threads}")
        bar = None
        if progress and paths:
            import warnings

            with warnings.catch_warnings():
                # tqdm.auto warns when a notebook lacks ipywidgets, then falls back to text.
                warnings.simplefilter("ignore")
                from tqdm.auto import tqdm

            bar = tqdm(total=len(paths), unit="file", desc="voxscreen")
        try:
            callback = (lambda: bar.update(1)) if bar is not None else None
            text = self._native.screen_many(paths, threads, callback)
        finally:
            if bar is not None:
                if bar.n < len(paths):  # after a panic fallback, files are not counted again
                    bar.update(len(paths) - bar.n)
                bar.close()
        return _many_frame(json.loads(text))

    def evaluate(
        self,
        labels: Union[str, "os.PathLike[str]"],
        by: Union[str, Iterable[str], None] = None,
        *,
        cache: Union[str, "os.PathLike[str]", None] = None,
        threads: Optional[int] = None,
        progress: bool = True,
        root: Union[str, "os.PathLike[str]", None] = None,
        ext: str = "flac",
        c_miss: float = 1.0,
        c_fa: float = 10.0,
        p_spoof: float = 0.05,
    ) -> Dict[str, Any]:
        """Evaluates this screener's model on labelled clips; see :func:`voxscreen.evaluate`."""
        if isinstance(by, str):
            by = [c for c in by.split(",") if c]
        by = list(by or [])
        bar = None
        if progress:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from tqdm.auto import tqdm

            bar = tqdm(unit="file", desc="voxscreen eval")
        try:
            text = self._native.evaluate(
                os.fspath(labels),
                by,
                os.fspath(cache) if cache is not None else None,
                threads or 0,
                os.fspath(root) if root is not None else None,
                ext,
                c_miss,
                c_fa,
                p_spoof,
                (lambda: bar.update(1)) if bar is not None else None,
            )
        finally:
            if bar is not None:
                bar.close()
        return json.loads(text)

    def __repr__(self) -> str:
        m = self._model
        return f"<voxscreen.Screener model={m['name']!r} version={m['version']!r}>"


_default_lock = threading.Lock()
_screeners: Dict[Optional[str], Screener] = {}


def _screener(model: Union[str, "os.PathLike[str]", Screener, None]) -> Screener:
    if isinstance(model, Screener):
        return model
    key = os.fspath(model) if model is not None else None
    with _default_lock:
        screener = _screeners.get(key)
        if screener is None:
            screener = Screener(key)
            _screeners[key] = screener
        return screener


def screen(
    source: Any,
    *,
    sample_rate: Optional[int] = None,
    model: Union[str, "os.PathLike[str]", Screener, None] = None,
) -> Result:
    """Screens one clip and returns its :class:`Result`.

    ``source`` is a path (str or PathLike), the ``bytes`` of an encoded file, or a numpy array
    of samples with ``sample_rate=`` (1-D, or 2-D with the shorter axis as channels, averaged;
    int16 is scaled by 1/32768, float32/float64 are used as they are, in [-1, 1]).
    ``model`` is a model path or a :class:`Screener` (default: the shipped model).

    Raises :class:`FileError`, :class:`DecodeError`, :class:`LimitError`, :class:`InputError`
    or :class:`ModelError`.

    >>> import numpy as np, voxscreen
    >>> t = np.arange(3 * 16000) / 16000
    >>> r = voxscreen.screen(0.1 * np.sin(2 * np.pi * 220 * t), sample_rate=16000)  # doctest: +SKIP
    >>> r.verdict in {"likely_synthetic", "likely_genuine", "inconclusive", "not_applicable"}  # doctest: +SKIP
    True
    """
    return _screener(model).screen(source, sample_rate=sample_rate)


def screen_many(
    paths: Iterable[Union[str, "os.PathLike[str]"]],
    *,
    threads: Optional[int] = None,
    progress: bool = True,
    model: Union[str, "os.PathLike[str]", Screener, None] = None,
):
    """Screens many files on ``threads`` cores (None = all) and returns a pandas DataFrame.

    One row per path, in input order, with the columns in :data:`MANY_COLUMNS`. A file that
    cannot be screened is a row with ``error_kind`` and ``error`` set, never an exception.

    >>> df = voxscreen.screen_many(["a.wav", "missing.wav"], progress=False)  # doctest: +SKIP
    >>> df[["path", "verdict", "error_kind"]]                                   # doctest: +SKIP
              path         verdict error_kind
    0        a.wav  likely_genuine       None
    1  missing.wav            None         io
    """
    return _screener(model).screen_many(paths, threads=threads, progress=progress)


def features(
    source: Any,
    sample_rate: Optional[int] = None,
    kind: str = "model",
    *,
    model: Union[str, "os.PathLike[str]", None] = None,
):
    """Features of a clip, computed by the same code as screening (needs no ONNX Runtime).

    ``kind="model"`` returns a dict: ``windows`` float32 ``(n, rows, frames)`` exactly as the
    model sees them, ``speech`` bool ``(n,)``, ``spans_s`` float64 ``(n, 2)``, ``sample_rate``
    (the model's, 16000) and ``audio`` (what decoding measured). ``"lfcc"``,
    ``"log_spectrogram"`` and ``"power_spectrogram"`` return the whole clip's 2-D float32
    array ``(rows, frames)``.

    >>> f = voxscreen.features("clip.wav")                      # doctest: +SKIP
    >>> f["windows"].shape                                      # doctest: +SKIP
    (4, 257, 198)
    """
    path = os.fspath(model) if model is not None else None
    return _native.features(source, sample_rate, kind, path)


def evaluate(
    labels: Union[str, "os.PathLike[str]"],
    by: Union[str, Iterable[str], None] = None,
    *,
    model: Union[str, "os.PathLike[str]", Screener, None] = None,
    **options: Any,
) -> Dict[str, Any]:
    """Runs ``voxscreen eval`` on a labels file and returns its JSON document as a dict.

    ``labels`` is a CSV with at least ``file,label`` (label ``real``/``fake`` or
    ``bonafide``/``spoof``; paths relative to the CSV) or an ASVspoof protocol (``root=``,
    ``ext=``). ``by`` names grouping columns (``"system,family"`` or a list). Other options:
    ``cache`` (a JSON-lines score cache keyed by file size, mtime and model sha256),
    ``threads``, ``progress``, ``c_miss``, ``c_fa``, ``p_spoof``. The result holds ``overall``
    and ``groups`` (EER, its threshold, ROC AUC, minDCF, false-positive and miss rates at the
    shipped thresholds, and per-class verdict counts); a labels file with one class only
    raises :class:`InputError`.

    >>> r = voxscreen.evaluate("labels.csv", by="family")       # doctest: +SKIP
    >>> round(r["overall"]["eer"], 3), r["overall"]["false_positive_rate"]  # doctest: +SKIP
    (0.21, 0.04)
    """
    return _screener(model).evaluate(labels, by, **options)


def manifest(model: Union[str, "os.PathLike[str]", None] = None) -> Dict[str, Any]:
    """The manifest of the shipped model (or of the model at ``model``); needs no ONNX Runtime."""
    path = os.fspath(model) if model is not None else None
    return json.loads(_native.manifest_json(path))

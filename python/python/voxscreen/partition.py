"""Screening one partition of a distributed job, independent of the engine.

Files are read through fsspec (local paths, ``file://``, ``memory://`` and any URL whose
backend is installed: ``s3://`` with s3fs, ``gs://`` with gcsfs, ...) and screened from their
bytes by this process's :class:`voxscreen.Screener`, created once per process. Rows are built by
the same code as :func:`voxscreen.screen_many`. :mod:`voxscreen.dask` runs
:func:`screen_partition` on every partition; Spark's ``mapInPandas`` can call it as it is.
Needs pandas and fsspec, not Dask.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Dict, Iterable, Mapping, Optional, Union

import fsspec

from . import Screener, __version__, _many_frame, _screener

__all__ = ["screen_partition", "files_screened"]

_lock = threading.Lock()
_files_screened = 0


def files_screened() -> int:
    """Files screened by :func:`screen_partition` in this process so far."""
    return _files_screened


def screen_partition(
    paths: Iterable[Union[str, "os.PathLike[str]"]],
    *,
    model: Union[str, "os.PathLike[str]", None] = None,
    storage_options: Optional[Mapping[str, Any]] = None,
):
    """Screens the files at ``paths`` (paths or fsspec URLs) and returns a pandas DataFrame.

    One row per input, in order, with the columns of :func:`voxscreen.screen_many`; ``path``
    holds the input string and the URL's extension is the format hint. A file that cannot be
    read or decoded is an error row (``error_kind`` ``io`` when fsspec could not read it). The
    index of a pandas Series is kept. ``model`` is a model path (default: the shipped model);
    ``storage_options`` go to the fsspec filesystem.
    """
    import pandas as pd

    global _files_screened
    names = [os.fspath(p) for p in paths]
    screener = _screener(os.fspath(model) if model is not None else None)
    options = dict(storage_options or {})
    frame = _many_frame([_report(screener, name, options) for name in names])
    if isinstance(paths, pd.Series):
        frame.index = paths.index
    with _lock:
        _files_screened += len(names)
    return frame


def _report(screener: Screener, name: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """The report of one file, read through fsspec; failures are error reports."""
    limit = screener._native.max_file_size()
    try:
        fs, path = fsspec.core.url_to_fs(name, **options)
        with fs.open(path, "rb") as f:
            size = getattr(f, "size", None)
            if size is not None and size > limit:
                message = f"limit exceeded: file is {size} bytes, above the limit of {limit} bytes"
                return _error_report(screener, name, "limit_exceeded", message)
            # One byte over the limit is enough for the decoder to refuse the file.
            data = f.read(limit + 1)
    except Exception as e:  # every backend raises its own types (OSError, botocore, ...)
        return _error_report(screener, name, "io", f"cannot read {name}: {_reason(e)}")
    return json.loads(screener._native.report_for_bytes(data, name))


def _reason(e: Exception) -> str:
    """An OS error as the Rust library words it ("No such file or directory (os error 2)")."""
    if isinstance(e, OSError) and e.errno is not None and e.strerror:
        return f"{e.strerror} (os error {e.errno})"
    return str(e)


def _error_report(screener: Screener, name: str, kind: str, message: str) -> Dict[str, Any]:
    """The fields of an error report that a :func:`voxscreen.screen_many` row holds."""
    return {
        "path": name,
        "model": screener.model,
        "tool_version": __version__,
        "error": {"kind": kind, "message": message},
    }

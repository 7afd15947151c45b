"""voxscreen on Dask: screen an archive on a dask.distributed cluster (``pip install voxscreen[dask]``).

>>> from distributed import Client                                   # doctest: +SKIP
>>> import voxscreen.dask                                             # doctest: +SKIP
>>> client = Client(voxscreen.dask.local_cluster())  # or Client("tcp://scheduler:8786")  # doctest: +SKIP
>>> df = voxscreen.dask.screen(["s3://bucket/a.mp3", "/data/b.wav"])  # doctest: +SKIP
>>> df.compute()                  # the columns of voxscreen.screen_many  # doctest: +SKIP

Each partition is one task running :func:`voxscreen.partition.screen_partition`: the worker
process reads its files through fsspec and screens them with its own :class:`voxscreen.Screener`,
created once per process (ONNX Runtime runs one intra-op thread per call, so a worker process
gets ``nthreads = cores // worker processes``). Retries are Dask's: the tasks of a worker that
dies are rescheduled on the others.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

import dask
import dask.bag as db
import dask.dataframe as dd
import distributed
import fsspec
import pandas as pd

from . import (
    InputTypeError,
    ModelError,
    _many_frame,
    _native,
    _paths_list,
    _screener,
    __version__,
)
from . import partition as _partition
from .partition import screen_partition

__all__ = ["screen", "evaluate", "local_cluster", "worker_stats", "screen_partition"]

#: Parquet schema metadata key holding the sha256 of a part's inputs (see :func:`screen`).
INPUTS_KEY = b"voxscreen.inputs_sha256"

Paths = Union[Iterable[Union[str, "os.PathLike[str]"]], db.Bag, dd.Series]


def local_cluster(n_workers: Optional[int] = None, **kwargs: Any) -> distributed.LocalCluster:
    """A LocalCluster of ``n_workers`` worker processes (default: one per core), each with
    ``cores // n_workers`` threads; other keyword arguments go to ``LocalCluster``."""
    cores = os.cpu_count() or 1
    n = n_workers or cores
    kwargs.setdefault("processes", True)
    return distributed.LocalCluster(
        n_workers=n, threads_per_worker=max(1, cores // n), **kwargs
    )


def worker_stats() -> Dict[str, int]:
    """This process's pid, Screeners created and files screened: ``client.run(worker_stats)``
    gives them per worker."""
    from . import _screeners_created

    return {
        "pid": os.getpid(),
        "screeners_created": _screeners_created,
        "files_screened": _partition.files_screened(),
    }


def screen(
    paths: Paths,
    *,
    client: Optional[distributed.Client] = None,
    model: Union[str, "os.PathLike[str]", None] = None,
    partition_size: int = 100,
    storage_options: Optional[Mapping[str, Any]] = None,
    output: Optional[str] = None,
    output_options: Optional[Mapping[str, Any]] = None,
) -> dd.DataFrame:
    """Screens files on a Dask cluster; returns a dask DataFrame, persisted on ``client``.

    ``paths`` is a list of paths or fsspec URLs (split into partitions of ``partition_size``;
    index 0..n-1), a ``dask.bag`` of them or a dask Series (a DataFrame column; its partitions
    and index are kept). The frame has the columns of :func:`voxscreen.screen_many`, one row per
    input in input order: errors are rows, nothing is dropped, ``path`` holds the input string.
    ``client`` defaults to the current one; ``model`` is a model path readable on the workers;
    ``storage_options`` go to the inputs' fsspec filesystem.

    With ``output`` (a folder or fsspec URL, ``output_options`` for its filesystem), partition
    ``N`` is also written to ``part-NNNNN.parquet`` (written under a temporary name, then
    renamed) with the sha256 of its inputs, model and voxscreen version in its metadata: a
    rerun with the same inputs reads the parts already done instead of screening them again.
    """
    if client is None:
        client = distributed.get_client()
    if model is not None and not isinstance(model, (str, os.PathLike)):
        raise InputTypeError(f"model must be a model path or None, not {type(model).__name__}")
    if isinstance(partition_size, bool) or not isinstance(partition_size, int) or partition_size < 1:
        raise InputTypeError(f"partition_size must be a positive int, got {partition_size!r}")
    parts, divisions = _partitions(paths, partition_size)
    model = os.fspath(model) if model is not None else None
    tasks = [
        dask.delayed(_screen_part)(
            part, number, model, dict(storage_options or {}), output, dict(output_options or {})
        )
        for number, part in enumerate(parts)
    ]
    frame = dd.from_delayed(tasks, meta=_many_frame([]), divisions=divisions)
    return client.persist(frame)


def evaluate(
    labels: Union[str, "os.PathLike[str]"],
    by: Union[str, Iterable[str], None] = None,
    *,
    client: Optional[distributed.Client] = None,
    model: Union[str, "os.PathLike[str]", None] = None,
    root: Union[str, "os.PathLike[str]", None] = None,
    ext: str = "flac",
    c_miss: float = 1.0,
    c_fa: float = 10.0,
    p_spoof: float = 0.05,
    partition_size: int = 100,
    output: Optional[str] = None,
    output_options: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """:func:`voxscreen.evaluate` with the files screened on a Dask cluster: the same dict for
    the same files (``cache`` is null; ``output`` resumes instead, as in :func:`screen`).

    The labels file is read here, by the same code as ``voxscreen eval``, and checked before
    anything is screened; the files it lists must be readable on the workers.
    """
    if isinstance(by, str):
        by = [c for c in by.split(",") if c]
    by = list(by or [])
    labels = os.fspath(labels)
    root = os.fspath(root) if root is not None else None
    files = _native.eval_files(labels, by, root, ext)
    frame = screen(
        files,
        client=client,
        model=model,
        partition_size=partition_size,
        output=output,
        output_options=output_options,
    ).compute()
    models = frame[["model_name", "model_version", "model_sha256"]].drop_duplicates()
    if len(models) != 1:
        raise ModelError(f"the workers screened with {len(models)} different models")
    name, version, sha256 = models.iloc[0]
    results = [
        {
            "verdict": _value(row.verdict),
            "probability_synthetic": _value(row.probability_synthetic),
            "error_kind": _value(row.error_kind),
        }
        for row in frame.itertuples()
    ]
    text = _native.eval_report(
        labels,
        by,
        root,
        ext,
        c_miss,
        c_fa,
        p_spoof,
        json.dumps(results),
        json.dumps({"name": name, "version": version, "sha256": sha256}),
    )
    return json.loads(text)


def _value(x: Any) -> Any:
    """None for a missing value (None or NaN), else ``x``."""
    return None if pd.isna(x) else x


def _partitions(paths: Paths, size: int) -> Tuple[List[Any], Optional[Tuple[Any, ...]]]:
    """Delayed pandas Series of paths, one per partition, and the divisions (None: unknown)."""
    if isinstance(paths, dd.DataFrame):
        raise InputTypeError("screen takes one column (df['path']), not a whole DataFrame")
    if isinstance(paths, dd.Series):
        return list(paths.to_delayed()), tuple(paths.divisions)
    if isinstance(paths, db.Bag):
        return [dask.delayed(pd.Series)(part, dtype=object) for part in paths.to_delayed()], None
    names = _paths_list(paths)
    starts = range(0, len(names), size) if names else range(1)
    parts = []
    for start in starts:
        chunk = names[start : start + size]
        parts.append(pd.Series(chunk, index=pd.RangeIndex(start, start + len(chunk)), dtype=object))
    return parts, tuple(starts) + (max(len(names) - 1, 0),)


def _inputs_sha256(paths: List[str], model: Dict[str, str]) -> bytes:
    text = json.dumps({"paths": paths, "model": model, "tool_version": __version__})
    return hashlib.sha256(text.encode()).hexdigest().encode()


def _screen_part(
    paths: pd.Series,
    number: int,
    model: Optional[str],
    storage_options: Dict[str, Any],
    output: Optional[str],
    output_options: Dict[str, Any],
) -> pd.DataFrame:
    """One task: screens a partition, or reads it back from ``output`` when already done."""
    if output is None:
        return screen_partition(paths, model=model, storage_options=storage_options)
    import pyarrow as pa
    import pyarrow.parquet as pq

    fs, folder = fsspec.core.url_to_fs(output, **output_options)
    name = f"{folder.rstrip('/')}/part-{number:05d}.parquet"
    digest = _inputs_sha256([os.fspath(p) for p in paths], _screener(model).model)
    if fs.exists(name):
        with fs.open(name, "rb") as f:
            done = pq.ParquetFile(f)
            if (done.schema_arrow.metadata or {}).get(INPUTS_KEY) == digest:
                # Parquet brings text back as "string"; the frame's own dtypes are restored.
                return done.read().to_pandas().astype(_many_frame([]).dtypes.to_dict())
    frame = screen_partition(paths, model=model, storage_options=storage_options)
    table = pa.Table.from_pandas(frame, preserve_index=True)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), INPUTS_KEY: digest})
    # A dot name: readers of the folder (pyarrow, dask.read_parquet) skip unfinished parts.
    partial = f"{folder.rstrip('/')}/.part-{number:05d}.parquet.{uuid.uuid4().hex}.tmp"
    fs.makedirs(folder, exist_ok=True)
    with fs.open(partial, "wb") as f:
        pq.write_table(table, f)
    fs.mv(partial, name)
    return frame

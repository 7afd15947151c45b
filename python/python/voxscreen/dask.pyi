"""Type stubs of voxscreen.dask: screening on a dask.distributed cluster."""

import os
from typing import Any, Dict, Iterable, Mapping, Optional, Union

import dask.bag as db
import dask.dataframe as dd
import distributed

from .partition import screen_partition as screen_partition

StrPath = Union[str, "os.PathLike[str]"]
Paths = Union[Iterable[StrPath], db.Bag, dd.Series]

INPUTS_KEY: bytes

def local_cluster(n_workers: Optional[int] = None, **kwargs: Any) -> distributed.LocalCluster:
    """A LocalCluster of worker processes with ``cores // n_workers`` threads each."""

def worker_stats() -> Dict[str, int]:
    """``pid``, ``screeners_created`` and ``files_screened`` of this process.

    >>> client.run(voxscreen.dask.worker_stats)
    """

def screen(
    paths: Paths,
    *,
    client: Optional[distributed.Client] = None,
    model: Optional[StrPath] = None,
    partition_size: int = 100,
    storage_options: Optional[Mapping[str, Any]] = None,
    output: Optional[str] = None,
    output_options: Optional[Mapping[str, Any]] = None,
) -> dd.DataFrame:
    """Screens files on a Dask cluster: the columns of ``voxscreen.screen_many``, one row per
    input in input order; ``output=`` writes resumable ``part-NNNNN.parquet`` files.

    >>> df = voxscreen.dask.screen(["s3://bucket/a.wav", "/data/b.mp3"], output="s3://bucket/out")
    >>> df.compute()
    """

def evaluate(
    labels: StrPath,
    by: Union[str, Iterable[str], None] = None,
    *,
    client: Optional[distributed.Client] = None,
    model: Optional[StrPath] = None,
    root: Optional[StrPath] = None,
    ext: str = "flac",
    c_miss: float = 1.0,
    c_fa: float = 10.0,
    p_spoof: float = 0.05,
    partition_size: int = 100,
    output: Optional[str] = None,
    output_options: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """``voxscreen.evaluate`` with the files screened on the cluster: the same dict."""

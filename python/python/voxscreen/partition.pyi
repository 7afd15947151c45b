"""Type stubs of voxscreen.partition: screening one partition of a distributed job."""

import os
from typing import Any, Iterable, Mapping, Optional, Union

import pandas as pd

StrPath = Union[str, "os.PathLike[str]"]

def files_screened() -> int:
    """Files screened by :func:`screen_partition` in this process so far."""

def screen_partition(
    paths: Iterable[StrPath],
    *,
    model: Optional[StrPath] = None,
    storage_options: Optional[Mapping[str, Any]] = None,
) -> pd.DataFrame:
    """Screens files (paths or fsspec URLs) with this process's Screener; the columns of
    ``voxscreen.screen_many``, one row per input in order, errors as rows.

    >>> voxscreen.partition.screen_partition(["s3://bucket/a.wav", "/data/b.mp3"])
    """

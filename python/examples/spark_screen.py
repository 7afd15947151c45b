"""Screens files on Spark with ``mapInPandas`` and the per-partition function of voxscreen.dask
(hand-run, not in CI), then checks the rows against ``voxscreen.screen_many`` on this machine.

    pip install pyspark fsspec pyarrow ./python        # Spark needs Java 17
    python python/examples/spark_screen.py examples/clips [more files or folders] [--master local[2]]

Each Spark task calls :func:`voxscreen.partition.screen_partition` on a pandas batch of paths
(or fsspec URLs: ``s3://`` with s3fs on the executors); the Python worker process keeps one
Screener for all its tasks (Spark reuses Python workers by default).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterator

import pandas as pd
from pyspark.sql import SparkSession

import voxscreen
from voxscreen.partition import screen_partition

#: The columns of voxscreen.screen_many as a Spark schema.
SCHEMA = ", ".join(
    f"{name} {'double' if str(dtype) == 'float64' else 'long' if str(dtype) == 'Int64' else 'string'}"
    for name, dtype in voxscreen._many_frame([]).dtypes.items()
)


def screen_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """mapInPandas function: one screened frame per batch of paths."""
    for batch in batches:
        yield screen_partition(batch["path"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="audio files or folders")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=4)
    args = ap.parse_args()
    paths = []
    for item in map(Path, args.inputs):
        files = sorted(p for p in item.rglob("*") if p.is_file()) if item.is_dir() else [item]
        paths += [str(p.resolve()) for p in files]

    spark = SparkSession.builder.master(args.master).appName("voxscreen").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    frame = spark.createDataFrame(pd.DataFrame({"path": paths})).repartition(args.partitions, "path")
    screened = frame.mapInPandas(screen_batches, schema=SCHEMA)
    result = screened.toPandas().set_index("path").loc[paths].reset_index()
    spark.stop()

    local = voxscreen.screen_many(paths, progress=False)
    same = result["probability_synthetic"].fillna(-1).equals(local["probability_synthetic"].fillna(-1))
    same_verdicts = result["verdict"].fillna("error").equals(local["verdict"].fillna("error"))
    print(result[["path", "verdict", "probability_synthetic", "error_kind"]].to_string())
    print(f"{len(result)} rows from Spark ({args.master}, {args.partitions} partitions); "
          f"verdicts equal to screen_many: {same_verdicts}; probabilities exactly equal: {same}")
    return 0 if same and same_verdicts else 1


if __name__ == "__main__":
    sys.exit(main())

"""Files per second of voxscreen.dask.screen on a LocalCluster with 1 and 2 worker processes
(nthreads = cores // workers), beside voxscreen.screen_many on all cores, in the same run, on
generated short WAV clips. Cluster start-up is not timed; every variant is warmed up first.

    python python/bench_dask.py [--clips 400] [--seconds 3] [--partition-size 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

import distributed

import voxscreen
import voxscreen.dask as vd
from bench_screen_many import make_clips, timed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=400)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--partition-size", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant; the best counts")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        paths = make_clips(folder, args.clips, args.seconds)
        n = len(paths)
        print(f"voxscreen {voxscreen.__version__}, {n} clips of {args.seconds:g} s, "
              f"{os.cpu_count()} CPUs, partitions of {args.partition_size}", flush=True)
        screener = voxscreen.Screener()
        screener.screen_many(paths[:8], progress=False)  # warm up sessions and page cache
        reference = screener.screen_many(paths, progress=False)
        timed("screen_many(threads=None)", lambda: screener.screen_many(paths, progress=False), n, args.repeat)
        for workers in (1, 2):
            with vd.local_cluster(workers, dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
                threads = {w["nthreads"] for w in client.scheduler_info()["workers"].values()}
                vd.screen(paths[: 4 * workers], client=client, partition_size=1).compute()  # warm up

                def run():
                    return vd.screen(paths, client=client, partition_size=args.partition_size).compute()

                timed(f"dask, {workers} worker(s) x {threads.pop()} thread(s)", run, n, args.repeat)
                same = run()["probability_synthetic"].fillna(-1).equals(reference["probability_synthetic"].fillna(-1))
                print(f"  probabilities equal to screen_many: {same}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

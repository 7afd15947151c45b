"""Executes a notebook headless with nbclient and fails on the first cell error.

    python python/examples/run_notebook.py python/examples/screen_folder.ipynb [--output OUT] [--kernel NAME]

The default kernel is this interpreter's own (ipykernel's built-in "python3"), so the notebook
sees the voxscreen installed beside it. Same check as
`jupyter nbconvert --execute --to notebook`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--output", help="write the executed notebook here")
    ap.add_argument("--kernel", default="python3")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=args.timeout,
        kernel_name=args.kernel,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
    )
    client.execute()
    if args.output:
        nbformat.write(nb, args.output)
    cells = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"{args.notebook}: {cells} code cells executed in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``voxscreen`` command installed with the package.

It runs the Rust command line (crate ``voxscreen-cli``, the same code as the ``voxscreen``
binary built with cargo) in this process: every subcommand, flag, output and exit status is
the binary's. ONNX Runtime comes from this package's ``onnxruntime`` dependency, so no
environment variable is needed.
"""

from __future__ import annotations

import signal
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    """Runs ``voxscreen`` with ``argv`` (default: ``sys.argv``) and returns its exit status."""
    from . import _native, _ort_library

    args = list(sys.argv if argv is None else argv)
    # Usage and help name the command as the binary does (also under `python -m voxscreen._cli`).
    args[:1] = ["voxscreen"]
    # While Rust runs, Ctrl-C and a closed pipe end the process as they end the binary's;
    # Python's own handlers would only run after the whole batch.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.stdout.flush()
    return int(_native.cli_main(args, _ort_library()))


if __name__ == "__main__":
    sys.exit(main())

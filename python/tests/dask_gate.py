"""A local fsspec filesystem whose opens wait on a distributed.Event (for test_dask.py).

``gated:///path`` reads ``/path``; before each open the worker touches a marker file named after
its pid in ``markers`` and then waits until the Event ``event`` is set. Registered on every
worker, restarted ones included, by :class:`GatePlugin`.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import fsspec
from distributed import Event, WorkerPlugin
from fsspec.implementations.local import LocalFileSystem

PREFIX = "gated://"


class GatedFileSystem(LocalFileSystem):
    protocol = ("gated",)

    def __init__(self, event: str, markers: str, **kwargs):
        super().__init__(**kwargs)
        self.event = event
        self.markers = markers

    @classmethod
    def _strip_protocol(cls, path):
        path = str(path)
        if path.startswith(PREFIX):
            path = path[len(PREFIX):]
        return super()._strip_protocol(path)

    def _open(self, path, mode="rb", **kwargs):
        Path(self.markers, f"{os.getpid()}-{uuid.uuid4().hex}").touch()
        Event(self.event).wait()
        return super()._open(path, mode, **kwargs)


class GatePlugin(WorkerPlugin):
    def setup(self, worker):
        fsspec.register_implementation("gated", GatedFileSystem, clobber=True)

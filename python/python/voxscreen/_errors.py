"""Exceptions raised by voxscreen, one class per family of ``Error::kind()`` in the Rust crate."""

from __future__ import annotations


class Error(Exception):
    """Base class of every voxscreen error.

    ``kind`` is the stable snake_case name written as ``error.kind`` in reports
    (``io``, ``unsupported_format``, ``decode``, ``limit_exceeded``, ``invalid_input``, ...).
    """

    kind: str = "error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class DecodeError(Error):
    """The input is not audio voxscreen can decode (kinds ``unsupported_format``,
    ``unsupported_codec``, ``no_audio_track``, ``decode``)."""

    kind = "decode"


class LimitError(Error):
    """The input breaks a resource limit (kind ``limit_exceeded``)."""

    kind = "limit_exceeded"


class InputError(Error, ValueError):
    """The arguments cannot be screened: empty array, bad shape, non-positive sample rate,
    NaN samples (kind ``invalid_input``)."""

    kind = "invalid_input"


class InputTypeError(InputError, TypeError):
    """An argument has the wrong type, e.g. an unsupported array dtype (kind ``invalid_input``)."""


class ModelError(Error):
    """The model or ONNX Runtime could not be loaded or run (kinds ``model``, ``runtime``)."""

    kind = "model"


class FileError(Error, OSError):
    """The file could not be opened or read (kind ``io``)."""

    kind = "io"


class InternalError(Error):
    """A bug inside voxscreen (a Rust panic caught at the boundary); please report it."""

    kind = "internal"


_BY_KIND = {
    "io": FileError,
    "unsupported_format": DecodeError,
    "unsupported_codec": DecodeError,
    "no_audio_track": DecodeError,
    "decode": DecodeError,
    "limit_exceeded": LimitError,
    "invalid_input": InputError,
    "invalid_input_type": InputTypeError,
    "model": ModelError,
    "runtime": ModelError,
    "internal": InternalError,
}


def _from_kind(kind: str, message: str) -> Error:
    """The exception for an error kind (called from the Rust extension)."""
    cls = _BY_KIND.get(kind, Error)
    error = cls(message)
    error.kind = "invalid_input" if kind == "invalid_input_type" else kind
    return error


for _cls in (Error, DecodeError, LimitError, InputError, InputTypeError, ModelError, FileError, InternalError):
    _cls.__module__ = "voxscreen"
del _cls

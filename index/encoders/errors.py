"""Encoder errors, each saying which model or state is at fault and what to do about it."""

from __future__ import annotations

from index.errors import REBUILD_HINT, TracuuIndexError

__all__ = [
    "EncoderError",
    "EncoderMismatchError",
    "EncoderStateError",
    "EncoderUnavailableError",
    "ModelLoadError",
]


class EncoderError(TracuuIndexError):
    """Base class of encoder errors."""


class EncoderStateError(EncoderError):
    """Fitted state that is missing, unreadable or written by another version of the code."""


class ModelLoadError(EncoderError):
    """A sentence-transformers model (name or path) that cannot be loaded here."""

    def __init__(self, model: str, reason: str) -> None:
        self.model = model
        self.reason = reason
        super().__init__(f"could not load model {model}: {reason}")


class EncoderUnavailableError(EncoderError):
    """The encoder an index was built with cannot be reopened on this machine."""

    def __init__(self, model: str, reason: str) -> None:
        self.model = model
        self.reason = reason
        super().__init__(
            f"index was built with model {model} which cannot be loaded here ({reason}); "
            "rebuild with `tracuu build --full` or make the model available"
        )


class EncoderMismatchError(EncoderError):
    """Vectors of two different encoders would meet in one index."""

    def __init__(self, expected: str, actual: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"index vectors were made by encoder {expected} but the encoder in use is {actual}; "
            f"{REBUILD_HINT}"
        )

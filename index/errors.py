"""Index errors, each with the file at fault and what to do about it."""

from __future__ import annotations

from pathlib import Path

REBUILD_HINT = "run `tracuu build --full` to rebuild the index"


class TracuuIndexError(Exception):
    """Base class of index errors."""


class IndexNotFoundError(TracuuIndexError):
    """No index has been built at this location yet."""

    def __init__(self, root: Path) -> None:
        self.root = root
        super().__init__(f"no index found at {root}: run `tracuu build` first")


class CorruptIndexError(TracuuIndexError):
    """A missing, truncated or unreadable index file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}; {REBUILD_HINT}")


class IncompatibleIndexError(TracuuIndexError):
    """An index written by another format version or with another encoder."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}; {REBUILD_HINT}")


class BuildInProgressError(TracuuIndexError):
    """Another build holds the lock on this index directory."""


class DenseUnavailableError(TracuuIndexError):
    """Dense search was asked of a lexical-only index (built without an embedding model)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        super().__init__(
            f"the index at {directory} has no embeddings (built without a model): use lexical or hybrid "
            "search, or rebuild with `tracuu build --model NAME_OR_PATH` (or `--model builtin-lsa` offline)"
        )

"""The loader interface: one file in, raw page texts out (normalization happens later, in one place)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LoadedFile:
    """Raw text of a file. Unpaged formats have exactly one page."""

    source: str
    format: str
    pages: list[str]
    content_hash: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def paged(self) -> bool:
        """True for formats with real pages (PDF)."""
        return self.format == "pdf"


class Loader(ABC):
    """Reads one file format; raises a :class:`corpus.errors.IngestError` subclass naming file and reason."""

    extensions: tuple[str, ...] = ()
    format: str = ""

    @abstractmethod
    def load(self, path: Path, data: bytes) -> LoadedFile:
        """Decode ``data`` (the bytes of ``path``) into page texts."""

"""Which loader reads which file: dispatch by extension, checked against what the bytes really are."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from corpus.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    IngestError,
    TooLargeError,
    UnsupportedFormatError,
)
from corpus.loaders.base import LoadedFile, Loader
from corpus.loaders.docx import DocxLoader
from corpus.loaders.html import HtmlLoader
from corpus.loaders.pdf import PdfLoader
from corpus.loaders.text import MarkdownLoader, TextLoader

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_EXTENSIONS",
    "get_loader",
    "load",
    "register",
    "sniff",
]

# Files are read whole into memory; nothing legitimate in this corpus comes near this.
DEFAULT_MAX_BYTES = 100_000_000

_LOADERS: dict[str, Loader] = {}

# (magic prefix, kind). Only binary formats are sniffed: text, Markdown and HTML have no reliable magic.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"{\\rtf", "rtf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\x7fELF", "executable"),
)
_KIND_LABELS = {
    "pdf": "a PDF document (rename it to .pdf)",
    "docx": "a Word .docx document (rename it to .docx)",
    "xlsx": "an Excel workbook, which is not supported",
    "pptx": "a PowerPoint presentation, which is not supported",
    "odt": "an OpenDocument file; save it as .docx",
    "zip": "a ZIP archive, which is not supported",
    "ole2": "an old Microsoft Office file (.doc/.xls); save it as .docx",
    "rtf": "an RTF document; save it as .docx",
    "png": "a PNG image; images need OCR first",
    "jpeg": "a JPEG image; images need OCR first",
    "gif": "a GIF image, which is not supported",
    "tiff": "a TIFF image; images need OCR first",
    "gzip": "a gzip archive, which is not supported",
    "7z": "a 7-Zip archive, which is not supported",
    "rar": "a RAR archive, which is not supported",
    "executable": "a program, not a document",
}
# Office Open XML and OpenDocument packages name their parts in plain text in the local headers.
_ZIP_MARKERS: tuple[tuple[bytes, str], ...] = (
    (b"word/document.xml", "docx"),
    (b"xl/workbook.xml", "xlsx"),
    (b"ppt/presentation.xml", "pptx"),
    (b"application/vnd.oasis.opendocument", "odt"),
)


def sniff(data: bytes) -> str | None:
    """The kind of binary content ``data`` starts with ("pdf", "docx", "zip", "png", ...), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if kind == "zip":
                return next((sub for marker, sub in _ZIP_MARKERS if marker in data), "zip")
            return kind
    return None


def register(loader: Loader) -> None:
    """Make ``loader`` the reader of its extensions (replacing any earlier one)."""
    for extension in loader.extensions:
        _LOADERS[extension.lower()] = loader


for _loader in (TextLoader(), MarkdownLoader(), PdfLoader(), DocxLoader(), HtmlLoader()):
    register(_loader)

SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(sorted(_LOADERS))


def get_loader(path: Path) -> Loader:
    """The loader for ``path``'s extension (case-insensitive).

    Raises:
        UnsupportedFormatError: no loader reads this extension.
    """
    extension = path.suffix.lower()
    loader = _LOADERS.get(extension)
    if loader is None:
        shown = f"'{extension}'" if extension else "files without an extension"
        raise UnsupportedFormatError(
            path, f"{shown} is not a supported file type; supported: {', '.join(sorted(_LOADERS))}"
        )
    return loader


def _read(path: Path, limit: int) -> bytes:
    """Read at most ``limit`` bytes of a regular file, or raise an IngestError saying why not."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise IngestError(path, "this is not a regular file")
            if info.st_size > limit:
                raise TooLargeError(path, f"the file is {info.st_size:,} bytes; the limit is {limit:,}")
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise IngestError(path, "the file does not exist") from None
    except IsADirectoryError:
        raise IngestError(path, "this is a directory, not a file") from None
    except PermissionError:
        raise IngestError(path, "permission denied: the file cannot be read") from None
    except OSError as exc:
        raise IngestError(path, f"the file cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:  # grew while we read it
        raise TooLargeError(path, f"the file is larger than the limit of {limit:,} bytes")
    return data


def load(path: Path, *, max_bytes: int | None = None) -> LoadedFile:
    """Read ``path`` with the loader for its extension.

    Args:
        path: the file; its extension picks the loader and its content must match the extension.
        max_bytes: largest file accepted (default :data:`DEFAULT_MAX_BYTES`).

    Returns:
        The raw page texts (not yet normalized), SHA-256 of the bytes, and format metadata.

    Raises:
        IngestError: a subclass naming the file and the reason; nothing else escapes.
    """
    path = Path(path)
    loader = get_loader(path)
    data = _read(path, DEFAULT_MAX_BYTES if max_bytes is None else max_bytes)
    if not data:
        raise EmptyDocumentError(path, "the file is empty (0 bytes)")
    kind = sniff(data)
    accepted: frozenset[str | None] | None = getattr(loader, "content_kinds", None)
    if accepted is not None and kind not in accepted:
        label = _KIND_LABELS.get(kind or "", "not a recognizable document")
        raise UnsupportedFormatError(path, f"the file is named {path.suffix} but its content is {label}")
    try:
        loaded = loader.load(path, data)
    except IngestError:
        raise
    except RecursionError:
        raise CorruptDocumentError(
            path, "its structure is nested too deeply to read (damaged or hostile file)"
        ) from None
    except MemoryError:
        raise TooLargeError(path, "reading it needs too much memory") from None
    except Exception as exc:
        # Last line of defence: a parser meeting a hostile file may fail in any way; the caller must
        # still get a typed error naming the file, never a crash.
        raise CorruptDocumentError(
            path, f"the file is damaged and cannot be read ({type(exc).__name__})"
        ) from None
    if not any(page.strip() for page in loaded.pages):
        raise EmptyDocumentError(path, "the file contains no text")
    return loaded

"""PDF: one text per page (``pages[i]`` is page ``i + 1``), with guards against hostile files.

Text comes from pypdf's "plain" extraction mode: it keeps one output line per line of the page and
writes Vietnamese as the text layer has it. "layout" mode pads columns with runs of spaces and blank
lines, which helps nothing downstream.
"""

from __future__ import annotations

import hashlib
import re
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, LimitReachedError

from corpus.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    IngestError,
    NoTextLayerError,
    TooLargeError,
)
from corpus.loaders.base import LoadedFile, Loader

__all__ = ["PdfLoader"]

# Acrobat accepts the header anywhere in the first 1024 bytes, so we do too.
_HEADER_WINDOW = 1024
# Incremental updates and trailing junk after the last %%EOF are common; a file with no %%EOF at all
# was cut short (interrupted download, partial copy) and would silently lose pages.
_EOF_MARKER = b"%%EOF"
_STRUCTURAL = re.compile(r"cycl|loop|invalid", re.IGNORECASE)
_METADATA_KEYS = {
    "/Title": "title",
    "/Author": "author",
    "/Subject": "subject",
    "/Keywords": "keywords",
    "/Creator": "creator",
    "/Producer": "producer",
    "/CreationDate": "created",
    "/ModDate": "modified",
}


def _short(exc: BaseException) -> str:
    """A one-line description of a parser exception for an error message."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    detail = detail[:160]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _has_text(pages: list[str]) -> bool:
    """True unless the pages hold practically no letters or digits (a scan with at most a page number)."""
    alnum = sum(1 for page in pages for ch in page if ch.isalnum())
    return alnum >= 3 * len(pages)


class PdfLoader(Loader):
    """Reads the text layer of a PDF with pypdf.

    Args:
        max_pages: more pages than this raises :class:`TooLargeError` (hostile or misfiled documents).
        max_chars: total extracted characters beyond this raise :class:`TooLargeError`.
        max_seconds: extraction is abandoned (between pages) once it has taken this long.
    """

    extensions: tuple[str, ...] = (".pdf",)
    format = "pdf"
    content_kinds: frozenset[str | None] = frozenset({"pdf", None})

    def __init__(
        self, *, max_pages: int = 2000, max_chars: int = 20_000_000, max_seconds: float = 120.0
    ) -> None:
        self.max_pages = max_pages
        self.max_chars = max_chars
        self.max_seconds = max_seconds

    def load(self, path: Path, data: bytes) -> LoadedFile:
        """Extract the text of every page of ``data``."""
        if b"%PDF-" not in data[:_HEADER_WINDOW]:
            raise CorruptDocumentError(
                path,
                "this is not a valid PDF: the '%PDF-' header is missing (the file is damaged or not a PDF)",
            )
        if _EOF_MARKER not in data:
            raise CorruptDocumentError(
                path, "the PDF is truncated (no end-of-file marker): the download or copy was incomplete"
            )
        try:
            return self._load(path, data)
        except IngestError:
            raise
        except LimitReachedError as exc:
            # pypdf reports both resource limits and structural loops with this one exception.
            if _STRUCTURAL.search(str(exc)):
                raise CorruptDocumentError(path, f"the PDF's structure is broken ({_short(exc)})") from None
            raise TooLargeError(
                path, f"the PDF exceeds a safety limit while decoding ({_short(exc)})"
            ) from None
        except RecursionError:
            raise CorruptDocumentError(
                path, "the PDF's internal structure is nested too deeply to read (damaged or hostile file)"
            ) from None
        except MemoryError:
            raise TooLargeError(path, "the PDF needs too much memory to read") from None
        except Exception as exc:
            # pypdf signals malformed input with whatever the broken structure triggers (KeyError,
            # ValueError, zlib.error, ...); every one of them means "this file is damaged".
            raise CorruptDocumentError(
                path, f"the PDF is damaged and cannot be read ({_short(exc)})"
            ) from None

    def _load(self, path: Path, data: bytes) -> LoadedFile:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            self._decrypt(path, reader)
        count = len(reader.pages)
        if count == 0:
            raise EmptyDocumentError(path, "the PDF has no pages")
        if count > self.max_pages:
            raise TooLargeError(path, f"the PDF has {count} pages; the limit is {self.max_pages}")
        started = time.monotonic()
        pages: list[str] = []
        total = 0
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text(extraction_mode="plain") or ""
            except (IngestError, LimitReachedError, RecursionError, MemoryError):
                raise
            except Exception as exc:
                raise CorruptDocumentError(
                    path, f"page {number} of the PDF is damaged and cannot be read ({_short(exc)})"
                ) from None
            pages.append(text)
            total += len(text)
            if total > self.max_chars:
                raise TooLargeError(path, f"the PDF holds more than {self.max_chars:,} characters of text")
            if time.monotonic() - started > self.max_seconds:
                raise TooLargeError(
                    path,
                    f"reading the PDF took longer than {self.max_seconds:.0f} s (stopped at page {number})",
                )
        if not _has_text(pages):
            self._raise_if_damaged(path, data)
            raise NoTextLayerError(
                path,
                f"the PDF has {count} page(s) but no text layer (probably scanned images); "
                "run OCR on it first (for example with ocrmypdf) and upload the result",
            )
        return LoadedFile(
            source=path.name,
            format=self.format,
            pages=pages,
            content_hash=hashlib.sha256(data).hexdigest(),
            metadata=self._metadata(reader, pages),
        )

    @staticmethod
    def _raise_if_damaged(path: Path, data: bytes) -> None:
        """Tell a damaged file from a scan: lenient parsing "repairs" missing objects into blank pages.

        Strict parsing is only the judge here, because many readable PDFs have small defects (wrong
        xref offsets) that strict mode rejects; when the lenient pass found text we keep it.
        """
        try:
            reader = PdfReader(BytesIO(data), strict=True)
            if reader.is_encrypted:
                reader.decrypt("")
            for page in reader.pages:
                page.extract_text(extraction_mode="plain")
        except Exception as exc:
            raise CorruptDocumentError(
                path, f"the PDF is damaged: its pages hold no readable text ({_short(exc)})"
            ) from None

    @staticmethod
    def _decrypt(path: Path, reader: PdfReader) -> None:
        """Open PDFs that are encrypted with an empty user password (restrictions only); refuse the rest."""
        try:
            result = reader.decrypt("")
        except DependencyError:
            raise EncryptedDocumentError(
                path,
                "the PDF is AES-encrypted and this installation cannot decrypt AES "
                "(the 'cryptography' package is missing); save an unencrypted copy and upload that",
            ) from None
        except Exception as exc:
            raise EncryptedDocumentError(
                path, f"the PDF is encrypted in a way that cannot be opened ({_short(exc)})"
            ) from None
        if not result:  # PasswordType.NOT_DECRYPTED
            raise EncryptedDocumentError(
                path,
                "the PDF is password-protected; remove the password (save an unprotected copy) and upload that",
            )

    @staticmethod
    def _metadata(reader: PdfReader, pages: list[str]) -> dict[str, str]:
        """The document information dictionary as plain strings; broken metadata is skipped, not fatal.

        ``pages_without_text`` counts pages with no text layer (partly scanned documents), so callers
        can warn that those pages are not searchable.
        """
        metadata: dict[str, str] = {}
        blank = sum(1 for page in pages if not page.strip())
        if blank:
            metadata["pages_without_text"] = str(blank)
        try:
            info: Any = reader.metadata
            items = list(info.items()) if info else []
        except Exception:
            return metadata
        for key, value in items:
            name = _METADATA_KEYS.get(str(key))
            if name is None:
                continue
            try:
                text = str(value).replace("\x00", "").strip()
            except Exception:
                continue
            if text:
                metadata[name] = text[:1000]
        return metadata

"""Typed ingestion errors: each names the file and a reason a person can act on."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file that cannot be ingested. Nothing else in the corpus is affected."""

    code = "unreadable_file"

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(path).name}: {reason}")


class UnsupportedFormatError(IngestError):
    """Unknown or unsupported file extension, or content that does not match it."""

    code = "unsupported_format"


class EncryptedDocumentError(IngestError):
    """A password-protected document."""

    code = "encrypted"


class NoTextLayerError(IngestError):
    """A PDF with no extractable text (scanned images); needs OCR first."""

    code = "no_text_layer"


class CorruptDocumentError(IngestError):
    """A damaged or malformed file."""

    code = "corrupt"


class EncodingError(IngestError):
    """A text file in an encoding that is not UTF-8, UTF-16 or Windows-1258."""

    code = "bad_encoding"


class TooLargeError(IngestError):
    """A file (or its decompressed content) beyond the configured limits."""

    code = "too_large"


class EmptyDocumentError(IngestError):
    """A file that contains no text."""

    code = "empty"

"""File loaders: ``load(path)`` turns a .txt, .md, .pdf, .docx or .html file into raw page texts.

Every failure is a :class:`corpus.errors.IngestError` subclass naming the file and the reason.
Normalization (NFC, whitespace) happens later, in :func:`corpus.normalize.normalize_text`.
"""

from __future__ import annotations

from corpus.loaders.base import LoadedFile, Loader
from corpus.loaders.docx import DocxLoader
from corpus.loaders.html import HtmlLoader
from corpus.loaders.pdf import PdfLoader
from corpus.loaders.registry import DEFAULT_MAX_BYTES, SUPPORTED_EXTENSIONS, get_loader, load, register, sniff
from corpus.loaders.text import MarkdownLoader, TextLoader

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_EXTENSIONS",
    "DocxLoader",
    "HtmlLoader",
    "LoadedFile",
    "Loader",
    "MarkdownLoader",
    "PdfLoader",
    "TextLoader",
    "get_loader",
    "load",
    "register",
    "sniff",
]

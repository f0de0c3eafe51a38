"""Ingestion pipeline: a file (or raw text) in, a :class:`~corpus.models.ParsedDocument` out.

``load`` → per page ``normalize_text`` then ``cleanup`` → pages joined with a blank line (``page_starts``
records where each begins) → metadata → section tree → chunks. All offsets point into the joined text.
The "Nơi nhận" list is metadata only (no chunk holds it); the signature block is a chunk of its own
(section "Chữ ký"), outside every section.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from corpus.chunking import Chunker, make_chunker
from corpus.cleanup import cleanup
from corpus.errors import EmptyDocumentError
from corpus.loaders import load
from corpus.metadata import extract_metadata
from corpus.models import Document, ParsedDocument
from corpus.normalize import fold, normalize_text
from corpus.structure import parse_structure

__all__ = ["PIPELINE_VERSION", "SIGNATURE_LABEL", "doc_id_for", "parse_file", "parse_pages", "parse_text"]

# Bump when a change here would change the text, metadata or chunks of an unchanged file (index reuse).
PIPELINE_VERSION = "1"

PAGE_SEPARATOR = "\n\n"
# Section label of the signature block's chunk: "who signed" is answerable and citable, the recipients
# list ("Nơi nhận") is metadata only.
SIGNATURE_LABEL = "Chữ ký"
_DOC_ID_MAX = 80
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def doc_id_for(path: Path | str) -> str:
    """Stable document id from a file name: ASCII slug of the stem (diacritics folded, đ → d).

    Never empty and never holds a path separator: a stem with nothing to keep becomes ``doc-<hash>``.
    """
    stem = Path(str(path)).stem
    slug = _NON_SLUG.sub("-", fold(normalize_text(stem))).strip("-")
    slug = slug[:_DOC_ID_MAX].rstrip("-")
    if not slug:
        slug = "doc-" + hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return slug


def _join_pages(pages: Sequence[str]) -> tuple[str, list[int]]:
    cleaned = [cleanup(normalize_text(page)) for page in pages]
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for page in cleaned:
        if parts:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        starts.append(offset)
        parts.append(page)
        offset += len(page)
    return "".join(parts), starts


def parse_pages(
    pages: Sequence[str],
    *,
    source: str,
    doc_id: str,
    paged: bool = False,
    content_hash: str = "",
    fallback_title: str | None = None,
    chunker: Chunker | None = None,
) -> ParsedDocument:
    """Parse raw page texts (one page for unpaged formats) into a document with chunks.

    Raises:
        EmptyDocumentError: nothing but whitespace and boilerplate is left after cleanup.
    """
    text, page_starts = _join_pages(pages)
    if not text.strip():
        raise EmptyDocumentError(source, "the document contains no text after cleanup")
    meta = extract_metadata(text, fallback_title=fallback_title)
    recipients = [(start, end) for start, end, kind in meta.excluded if kind == "recipients"]
    signature = [(start, end, SIGNATURE_LABEL) for start, end, kind in meta.excluded if kind == "signature"]
    root = parse_structure(text, excluded=[(start, end) for start, end, _ in meta.excluded])
    title = meta.title or doc_id
    chunks = (chunker or make_chunker()).chunk(
        text,
        root,
        doc_id=doc_id,
        title=title,
        excluded=recipients,
        apart=signature,
        page_starts=page_starts if paged else (),
    )
    document = Document(
        doc_id=doc_id,
        title=title,
        number=meta.number,
        date=meta.date,
        issuer=meta.issuer,
        province=meta.province,
        doc_type=meta.doc_type,
        source=source,
        district=meta.district,
        signer=meta.signer,
        recipients=meta.recipients,
        pages=len(pages) if paged else None,
        content_hash=content_hash,
    )
    return ParsedDocument(
        document=document, text=text, chunks=chunks, page_starts=page_starts if paged else []
    )


def parse_file(path: Path, *, doc_id: str | None = None) -> ParsedDocument:
    """Load, clean, describe and chunk one file.

    Raises:
        IngestError: a subclass naming the file and the reason (unsupported, encrypted, empty, ...).
    """
    path = Path(path)
    loaded = load(path)
    return parse_pages(
        loaded.pages,
        source=loaded.source or path.name,
        doc_id=doc_id or doc_id_for(path),
        paged=loaded.paged,
        content_hash=loaded.content_hash,
        fallback_title=_usable_title(loaded.metadata.get("title")),
    )


_JUNK_TITLE = re.compile(
    r"^(?:microsoft (?:word|excel)|untitled|document\d*$|\S+\.(?:docx?|pdf)$)", re.IGNORECASE
)


def _usable_title(title: str | None) -> str | None:
    """A title from the file's properties, unless it is an editor default ("Microsoft Word - x.doc")."""
    if not title:
        return None
    title = normalize_text(title)
    return None if not title or _JUNK_TITLE.match(title) else title[:300]


def parse_text(raw: str, *, source: str, doc_id: str | None = None) -> ParsedDocument:
    """Parse text that is already in memory (``source`` names it, e.g. a file name)."""
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
    return parse_pages(
        [raw],
        source=source,
        doc_id=doc_id or doc_id_for(source),
        content_hash=digest,
    )

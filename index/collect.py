"""The documents of a build, one at a time: reused from the previous version when unchanged, else parsed.

A generator, so that a build holds one document's chunks at a time (a million-chunk corpus does not fit in
memory as parsed objects).
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import IngestError
from corpus.loaders import SUPPORTED_EXTENSIONS
from corpus.models import Chunk, Document, ParsedDocument
from corpus.pipeline import doc_id_for, parse_file
from corpus.responsibility import annotate
from index.store import Store

__all__ = ["Collector", "Entry", "FailedFile", "corpus_files", "file_hash"]

log = logging.getLogger(__name__)


@dataclass
class FailedFile:
    """A document that could not be ingested, and why."""

    source: str
    error: str
    code: str


@dataclass
class Entry:
    """One document of the new version."""

    document: Document
    text: str
    page_starts: list[int]
    chunks: list[Chunk]
    old_rows: list[int] | None  # rows in the previous version when reused


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Supported files of a corpus folder (recursively, hidden files skipped), in a stable order."""
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_EXTENSIONS
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parse(path: Path, doc_id: str) -> ParsedDocument:
    return annotate(parse_file(path, doc_id=doc_id))


@dataclass
class Collector:
    """Iterate to get the build's documents; ``failed`` and ``parsed`` are complete once iteration ends.

    Args:
        files: Corpus files in build order.
        corpus_dir: Their folder (sources are recorded relative to it).
        previous: The live version's store, whose unchanged documents are reused; None to parse all.
        progress: Show a progress bar on stderr.
    """

    files: list[Path]
    corpus_dir: Path
    previous: Store | None
    progress: bool = False
    failed: list[FailedFile] = field(default_factory=list)
    parsed: int = 0

    def __iter__(self) -> Iterator[Entry]:
        old = {doc.doc_id: doc for doc in self.previous.documents} if self.previous is not None else {}
        seen: dict[str, Path] = {}
        iterator: Any = self.files
        if self.progress:
            from tqdm import tqdm

            iterator = tqdm(self.files, desc="indexing", unit="doc", file=sys.stderr)
        for path in iterator:
            source = str(path.relative_to(self.corpus_dir))
            doc_id = doc_id_for(path)
            if doc_id in seen:
                message = f"same document id '{doc_id}' as {seen[doc_id].name}"
                self.failed.append(FailedFile(source, message, "duplicate"))
                continue
            seen[doc_id] = path
            try:
                digest = file_hash(path)
            except OSError as exc:
                self.failed.append(
                    FailedFile(source, f"cannot read file ({exc.strerror})", "unreadable_file")
                )
                continue
            previous = old.get(doc_id)
            if previous is not None and previous.content_hash == digest and self.previous is not None:
                yield self._reused(self.previous, previous)
                continue
            entry = self._parsed(path, source, doc_id, digest)
            if entry is not None:
                yield entry

    @staticmethod
    def _reused(store: Store, document: Document) -> Entry:
        rows = store.rows_of(document.doc_id).tolist()
        chunks = sorted(store.chunks_by_rows(rows).values(), key=lambda c: c.ordinal)
        text = store.document_text(document.doc_id) or ""
        return Entry(document, text, store.page_starts(document.doc_id), chunks, rows)

    def _parsed(self, path: Path, source: str, doc_id: str, digest: str) -> Entry | None:
        try:
            parsed = _parse(path, doc_id)
        except IngestError as exc:
            self.failed.append(FailedFile(source, exc.reason, exc.code))
            return None
        except Exception as exc:  # one bad file must not stop the build of the others
            log.exception("unexpected error while parsing %s", source)
            self.failed.append(FailedFile(source, f"unexpected parser error: {exc}", "parser_error"))
            return None
        self.parsed += 1
        document = parsed.document.model_copy(update={"source": source, "content_hash": digest})
        return Entry(document, parsed.text, parsed.page_starts, parsed.chunks, None)

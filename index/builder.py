"""Build or incrementally update an index version from a folder of documents.

Unchanged documents (same bytes, same pipeline) keep their chunks and vectors; changed ones are
re-parsed and re-embedded; removed ones disappear. Everything is written to a new version directory
which then becomes live atomically (see :mod:`index.manifest`).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from corpus.errors import IngestError
from corpus.loaders import SUPPORTED_EXTENSIONS
from corpus.models import Chunk, Document, ParsedDocument
from corpus.pipeline import PIPELINE_VERSION as _PARSE_VERSION
from corpus.pipeline import doc_id_for, parse_file
from corpus.responsibility import RESPONSIBILITY_VERSION, annotate
from index.analysis import ANALYSIS_VERSION, indexable_text
from index.dense_build import write_dense
from index.encoders.base import Encoder
from index.encoders.factory import NO_ENCODER, create_encoder, encoder_from_manifest
from index.errors import BuildInProgressError, CorruptIndexError, IncompatibleIndexError, IndexNotFoundError
from index.layout import ENCODER_DIR, LEADS, LEXICAL_DIR, STORE, VECTORS
from index.lexical.factory import create_lexical_index
from index.manifest import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    current_version_dir,
    library_versions,
    new_version_name,
    prepare_tmp_dir,
    prune_versions,
    publish,
    read_manifest,
    write_json_atomic,
)
from index.store import Store, StoreWriter

log = logging.getLogger(__name__)

#: Chunks and responsibilities are reused only when both were made by the same code.
PIPELINE_VERSION = f"{_PARSE_VERSION}+resp{RESPONSIBILITY_VERSION}"

# Above this share of re-embedded chunks a corpus-fitted encoder is refitted from scratch.
REFIT_SHARE = 0.3


@dataclass
class FailedFile:
    """A document that could not be ingested, and why."""

    source: str
    error: str
    code: str


@dataclass
class BuildReport:
    """What a build did."""

    version: str
    version_dir: Path
    documents: int
    chunks: int
    parsed: int
    reused: int
    removed: int
    embedded: int
    encoder: str
    configured_model: str | None
    fallback_reason: str | None
    seconds: float
    full: bool
    failed: list[FailedFile] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        mode = "full" if self.full else "incremental"
        line = (
            f"index {self.version} ({mode}): {self.documents} documents, {self.chunks} chunks; "
            f"parsed {self.parsed}, reused {self.reused}, removed {self.removed}, embedded {self.embedded} chunks "
            f"with {self.encoder} in {self.seconds:.1f}s"
        )
        if self.fallback_reason:
            line += f"; WARNING: {self.fallback_reason}"
        if self.failed:
            line += f"; {len(self.failed)} file(s) failed: " + "; ".join(
                f"{f.source}: {f.error}" for f in self.failed
            )
        return line

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "version": self.version,
            "documents": self.documents,
            "chunks": self.chunks,
            "parsed": self.parsed,
            "reused": self.reused,
            "removed": self.removed,
            "embedded": self.embedded,
            "encoder": self.encoder,
            "configured_model": self.configured_model,
            "fallback_reason": self.fallback_reason,
            "seconds": round(self.seconds, 3),
            "full": self.full,
            "failed": [f.__dict__ for f in self.failed],
        }


@contextmanager
def build_lock(root: Path, wait: bool = True) -> Iterator[None]:
    """Serialize builds of one index root across processes."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".build.lock").open("a") as handle:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError as exc:
            raise BuildInProgressError(f"another build is running on {root}") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


@dataclass
class _Previous:
    directory: Path
    manifest: dict[str, Any]
    store: Store
    vectors: npt.NDArray[np.float32] | None  # None for a lexical-only index


def _open_previous(root: Path) -> _Previous | None:
    try:
        directory = current_version_dir(root)
        manifest = read_manifest(directory)
        store = Store(directory / STORE)
        vectors = np.load(directory / VECTORS, mmap_mode="r") if manifest.get("vectors") else None
    except (IndexNotFoundError, CorruptIndexError, IncompatibleIndexError, OSError, ValueError) as exc:
        if (root / "CURRENT").exists():
            log.warning("previous index not reusable (%s); building from scratch", exc)
        return None
    return _Previous(directory, manifest, store, vectors)


@dataclass
class _Entry:
    document: Document
    text: str
    page_starts: list[int]
    chunks: list[Chunk]
    old_rows: list[int] | None  # rows in the previous version when reused


def _parse(path: Path, doc_id: str) -> ParsedDocument:
    return annotate(parse_file(path, doc_id=doc_id))


def _collect(
    files: list[Path], corpus_dir: Path, previous: _Previous | None, reuse: bool, progress: bool
) -> tuple[list[_Entry], list[FailedFile], int]:
    old_docs: dict[str, tuple[Document, str, list[int], list[int]]] = {}
    if previous is not None and reuse:
        old_docs = {
            doc.doc_id: (doc, text, pages, rows)
            for doc, text, pages, rows in previous.store.iter_document_rows()
        }
    entries: list[_Entry] = []
    failed: list[FailedFile] = []
    seen: dict[str, Path] = {}
    parsed_count = 0
    iterator: Any = files
    if progress:
        from tqdm import tqdm

        iterator = tqdm(files, desc="parsing", unit="doc", file=sys.stderr)
    for path in iterator:
        source = str(path.relative_to(corpus_dir))
        doc_id = doc_id_for(path)
        if doc_id in seen:
            failed.append(
                FailedFile(source, f"same document id '{doc_id}' as {seen[doc_id].name}", "duplicate")
            )
            continue
        seen[doc_id] = path
        try:
            digest = file_hash(path)
        except OSError as exc:
            failed.append(FailedFile(source, f"cannot read file ({exc.strerror})", "unreadable_file"))
            continue
        old = old_docs.get(doc_id)
        if old is not None and old[0].content_hash == digest:
            document, text, pages, rows = old
            chunks = list(previous.store.chunks_by_rows(rows).values()) if previous else []
            chunks.sort(key=lambda c: c.ordinal)
            entries.append(_Entry(document, text, pages, chunks, rows))
            continue
        try:
            parsed = _parse(path, doc_id)
        except IngestError as exc:
            failed.append(FailedFile(source, exc.reason, exc.code))
            continue
        except Exception as exc:  # one bad file must not stop the build of the others
            log.exception("unexpected error while parsing %s", source)
            failed.append(FailedFile(source, f"unexpected parser error: {exc}", "parser_error"))
            continue
        parsed_count += 1
        document = parsed.document.model_copy(update={"source": source, "content_hash": digest})
        entries.append(_Entry(document, parsed.text, parsed.page_starts, parsed.chunks, None))
    return entries, failed, parsed_count


def _choose_encoder(
    previous: _Previous | None, model: str | None, reuse: bool
) -> tuple[Encoder | None, str | None, bool]:
    """Return (encoder or None for lexical-only, fallback_reason, fitted_already)."""
    if previous is not None and reuse and previous.manifest.get("configured_model") == model:
        fields = previous.manifest["encoder"]
        # A previous fallback is not reused: the model may be loadable now (e.g. copied in since).
        if fields.get("kind") != NO_ENCODER and not previous.manifest.get("fallback_reason"):
            try:
                reopened = encoder_from_manifest(fields, previous.directory / ENCODER_DIR)
                return reopened, None, True
            except Exception as exc:
                log.warning("cannot reopen the previous encoder (%s); re-embedding everything", exc)
    encoder, reason = create_encoder(model)
    return encoder, reason, False


def build_index(
    corpus_dir: Path,
    index_root: Path,
    *,
    model: str | None = None,
    full: bool = False,
    progress: bool = False,
) -> BuildReport:
    """Build (or incrementally update) the index of ``corpus_dir`` under ``index_root``.

    Args:
        corpus_dir: Folder of documents (.txt .md .pdf .docx .html).
        index_root: Index root; the new version becomes live when the build completes.
        model: sentence-transformers model name or path, ``builtin-lsa`` for the built-in offline encoder,
            or None for a lexical-only index (the measured best without a pretrained model).
        full: Re-parse and re-embed everything, refitting corpus-fitted encoders.
        progress: Show progress bars on stderr.

    Returns:
        A :class:`BuildReport`; files that could not be read are listed in ``failed``.
    """
    started = time.perf_counter()
    index_root = Path(index_root)
    corpus_dir = Path(corpus_dir)
    files = corpus_files(corpus_dir)
    with build_lock(index_root):
        previous = None if full else _open_previous(index_root)
        reuse = previous is not None and (
            previous.manifest.get("pipeline_version") == PIPELINE_VERSION
            and previous.manifest.get("analysis_version") == ANALYSIS_VERSION
        )
        try:
            return _build_locked(
                files, corpus_dir, index_root, previous, reuse, model, full, progress, started
            )
        finally:
            if previous is not None:
                previous.store.close()


def _build_locked(
    files: list[Path],
    corpus_dir: Path,
    index_root: Path,
    previous: _Previous | None,
    reuse: bool,
    model: str | None,
    full: bool,
    progress: bool,
    started: float,
) -> BuildReport:
    entries, failed, parsed_count = _collect(files, corpus_dir, previous, reuse, progress)
    encoder, fallback_reason, fitted = _choose_encoder(previous, model, reuse)
    total_chunks = sum(len(e.chunks) for e in entries)
    new_chunks = sum(len(e.chunks) for e in entries if e.old_rows is None)
    stale = total_chunks > 0 and new_chunks / total_chunks > REFIT_SHARE
    if fitted and encoder is not None and encoder.trainable and stale:
        encoder, fallback_reason = create_encoder(model)
        fitted = False
    texts = [indexable_text(chunk, entry.document) for entry in entries for chunk in entry.chunks]

    version = new_version_name()
    tmp = prepare_tmp_dir(index_root, version)
    writer = StoreWriter(tmp / STORE)
    for entry in entries:
        writer.add_document(entry.document, entry.text, entry.chunks, entry.page_starts)
    writer.close()
    # Rows whose chunk names a lead agency ("chủ trì"): a prior for "who is responsible" questions.
    leads = [
        any(r.role == "chu_tri" for r in chunk.responsibilities)
        for entry in entries
        for chunk in entry.chunks
    ]
    np.save(tmp / LEADS, np.asarray(leads, dtype=np.bool_))

    ids = np.arange(total_chunks, dtype=np.int64)
    lexical = create_lexical_index()
    lexical.fit(texts, ids)
    (tmp / LEXICAL_DIR).mkdir()
    lexical.save(tmp / LEXICAL_DIR)

    encoder_fields: dict[str, Any] = {"kind": NO_ENCODER, "id": NO_ENCODER, "dim": 0}
    dense_fields: dict[str, Any] | None = None
    embedded = 0
    if encoder is not None:
        reused_rows = [(e.old_rows, len(e.chunks)) for e in entries]
        old_vectors = previous.vectors if (fitted and previous is not None) else None
        written = write_dense(tmp, encoder, texts, reused_rows, old_vectors, fitted, progress)
        encoder_fields, dense_fields, embedded = written.encoder, written.dense, written.embedded

    old_ids = set(previous.manifest.get("corpus", {}).get("documents", {})) if previous else set()
    kept_ids = {e.document.doc_id for e in entries}
    documents_meta = {
        e.document.doc_id: {
            "hash": e.document.content_hash,
            "source": e.document.source,
            "chunks": len(e.chunks),
        }
        for e in entries
    }
    fingerprint = hashlib.sha256(
        "\n".join(f"{k}:{v['hash']}" for k, v in sorted(documents_meta.items())).encode()
    ).hexdigest()
    seconds = time.perf_counter() - started
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "version": version,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 3),
        "pipeline_version": PIPELINE_VERSION,
        "analysis_version": ANALYSIS_VERSION,
        "encoder": encoder_fields,
        "configured_model": model,
        "fallback_reason": fallback_reason,
        "dense": dense_fields,
        "lexical": {"kind": lexical.kind, "dir": LEXICAL_DIR, "count": len(lexical)},
        "store": STORE,
        "vectors": VECTORS if dense_fields is not None else None,
        "counts": {"documents": len(entries), "chunks": total_chunks},
        "corpus": {"dir": str(corpus_dir), "fingerprint": fingerprint, "documents": documents_meta},
        "failed": [f.__dict__ for f in failed],
        "libraries": library_versions(),
    }
    write_json_atomic(tmp / MANIFEST, manifest)
    final = publish(index_root, tmp, version)
    prune_versions(index_root)
    report = BuildReport(
        version=version,
        version_dir=final,
        documents=len(entries),
        chunks=total_chunks,
        parsed=parsed_count,
        reused=sum(1 for e in entries if e.old_rows is not None),
        removed=len(old_ids - kept_ids),
        embedded=embedded,
        encoder=encoder_fields["id"],
        configured_model=model,
        fallback_reason=fallback_reason,
        seconds=time.perf_counter() - started,
        full=full or previous is None,
        failed=failed,
    )
    log.info("%s", report.summary())
    return report

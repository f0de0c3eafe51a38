"""Build or incrementally update an index version from a folder of documents.

Unchanged documents (same bytes, same pipeline) keep their chunks and vectors; changed ones are
re-parsed and re-embedded; removed ones disappear. Everything is written to a new version directory
which then becomes live atomically (see :mod:`index.manifest`).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from corpus.pipeline import PIPELINE_VERSION as _PARSE_VERSION
from corpus.responsibility import RESPONSIBILITY_VERSION
from index.analysis import ANALYSIS_VERSION, indexable_text
from index.collect import Collector, FailedFile, corpus_files
from index.dense_build import write_dense
from index.encoders.base import Encoder
from index.encoders.factory import NO_ENCODER, create_encoder, encoder_from_manifest
from index.errors import BuildInProgressError, CorruptIndexError, IncompatibleIndexError, IndexNotFoundError
from index.headings import HeadingTitlesBuilder
from index.layout import ENCODER_DIR, LEADS, LEXICAL_DIR, SPOOL, STORE, VECTORS
from index.leads import lead_mask
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
from index.textspool import TextSpool

log = logging.getLogger(__name__)

#: Chunks and responsibilities are reused only when both were made by the same code.
PIPELINE_VERSION = f"{_PARSE_VERSION}+resp{RESPONSIBILITY_VERSION}"

# Above this share of re-embedded chunks a corpus-fitted encoder is refitted from scratch.
REFIT_SHARE = 0.3


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
            f"parsed {self.parsed}, reused {self.reused}, removed {self.removed}, "
            + (
                f"embedded {self.embedded} chunks with {self.encoder}"
                if self.encoder != NO_ENCODER
                else "lexical only (no embedding model)"
            )
            + f" in {self.seconds:.1f}s"
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
    version = new_version_name()
    tmp = prepare_tmp_dir(index_root, version)
    # One pass over the documents writes the store and spools the indexable text of every chunk to disk;
    # the indexes are then fitted from the spool, so memory does not grow with the corpus's text.
    collector = Collector(files, corpus_dir, previous.store if previous and reuse else None, progress)
    writer = StoreWriter(tmp / STORE)
    texts = TextSpool(tmp / SPOOL)
    leads: list[int] = []
    headings = HeadingTitlesBuilder()
    layout: list[tuple[list[int] | None, int]] = []  # per document: previous rows (if reused), chunk count
    documents_meta: dict[str, dict[str, Any]] = {}
    for entry in collector:
        writer.add_document(entry.document, entry.text, entry.chunks, entry.page_starts)
        for chunk in entry.chunks:
            texts.append(indexable_text(chunk, entry.document))
            # The kinds of lead agency ("chủ trì") a chunk names: a prior for "who is responsible" questions.
            leads.append(lead_mask(chunk.responsibilities))
            headings.add(chunk.heading_path)
        layout.append((entry.old_rows, len(entry.chunks)))
        documents_meta[entry.document.doc_id] = {
            "hash": entry.document.content_hash,
            "source": entry.document.source,
            "chunks": len(entry.chunks),
        }
    writer.close()
    texts.finish()
    failed, parsed_count = collector.failed, collector.parsed
    np.save(tmp / LEADS, np.asarray(leads, dtype=np.uint8))
    headings.finish().save(tmp)
    del headings
    total_chunks = len(texts)
    new_chunks = sum(count for old_rows, count in layout if old_rows is None)

    encoder, fallback_reason, fitted = _choose_encoder(previous, model, reuse)
    stale = total_chunks > 0 and new_chunks / total_chunks > REFIT_SHARE
    if fitted and encoder is not None and encoder.trainable and stale:
        encoder, fallback_reason = create_encoder(model)
        fitted = False

    ids = np.arange(total_chunks, dtype=np.int64)
    lexical = create_lexical_index()
    lexical.fit_save(texts, ids, tmp / LEXICAL_DIR)

    encoder_fields: dict[str, Any] = {"kind": NO_ENCODER, "id": NO_ENCODER, "dim": 0}
    dense_fields: dict[str, Any] | None = None
    embedded = 0
    if encoder is not None:
        old_vectors = previous.vectors if (fitted and previous is not None) else None
        written = write_dense(tmp, encoder, texts, layout, old_vectors, fitted, progress)
        encoder_fields, dense_fields, embedded = written.encoder, written.dense, written.embedded
    texts.remove()

    old_ids = set(previous.manifest.get("corpus", {}).get("documents", {})) if previous else set()
    kept_ids = set(documents_meta)
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
        "counts": {"documents": len(documents_meta), "chunks": total_chunks},
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
        documents=len(documents_meta),
        chunks=total_chunks,
        parsed=parsed_count,
        reused=sum(1 for old_rows, _ in layout if old_rows is not None),
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

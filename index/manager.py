"""The live index of a running service: one engine shared by all requests, swapped atomically.

Mutations (upload, delete, rebuild) are serialized. Each writes the corpus folder and builds a new
index version; readers keep using the old engine until the new one is open, and a mutation that
fails puts the corpus folder back as it was.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import threading
import unicodedata
import uuid
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

from pydantic import BaseModel, Field

from corpus.errors import EmptyDocumentError, UnsupportedFormatError
from corpus.loaders import SUPPORTED_EXTENSIONS
from corpus.models import Document
from corpus.pipeline import doc_id_for, parse_file
from index.builder import BuildReport, build_index, corpus_files
from index.engine import SearchEngine
from index.errors import IncompatibleIndexError, TracuuIndexError
from index.manifest import current_version_dir, has_index, read_manifest
from index.rerank.base import Reranker
from index.rerank.factory import create_reranker

log = logging.getLogger(__name__)

STAGING = ".staging"
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


class IndexNotReadyError(RuntimeError):
    """No index is loaded yet (the first build is still running, or it failed)."""


class JobStatus(BaseModel):
    """A background rebuild."""

    job_id: str
    status: Literal["running", "done", "failed"]
    started_at: str
    finished_at: str | None = None
    error: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


def safe_filename(filename: str) -> str:
    """The base name of an uploaded file, stripped of directories and unsafe characters.

    Raises:
        UnsupportedFormatError: for an extension tracuu cannot read.
    """
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = unicodedata.normalize("NFC", name).replace("\x00", "")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    suffix = f".{ext.lower()}"
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UnsupportedFormatError(
            filename or "(no name)",
            f"unsupported file type '{suffix}'; accepted: {', '.join(sorted(SUPPORTED_EXTENSIONS))}",
        )
    stem = _UNSAFE.sub("-", stem).strip(" .-")[:120] or "document"
    return f"{stem}{suffix}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class IndexManager:
    """Owns the live :class:`SearchEngine` of a service and every change to the index."""

    def __init__(
        self, index_root: Path, corpus_dir: Path, *, model: str | None = None, reranker: str | None = None
    ) -> None:
        self.index_root = Path(index_root)
        self.corpus_dir = Path(corpus_dir)
        self.model = model
        self.reranker = reranker
        self._reranker: Reranker | None = None
        self._reranker_reason: str | None = None
        self._reranker_loaded = False
        self._engine: SearchEngine | None = None
        self._write_lock = threading.Lock()
        self._jobs: dict[str, JobStatus] = {}
        self.last_build: BuildReport | None = None

    # State ----------------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True once an engine is loaded."""
        return self._engine is not None

    @property
    def engine(self) -> SearchEngine:
        """The live engine (a plain reference read: swaps are atomic)."""
        engine = self._engine
        if engine is None:
            raise IndexNotReadyError("the index is not loaded yet")
        return engine

    @property
    def version(self) -> str | None:
        """Version name of the live index."""
        engine = self._engine
        return None if engine is None else engine.info.version

    def load(self) -> None:
        """Open the live index version."""
        self._engine = self._with_reranker(SearchEngine.open(self.index_root))

    def configure_reranker(self, name: str | None) -> None:
        """Use the reranker ``name`` (cross-encoder name or folder; None: none) from the next engine on.

        Loading happens when an engine is next opened (or now, when one is live), so it never blocks a
        caller that only configures. A reranker that cannot load is logged and reported in ``info``.
        """
        with self._write_lock:
            self.reranker = name
            self._reranker, self._reranker_reason, self._reranker_loaded = None, None, False
            engine = self._engine
            if engine is not None:
                # A fresh engine object: requests holding the current one keep a consistent view.
                self._engine = self._with_reranker(SearchEngine.open_version(engine.directory))

    def _with_reranker(self, engine: SearchEngine) -> SearchEngine:
        """``engine`` with the configured reranker attached (loaded once, on the first engine)."""
        if not self._reranker_loaded:
            self._reranker, self._reranker_reason = create_reranker(self.reranker)
            self._reranker_loaded = True
        if self._reranker is not None or self._reranker_reason is not None:
            engine.use_reranker(self._reranker, self._reranker_reason)
        return engine

    def ensure_built(self, progress: bool = False) -> BuildReport | None:
        """Load the index, building it from the corpus first when there is none.

        An index written by another version of tracuu (an upgrade changed the format or the analysis
        chain) is rebuilt from the corpus rather than left unservable; a damaged one is an error.
        """
        report = None
        with self._write_lock:
            if not has_index(self.index_root):
                report = self._build(full=True, progress=progress)
            else:
                try:
                    self.load()
                except IncompatibleIndexError as exc:
                    if not self._built_from_our_corpus():
                        raise  # never replace an index of other documents with one of ours
                    log.warning("rebuilding the index from %s: %s", self.corpus_dir, exc.reason)
                    report = self._build(full=True, progress=progress)
        return report

    def _built_from_our_corpus(self) -> bool:
        """True when the live index's manifest names this manager's corpus folder."""
        try:
            recorded = read_manifest(current_version_dir(self.index_root)).get("corpus", {}).get("dir")
        except TracuuIndexError:
            return False
        return recorded is not None and Path(recorded).resolve() == self.corpus_dir.resolve()

    def _build(self, *, full: bool, progress: bool = False) -> BuildReport:
        report = build_index(self.corpus_dir, self.index_root, model=self.model, full=full, progress=progress)
        engine = self._with_reranker(SearchEngine.open_version(report.version_dir))
        self._engine = engine
        self.last_build = report
        return report

    # Mutations ------------------------------------------------------------------------------------

    def add_document(self, filename: str, data: bytes) -> Document:
        """Add or replace a document; it is searchable when this returns.

        Raises:
            IngestError: the file cannot be read; nothing was changed.
        """
        name = safe_filename(filename)
        with self._write_lock:
            staging = self.corpus_dir / STAGING / uuid.uuid4().hex
            staging.mkdir(parents=True)
            try:
                staged = staging / name
                staged.write_bytes(data)
                doc_id = doc_id_for(staged)
                parsed = parse_file(staged, doc_id=doc_id)
                if not parsed.chunks:
                    raise EmptyDocumentError(name, "no text to index")
                replaced = self._files_of(doc_id)
                backups = self._move_aside(replaced, staging / "previous")
                target = self.corpus_dir / name
                shutil.move(str(staged), target)
                try:
                    self._build(full=False)
                except BaseException:
                    target.unlink(missing_ok=True)
                    self._restore(backups)
                    raise
            finally:
                self._clear_staging(staging)
            document = self.engine.document(doc_id)
            if document is None:  # the build skipped it: report as unreadable rather than 201
                raise EmptyDocumentError(name, "the document could not be indexed")
            return document

    def delete_document(self, doc_id: str) -> None:
        """Remove a document from the corpus and the index.

        Raises:
            KeyError: no such document.
        """
        with self._write_lock:
            files = self._files_of(doc_id)
            if not files and self.engine.document(doc_id) is None:
                raise KeyError(doc_id)
            staging = self.corpus_dir / STAGING / uuid.uuid4().hex
            backups = self._move_aside(files, staging)
            try:
                self._build(full=False)
            except BaseException:
                self._restore(backups)
                raise
            finally:
                self._clear_staging(staging)

    def start_rebuild(self) -> str:
        """Start a full rebuild in the background; queries keep using the old index until the swap."""
        job = JobStatus(job_id=uuid.uuid4().hex, status="running", started_at=_now())
        self._jobs[job.job_id] = job
        threading.Thread(
            target=self._run_rebuild, args=(job,), name=f"rebuild-{job.job_id[:8]}", daemon=True
        ).start()
        return job.job_id

    def _run_rebuild(self, job: JobStatus) -> None:
        try:
            with self._write_lock:
                report = self._build(full=True)
            job.detail = report.as_dict()
            job.status = "done"
        except Exception as exc:
            log.exception("rebuild %s failed", job.job_id)
            job.error = str(exc)
            job.status = "failed"
        job.finished_at = _now()

    def job(self, job_id: str) -> JobStatus | None:
        """Status of a rebuild job."""
        return self._jobs.get(job_id)

    def close(self) -> None:
        """Forget the engine (connections close when the last request using them ends)."""
        self._engine = None

    # Helpers --------------------------------------------------------------------------------------

    def _files_of(self, doc_id: str) -> list[Path]:
        if not self.corpus_dir.is_dir():
            return []
        return [p for p in corpus_files(self.corpus_dir) if doc_id_for(p) == doc_id]

    def _clear_staging(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):  # only when empty: another mutation may be staging too
            staging.parent.rmdir()

    @staticmethod
    def _move_aside(files: list[Path], directory: Path) -> list[tuple[Path, Path]]:
        directory.mkdir(parents=True, exist_ok=True)
        moved = []
        for i, path in enumerate(files):
            backup = directory / f"{i}-{path.name}"
            shutil.move(str(path), backup)
            moved.append((backup, path))
        return moved

    @staticmethod
    def _restore(backups: list[tuple[Path, Path]]) -> None:
        for backup, original in backups:
            shutil.move(str(backup), original)

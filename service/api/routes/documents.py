"""Documents: list and read (public), upload and delete (admin)."""

from __future__ import annotations

import logging
import time
import unicodedata
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, File, Path, Response, UploadFile

from corpus.loaders import SUPPORTED_EXTENSIONS
from corpus.models import Document
from index.api import Retriever
from service.api.deps import AdminDep, EngineDep, ManagerDep, StateDep
from service.api.errors import ProblemError, problem_responses
from service.api.schemas import ChunkList, DocumentList, DocumentText
from service.settings import Settings

log = logging.getLogger("tracuu.api")

DocId = Annotated[
    str, Path(min_length=1, max_length=300, description="Document id", examples=["lang-son-46-kh-ubnd"])
]
_MAX_NAME_CHARS = 200


def upload_name(raw: str | None) -> str:
    """The uploaded file's name, when it is a plain file name with a supported extension.

    Names with folders (``../../x.txt``, ``C:\\x.pdf``), hidden names and control characters are refused
    rather than repaired: nothing a client sends can name a path outside the corpus folder.

    Raises:
        ProblemError: 422 for an unusable name, 415 for an unsupported extension.
    """
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if not name:
        raise ProblemError(
            422,
            "the upload has no file name: send the multipart field 'file' with a file name",
            code="invalid_filename",
        )
    shown = name[:80]
    if (
        "/" in name
        or "\\" in name
        or name.startswith(".")
        or len(name) > _MAX_NAME_CHARS
        or any(unicodedata.category(ch).startswith("C") for ch in name)
    ):
        raise ProblemError(
            422,
            f"file name {shown!r} is not allowed: use a plain name such as 'ke-hoach-46.pdf' "
            f"(no folders, not starting with '.', at most {_MAX_NAME_CHARS} characters)",
            code="invalid_filename",
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        accepted = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise ProblemError(
            415,
            f"{shown}: unsupported file type {suffix or '(none)'!r}; accepted: {accepted}",
            code="unsupported_format",
        )
    return name


def _not_found(doc_id: str) -> ProblemError:
    return ProblemError(404, f"no document with id {doc_id!r}; GET /documents lists them", code="not_found")


def _known(engine: Retriever, doc_id: str) -> Document:
    """The document's metadata, or a 404 problem."""
    document = engine.document(doc_id)
    if document is None:
        raise _not_found(doc_id)
    return document


def build_router(settings: Settings) -> APIRouter:
    """Routes under ``/documents``."""
    router = APIRouter(tags=["documents"])
    max_bytes = int(settings.max_upload_mb * 1024 * 1024)

    @router.get(
        "/documents", response_model=DocumentList, summary="List documents", responses=problem_responses(503)
    )
    def list_documents(engine: EngineDep) -> DocumentList:
        return DocumentList(documents=engine.documents())

    @router.get(
        "/documents/{doc_id}",
        response_model=DocumentText,
        summary="One document with its normalized text (all offsets point into it)",
        responses=problem_responses(404, 422, 503),
    )
    def get_document(doc_id: DocId, engine: EngineDep) -> DocumentText:
        document = _known(engine, doc_id)
        text = engine.document_text(doc_id)
        if text is None:
            raise _not_found(doc_id)
        return DocumentText(**document.model_dump(), text=text)

    @router.get(
        "/documents/{doc_id}/chunks",
        response_model=ChunkList,
        summary="A document's chunks with their heading paths and offsets",
        responses=problem_responses(404, 422, 503),
    )
    def get_document_chunks(doc_id: DocId, engine: EngineDep) -> ChunkList:
        _known(engine, doc_id)
        return ChunkList(chunks=engine.chunks_of(doc_id))

    @router.post(
        "/documents",
        status_code=201,
        response_model=Document,
        summary="Upload a document (admin); searchable when the response returns",
        responses=problem_responses(400, 401, 403, 413, 415, 422, 503),
    )
    def upload_document(
        file: Annotated[UploadFile, File(description="The document (.txt .md .pdf .docx .html)")],
        admin: AdminDep,
        manager: ManagerDep,
        state: StateDep,
        response: Response,
    ) -> Document:
        name = upload_name(file.filename)
        data = file.file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ProblemError(
                413, f"{name} is larger than the {settings.max_upload_mb:g} MB upload limit", code="too_large"
            )
        if not data:
            raise ProblemError(422, f"{name} is empty", code="empty")
        started = time.perf_counter()
        outcome = "failed"
        try:
            document = manager.add_document(name, data)
            outcome = "ok"
        finally:
            state.metrics.index_updates.labels("add", outcome).observe(time.perf_counter() - started)
        log.info("document added", extra={"doc_id": document.doc_id, "bytes": len(data), "admin_key": admin})
        response.headers["Location"] = f"/documents/{document.doc_id}"
        return document

    @router.delete(
        "/documents/{doc_id}",
        status_code=204,
        response_class=Response,
        summary="Delete a document (admin); gone from search when the response returns",
        responses=problem_responses(401, 403, 404, 422, 503),
    )
    def delete_document(doc_id: DocId, admin: AdminDep, manager: ManagerDep, state: StateDep) -> Response:
        started = time.perf_counter()
        outcome = "failed"
        try:
            manager.delete_document(doc_id)
            outcome = "ok"
        except KeyError:
            outcome = "not_found"
            raise ProblemError(
                404, f"no document with id {doc_id!r}; GET /documents lists them", code="not_found"
            ) from None
        finally:
            state.metrics.index_updates.labels("delete", outcome).observe(time.perf_counter() - started)
        log.info("document deleted", extra={"doc_id": doc_id, "admin_key": admin})
        return Response(status_code=204)

    return router

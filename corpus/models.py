"""Domain models shared by ingestion, indexing and the service.

The JSON shapes of :class:`Document` and :class:`Chunk` are part of the outside contract (CONTRACT.md);
fields beyond the contract are extensions and may be added, never removed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SECTION_SEPARATOR = " › "

Role = Literal["chu_tri", "phoi_hop"]


class Document(BaseModel):
    """Metadata of one source document. ``None`` where the document does not say it, never a guess."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(description="Stable id, derived from the file name", examples=["lang-son-46-kh-ubnd"])
    title: str = Field(description="Document title as written (sentence case kept as in the source)")
    number: str | None = Field(default=None, description="Số hiệu", examples=["46/KH-UBND"])
    date: str | None = Field(default=None, description="Issue date, ISO 8601", examples=["2022-03-01"])
    issuer: str | None = Field(
        default=None, description="Issuing body", examples=["Ủy ban nhân dân tỉnh Lạng Sơn"]
    )
    province: str | None = Field(default=None, examples=["Lạng Sơn"])
    doc_type: str | None = Field(
        default=None, description="Kế hoạch, Quyết định, Luật, ...", examples=["Kế hoạch"]
    )
    source: str = Field(description="File name the document was read from")
    # Extensions beyond the contract.
    district: str | None = Field(default=None, examples=["Văn Quan"])
    signer: str | None = Field(default=None, examples=["Hồ Tiến Thiệu"])
    recipients: list[str] = Field(default_factory=list, description="'Nơi nhận', kept as metadata only")
    pages: int | None = Field(default=None, description="Page count for paged formats (PDF)")
    content_hash: str = Field(default="", description="SHA-256 of the source bytes")


class Responsibility(BaseModel):
    """Who does what, extracted at index time: the lead ("chủ trì") or a cooperating ("phối hợp") agency."""

    agency: str = Field(description="Agency name as written in the document")
    agency_key: str = Field(description="Canonical key, comparable across documents (province-qualified)")
    role: Role
    task: str = Field(description="The task text the agency is responsible for")
    deadline: str | None = None
    start: int = Field(description="Offset of the supporting sentence in the document text")
    end: int


class Chunk(BaseModel):
    """A retrievable unit: one section (or part of one) with its heading path and exact offsets.

    Invariant: ``document_text[start:end] == text``.
    """

    chunk_id: str
    doc_id: str
    title: str
    section: str = Field(description="Heading path joined with ' › '")
    text: str
    start: int
    end: int
    # Extensions beyond the contract.
    heading_path: list[str] = Field(default_factory=list)
    page_start: int | None = None
    page_end: int | None = None
    ordinal: int = 0
    responsibilities: list[Responsibility] = Field(default_factory=list)


class ParsedDocument(BaseModel):
    """What ingestion makes of one file: metadata, the normalized text all offsets point into, chunks."""

    document: Document
    text: str
    chunks: list[Chunk]
    page_starts: list[int] = Field(
        default_factory=list, description="Offset in text where each page begins (paged formats only)"
    )

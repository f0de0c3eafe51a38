"""Chunk store: documents (metadata + normalized text) and chunks in one SQLite file.

A chunk's ``row`` is its id in the dense and lexical indexes. The store is written once per index
version and opened read-only for serving.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt

from corpus.models import Chunk, Document
from index.errors import CorruptIndexError

_SCHEMA = """
CREATE TABLE documents (
    ordinal INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    meta TEXT NOT NULL,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    page_starts TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    doc_ordinal INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX chunks_by_doc ON chunks (doc_ordinal, row);
"""


class StoreWriter:
    """Writes a fresh store file; rows are assigned densely from 0 in insertion order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = sqlite3.connect(path)
        self._conn.execute("PRAGMA journal_mode=OFF")
        self._conn.execute("PRAGMA synchronous=OFF")
        self._conn.executescript(_SCHEMA)
        self._next_row = 0
        self._next_doc = 0

    def add_document(
        self, document: Document, text: str, chunks: Iterable[Chunk], page_starts: list[int] | None = None
    ) -> list[int]:
        """Store one document and its chunks; return the rows given to the chunks."""
        ordinal = self._next_doc
        self._next_doc += 1
        self._conn.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
            (
                ordinal,
                document.doc_id,
                document.model_dump_json(),
                text,
                document.content_hash,
                json.dumps(page_starts or []),
            ),
        )
        rows: list[int] = []
        batch = []
        for chunk in chunks:
            row = self._next_row
            self._next_row += 1
            rows.append(row)
            batch.append((row, chunk.chunk_id, ordinal, chunk.model_dump_json()))
        self._conn.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?)", batch)
        return rows

    def close(self) -> None:
        """Commit and close; the file is complete afterwards."""
        self._conn.commit()
        self._conn.close()


class Store:
    """Read-only access to a store file, safe to share between threads."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise CorruptIndexError(path, "chunk store is missing")
        self.path = path
        try:
            self._conn = sqlite3.connect(
                f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            docs = self._conn.execute("SELECT ordinal, meta FROM documents ORDER BY ordinal").fetchall()
            row_docs = self._conn.execute("SELECT doc_ordinal FROM chunks ORDER BY row").fetchall()
        except sqlite3.DatabaseError as exc:
            raise CorruptIndexError(path, f"chunk store is unreadable ({exc})") from exc
        self._lock = threading.Lock()
        self._documents: list[Document] = [Document.model_validate_json(meta) for _, meta in docs]
        self._doc_ordinal = {doc.doc_id: i for i, doc in enumerate(self._documents)}
        #: Document ordinal of every chunk row, for vectorized metadata filters.
        self.doc_of_row: npt.NDArray[np.int32] = np.fromiter((r[0] for r in row_docs), dtype=np.int32)

    def __len__(self) -> int:
        return int(self.doc_of_row.shape[0])

    @property
    def documents(self) -> list[Document]:
        """All documents in ordinal order."""
        return list(self._documents)

    def document(self, doc_id: str) -> Document | None:
        """One document's metadata."""
        ordinal = self._doc_ordinal.get(doc_id)
        return None if ordinal is None else self._documents[ordinal]

    def doc_ordinal(self, doc_id: str) -> int | None:
        """The ordinal of a document (its position in :attr:`documents`)."""
        return self._doc_ordinal.get(doc_id)

    def document_text(self, doc_id: str) -> str | None:
        """The normalized text of a document."""
        with self._lock:
            found = self._conn.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return None if found is None else str(found[0])

    def page_starts(self, doc_id: str) -> list[int]:
        """Page start offsets of a paged document (empty otherwise)."""
        with self._lock:
            found = self._conn.execute(
                "SELECT page_starts FROM documents WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        return [] if found is None else list(json.loads(found[0]))

    def chunks_by_rows(self, rows: Iterable[int]) -> dict[int, Chunk]:
        """Chunks for the given rows."""
        wanted = [int(r) for r in rows]
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        with self._lock:
            found = self._conn.execute(
                f"SELECT row, data FROM chunks WHERE row IN ({marks})", wanted
            ).fetchall()
        return {int(row): Chunk.model_validate_json(data) for row, data in found}

    def chunk(self, chunk_id: str) -> Chunk | None:
        """One chunk by id."""
        with self._lock:
            found = self._conn.execute("SELECT data FROM chunks WHERE chunk_id = ?", (chunk_id,)).fetchone()
        return None if found is None else Chunk.model_validate_json(found[0])

    def _rows_of_ordinal(self, ordinal: int) -> npt.NDArray[np.int64]:
        # StoreWriter gives each document a contiguous run of rows in ordinal order, so doc_of_row is
        # sorted and a binary search finds the run without scanning every row.
        first, last = np.searchsorted(self.doc_of_row, [ordinal, ordinal + 1])
        return np.arange(first, last, dtype=np.int64)

    def rows_of(self, doc_id: str) -> npt.NDArray[np.int64]:
        """Rows of a document's chunks, in reading order."""
        ordinal = self._doc_ordinal.get(doc_id)
        if ordinal is None:
            return np.empty(0, dtype=np.int64)
        return self._rows_of_ordinal(ordinal)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order."""
        ordinal = self._doc_ordinal.get(doc_id)
        if ordinal is None:
            return []
        with self._lock:
            found = self._conn.execute(
                "SELECT data FROM chunks WHERE doc_ordinal = ? ORDER BY row", (ordinal,)
            ).fetchall()
        return [Chunk.model_validate_json(data) for (data,) in found]

    def iter_document_rows(self) -> Iterator[tuple[Document, str, list[int], list[int]]]:
        """(document, text, page_starts, rows) for every document, for incremental rebuilds."""
        with self._lock:
            docs = self._conn.execute(
                "SELECT ordinal, text, page_starts FROM documents ORDER BY ordinal"
            ).fetchall()
        for ordinal, text, pages in docs:
            rows = self._rows_of_ordinal(ordinal).tolist()
            yield self._documents[ordinal], str(text), list(json.loads(pages)), rows

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

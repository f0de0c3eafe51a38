"""Chunk store: documents (metadata + normalized text) and chunks in one SQLite file.

A chunk's ``row`` is its id in the dense and lexical indexes. The store is written once per index
version and opened read-only for serving.

A chunk's text, and the task text of each responsibility it holds, are slices of the document text at their
offsets (the :class:`corpus.models.Chunk` invariant); they are not stored again but cut from the document text
when read, which keeps the store about half the size. A text that does not match its offsets is stored as is.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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
_TEXT_CACHE = 64  # document texts kept decoded: a search's passages come from a few documents


def chunk_record(chunk: Chunk, text: str) -> str:
    """A chunk as stored: JSON without the texts that are slices of the document ``text`` at their offsets."""
    data = chunk.model_dump(mode="json")
    if text[chunk.start : chunk.end] == chunk.text:
        del data["text"]
    for item in data["responsibilities"]:
        if text[item["start"] : item["end"]] == item["task"]:
            del item["task"]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def chunk_from_record(record: str, text: str) -> Chunk:
    """The chunk :func:`chunk_record` stored, with its texts cut back from the document ``text``."""
    data: dict[str, Any] = json.loads(record)
    if "text" not in data:
        data["text"] = text[data["start"] : data["end"]]
    for item in data.get("responsibilities", []):
        if "task" not in item:
            item["task"] = text[item["start"] : item["end"]]
    return Chunk.model_validate(data)


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
            batch.append((row, chunk.chunk_id, ordinal, chunk_record(chunk, text)))
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
            # Read from the (doc_ordinal, row) index alone: a scan of the table would read every record.
            runs = self._conn.execute(
                "SELECT doc_ordinal, count(*) FROM chunks GROUP BY doc_ordinal ORDER BY doc_ordinal"
            ).fetchall()
            n_rows, last_row = self._conn.execute("SELECT count(*), max(row) FROM chunks").fetchone()
        except sqlite3.DatabaseError as exc:
            raise CorruptIndexError(path, f"chunk store is unreadable ({exc})") from exc
        self._lock = threading.Lock()
        self._texts: OrderedDict[int, str] = OrderedDict()
        self._documents: list[Document] = [Document.model_validate_json(meta) for _, meta in docs]
        self._doc_ordinal = {doc.doc_id: i for i, doc in enumerate(self._documents)}
        #: Document ordinal of every chunk row, for vectorized metadata filters. StoreWriter gives each
        #: document a contiguous run of rows in ordinal order, so the run lengths describe it.
        self.doc_of_row: npt.NDArray[np.int32] = np.repeat(
            np.asarray([o for o, _ in runs], dtype=np.int32), np.asarray([c for _, c in runs], dtype=np.int64)
        )
        if n_rows and last_row != n_rows - 1:
            raise CorruptIndexError(path, f"chunk rows are not 0..{n_rows - 1}")

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
        ordinal = self._doc_ordinal.get(doc_id)
        return None if ordinal is None else self._texts_of([ordinal])[ordinal]

    def _texts_of(self, ordinals: Iterable[int]) -> dict[int, str]:
        """Texts of the given documents, through a small cache of recently used ones."""
        wanted = set(ordinals)
        with self._lock:
            found = {o: self._texts[o] for o in wanted if o in self._texts}
            missing = sorted(wanted - set(found))
            if missing:
                marks = ",".join("?" * len(missing))
                query = f"SELECT ordinal, text FROM documents WHERE ordinal IN ({marks})"
                found.update((int(o), str(t)) for o, t in self._conn.execute(query, missing))
            for ordinal in wanted:
                if ordinal in found:
                    self._texts[ordinal] = found[ordinal]
                    self._texts.move_to_end(ordinal)
            while len(self._texts) > _TEXT_CACHE:
                self._texts.popitem(last=False)
        return found

    def page_starts(self, doc_id: str) -> list[int]:
        """Page start offsets of a paged document (empty otherwise)."""
        with self._lock:
            found = self._conn.execute(
                "SELECT page_starts FROM documents WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        return [] if found is None else list(json.loads(found[0]))

    def _select_rows(self, columns: str, rows: Iterable[int]) -> list[tuple[Any, ...]]:
        """``SELECT row, <columns>`` from the chunks table for the given rows (any order, unknown rows absent)."""
        wanted = [int(r) for r in rows]
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        with self._lock:
            return self._conn.execute(
                f"SELECT row, {columns} FROM chunks WHERE row IN ({marks})", wanted
            ).fetchall()

    def chunks_by_rows(self, rows: Iterable[int]) -> dict[int, Chunk]:
        """Chunks for the given rows."""
        found = self._select_rows("doc_ordinal, data", rows)
        texts = self._texts_of(ordinal for _, ordinal, _ in found)
        return {int(row): chunk_from_record(data, texts[ordinal]) for row, ordinal, data in found}

    def own_headings(self, rows: Iterable[int]) -> dict[int, str]:
        """The last heading on each row's heading path ('' for a chunk without one), read without the
        documents' texts (which :meth:`chunks_by_rows` loads: costly for many rows of large documents)."""
        found = self._select_rows("json_extract(data, '$.heading_path[#-1]')", rows)
        return {int(row): heading or "" for row, heading in found}

    def chunk(self, chunk_id: str) -> Chunk | None:
        """One chunk by id."""
        with self._lock:
            found = self._conn.execute(
                "SELECT doc_ordinal, data FROM chunks WHERE chunk_id = ?", (chunk_id,)
            ).fetchone()
        if found is None:
            return None
        return chunk_from_record(found[1], self._texts_of([found[0]])[found[0]])

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
        text = self._texts_of([ordinal])[ordinal]
        return [chunk_from_record(data, text) for (data,) in found]

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

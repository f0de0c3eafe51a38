"""The chunk store (index.store): texts cut from the document at their offsets, reads, and the row map."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from corpus.models import ParsedDocument
from corpus.pipeline import parse_file
from corpus.responsibility import annotate
from index.errors import CorruptIndexError
from index.store import Store, StoreWriter, chunk_from_record, chunk_record

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "documents"


@pytest.fixture(scope="module")
def parsed() -> list[ParsedDocument]:
    return [annotate(parse_file(path)) for path in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture
def store(parsed: list[ParsedDocument], tmp_path: Path) -> Store:
    writer = StoreWriter(tmp_path / "chunks.sqlite")
    for doc in parsed:
        writer.add_document(doc.document, doc.text, doc.chunks, doc.page_starts)
    writer.close()
    return Store(tmp_path / "chunks.sqlite")


def test_records_leave_out_what_the_document_text_holds(parsed: list[ParsedDocument]) -> None:
    doc = next(d for d in parsed if any(c.responsibilities for c in d.chunks))
    chunk = next(c for c in doc.chunks if c.responsibilities)
    record = json.loads(chunk_record(chunk, doc.text))
    assert "text" not in record
    assert all("task" not in item for item in record["responsibilities"])
    assert len(chunk_record(chunk, doc.text)) < len(chunk.model_dump_json()) / 2
    assert chunk_from_record(chunk_record(chunk, doc.text), doc.text) == chunk


def test_a_text_that_does_not_match_its_offsets_is_kept(parsed: list[ParsedDocument]) -> None:
    doc = parsed[0]
    odd = doc.chunks[1].model_copy(update={"text": "something else"})
    record = chunk_record(odd, doc.text)
    assert json.loads(record)["text"] == "something else"
    assert chunk_from_record(record, doc.text) == odd


def test_records_written_with_their_texts_are_still_read(parsed: list[ParsedDocument]) -> None:
    doc = parsed[0]
    chunk = doc.chunks[2]
    assert chunk_from_record(chunk.model_dump_json(), doc.text) == chunk  # the layout before texts were cut


def test_every_chunk_reads_back_whole(store: Store, parsed: list[ParsedDocument]) -> None:
    expected = [chunk for doc in parsed for chunk in doc.chunks]
    assert len(store) == len(expected)
    assert list(store.chunks_by_rows(range(len(expected))).values()) == expected
    for doc in parsed:
        assert store.chunks_of(doc.document.doc_id) == doc.chunks
        assert store.document_text(doc.document.doc_id) == doc.text
    assert store.chunk(expected[-1].chunk_id) == expected[-1]


def test_own_headings_are_the_last_heading_of_each_path(store: Store, parsed: list[ParsedDocument]) -> None:
    chunks = [chunk for doc in parsed for chunk in doc.chunks]
    rows = [0, 7, len(chunks) - 1, len(chunks) + 5]  # the last one does not exist
    headings = store.own_headings(rows)
    assert set(headings) == set(rows[:3])
    for row in rows[:3]:
        path = chunks[row].heading_path
        assert headings[row] == (path[-1] if path else "")
    assert any(headings.values()) and store.own_headings([]) == {}


def test_row_to_document_map(store: Store, parsed: list[ParsedDocument]) -> None:
    sizes = [len(doc.chunks) for doc in parsed]
    assert store.doc_of_row.tolist() == np.repeat(np.arange(len(parsed)), sizes).tolist()
    assert store.rows_of(parsed[1].document.doc_id).tolist() == list(range(sizes[0], sizes[0] + sizes[1]))


def test_rows_with_a_gap_are_refused(store: Store) -> None:
    path = store.path
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM chunks WHERE row = 3")
    with pytest.raises(CorruptIndexError, match="chunk rows"):
        Store(path)

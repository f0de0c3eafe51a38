"""Fitting with postings spilled to scratch files gives exactly the index fitted in memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.lexical import fields
from index.lexical.bm25 import FIELDS, BM25Index

ALQAC = Path(__file__).resolve().parents[3] / "shared" / "external" / "alqac2023" / "corpus"
SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "documents"


def _texts() -> list[str]:
    folder = ALQAC if ALQAC.is_dir() else SEEDS
    texts: list[str] = []
    for path in sorted(folder.glob("*.txt"))[:4]:
        text = path.read_text(encoding="utf-8")
        texts += [text[i : i + 800] for i in range(0, len(text), 800)]
    return texts


def test_spilled_postings_give_the_same_index(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    ids = np.arange(len(texts), dtype=np.int64)
    in_memory = BM25Index()
    in_memory.fit(texts, ids)
    monkeypatch.setattr(fields, "SPILL_EVERY", 500)  # spill many times
    spilled = BM25Index()
    spilled.fit(texts, ids)
    for name in FIELDS:
        a, b = in_memory._fields[name], spilled._fields[name]
        assert a.vocab == b.vocab
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.rows, b.rows)
        assert np.array_equal(a.weights, b.weights)
    query = "quyền và nghĩa vụ của công dân"
    assert [r.tolist() for r in in_memory.search(query, 10)] == [
        r.tolist() for r in spilled.search(query, 10)
    ]

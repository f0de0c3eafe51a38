"""Checks shared by the service tests: the contract shapes and the offset invariants."""

from __future__ import annotations

from typing import Any

import httpx

DOCUMENT_KEYS = {"doc_id", "title", "number", "date", "issuer", "province", "doc_type", "source"}
PASSAGE_KEYS = {"chunk_id", "doc_id", "title", "section", "text", "start", "end", "score"}
CITATION_KEYS = {"marker", "chunk_id", "doc_id", "title", "section", "quote", "start", "end"}
ANSWER_KEYS = {"answer", "abstained", "citations", "passages"}


class DocumentTexts:
    """``GET /documents/{id}`` texts, fetched once per document."""

    def __init__(self, api: httpx.Client) -> None:
        self._api = api
        self._texts: dict[str, str] = {}

    def text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            response = self._api.get(f"/documents/{doc_id}")
            assert response.status_code == 200, response.text
            self._texts[doc_id] = str(response.json()["text"])
        return self._texts[doc_id]


def check_passage(passage: dict[str, Any], texts: DocumentTexts) -> None:
    assert passage.keys() >= PASSAGE_KEYS
    assert isinstance(passage["score"], float | int)
    assert texts.text(passage["doc_id"])[passage["start"] : passage["end"]] == passage["text"]


def check_answer(answer: dict[str, Any], texts: DocumentTexts) -> None:
    """Shape of an Answer, and every citation a verbatim span inside its chunk."""
    assert answer.keys() >= ANSWER_KEYS
    assert isinstance(answer["answer"], str)
    chunks = {p["chunk_id"]: p for p in answer["passages"]}
    for passage in answer["passages"]:
        check_passage(passage, texts)
    if answer["abstained"]:
        assert answer["citations"] == []
    for citation in answer["citations"]:
        assert citation.keys() >= CITATION_KEYS
        assert citation["quote"]
        text = texts.text(citation["doc_id"])
        assert text[citation["start"] : citation["end"]] == citation["quote"]
        assert f"[{citation['marker']}]" in answer["answer"]
        chunk = chunks.get(citation["chunk_id"])
        if chunk is not None:
            assert chunk["doc_id"] == citation["doc_id"]
            assert chunk["start"] <= citation["start"] <= citation["end"] <= chunk["end"]

"""The index as a LangChain retriever, and the answerer factory."""

from __future__ import annotations

from langchain_core.documents import Document

from index.engine import SearchEngine
from index.models import SearchFilters
from service.answer.extractive import ExtractiveAnswerer
from service.answer.factory import create_answerer
from service.answer.generative import GenerativeAnswerer
from service.answer.langchain_retriever import TracuuRetriever
from tests.service.answer.answer_helpers import LANG_SON, settings_for


def test_retriever_returns_documents_with_chunk_fields(engine: SearchEngine) -> None:
    docs = TracuuRetriever(retriever=engine, top_k=3).invoke("nhà ở xã hội")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    first = docs[0]
    chunk = engine.chunk(first.metadata["chunk_id"])
    assert chunk is not None and chunk.text == first.page_content
    assert {"chunk_id", "doc_id", "title", "section", "start", "end", "score"} <= set(first.metadata)
    assert "text" not in first.metadata


def test_retriever_filters(engine: SearchEngine) -> None:
    docs = TracuuRetriever(retriever=engine, top_k=5, filters=SearchFilters(doc_id=LANG_SON)).invoke("nhà ở")
    assert docs and {d.metadata["doc_id"] for d in docs} == {LANG_SON}


def test_factory(engine: SearchEngine) -> None:
    assert isinstance(create_answerer(engine, settings_for()), ExtractiveAnswerer)
    generative = create_answerer(engine, settings_for(llm_base_url="http://127.0.0.1:9/v1"))
    assert isinstance(generative, GenerativeAnswerer)

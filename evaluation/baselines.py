"""Two outside baselines a user would assemble instead of tracuu, with honest offsets.

Both split each document's normalized text with LangChain's ``RecursiveCharacterTextSplitter(chunk_size=1000,
chunk_overlap=200)`` (library defaults otherwise) and rank the chunks with BM25:

* ``langchain-bm25``: ``langchain_community.retrievers.BM25Retriever`` (rank_bm25, whitespace tokens);
* ``bm25s``: ``bm25s.BM25()`` with ``bm25s.tokenize`` defaults (lower case, English stopwords).

Every chunk is mapped back to its span in the document text (``text[start:end] == chunk``, checked), so the
relevance rules of :mod:`evaluation.relevance` apply to them exactly as to tracuu's passages.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from evaluation.relevance import RetrievedUnit

__all__ = [
    "BASELINES",
    "Bm25sBaseline",
    "LangChainBM25Baseline",
    "RetrievalSystem",
    "SourceDocument",
    "create_baseline",
    "documents_from_corpus",
    "documents_from_retriever",
    "split_documents",
]

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


class RetrievalSystem(Protocol):
    """Anything the harness can compare: a name and ranked units for a query."""

    name: str

    def search(self, query: str, k: int) -> list[RetrievedUnit]:
        """Top-``k`` units, best first."""
        ...


@dataclass(frozen=True)
class SourceDocument:
    """A document as the baselines see it: the same normalized text tracuu's offsets point into."""

    doc_id: str
    source: str
    text: str


class ChunkMappingError(RuntimeError):
    """A splitter chunk that is not a verbatim span of its document (would make relevance dishonest)."""


def documents_from_retriever(retriever: Any) -> list[SourceDocument]:
    """The documents of an opened index (anything with ``documents()`` and ``document_text()``)."""
    docs: list[SourceDocument] = []
    for document in retriever.documents():
        text = retriever.document_text(document.doc_id)
        if text is not None:
            docs.append(SourceDocument(document.doc_id, document.source, text))
    return docs


def documents_from_corpus(corpus_dir: Path) -> list[SourceDocument]:
    """Parse a corpus folder with tracuu's ingestion, for runs without an index."""
    from corpus.pipeline import doc_id_for, parse_file
    from index.builder import corpus_files

    docs: list[SourceDocument] = []
    for path in corpus_files(corpus_dir):
        parsed = parse_file(path, doc_id=doc_id_for(path))
        docs.append(SourceDocument(parsed.document.doc_id, str(path.relative_to(corpus_dir)), parsed.text))
    return docs


def _splitter() -> Any:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )


def split_documents(docs: Iterable[SourceDocument]) -> list[RetrievedUnit]:
    """Split every document and map each chunk to its verified span in the document text."""
    splitter = _splitter()
    units: list[RetrievedUnit] = []
    for doc in docs:
        cursor = 0
        for index, piece in enumerate(splitter.create_documents([doc.text])):
            chunk: str = piece.page_content
            start = int(piece.metadata.get("start_index", -1))
            if start < 0 or doc.text[start : start + len(chunk)] != chunk:
                # LangChain's own bookkeeping missed; find the chunk ourselves after the previous one.
                start = doc.text.find(chunk, max(0, cursor - CHUNK_SIZE))
                if start < 0:
                    raise ChunkMappingError(f"{doc.source}: chunk {index} is not a span of the document text")
            cursor = start
            units.append(
                RetrievedUnit(
                    doc_id=doc.doc_id,
                    source=doc.source,
                    text=chunk,
                    start=start,
                    end=start + len(chunk),
                    chunk_id=f"{doc.doc_id}#lc{index}",
                )
            )
    return units


class LangChainBM25Baseline:
    """LangChain recursive splitter + ``BM25Retriever`` (rank_bm25 BM25Okapi, whitespace tokens)."""

    name = "langchain-bm25"

    def __init__(
        self, docs: Sequence[SourceDocument], *, units: Sequence[RetrievedUnit] | None = None
    ) -> None:
        from langchain_core.documents import Document as LCDocument

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from langchain_community.retrievers import BM25Retriever

        self.units = list(units) if units is not None else split_documents(docs)
        lc_docs = [LCDocument(page_content=u.text, metadata={"row": row}) for row, u in enumerate(self.units)]
        self.retriever = BM25Retriever.from_documents(lc_docs) if lc_docs else None

    def __len__(self) -> int:
        return len(self.units)

    def search(self, query: str, k: int) -> list[RetrievedUnit]:
        """Top-``k`` chunks as the retriever returns them."""
        if self.retriever is None or k <= 0:
            return []
        self.retriever.k = k
        return [self.units[int(d.metadata["row"])] for d in self.retriever.invoke(query)]


class Bm25sBaseline:
    """LangChain recursive splitter + ``bm25s`` with its default tokenizer and parameters."""

    name = "bm25s"

    def __init__(
        self, docs: Sequence[SourceDocument], *, units: Sequence[RetrievedUnit] | None = None
    ) -> None:
        import bm25s

        # bm25s sets its own logger to DEBUG, which floods any root handler (e.g. the tracuu CLI's).
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self._bm25s = bm25s
        self.units = list(units) if units is not None else split_documents(docs)
        self.model = bm25s.BM25()
        if self.units:
            tokens = bm25s.tokenize([u.text for u in self.units], show_progress=False)
            self.model.index(tokens, show_progress=False)

    def __len__(self) -> int:
        return len(self.units)

    def save(self, directory: Path) -> None:
        """Persist with bm25s' own format (numpy arrays + JSON, no pickle) to measure its size on disk."""
        self.model.save(str(directory), allow_pickle=False, show_progress=False)

    def search(self, query: str, k: int) -> list[RetrievedUnit]:
        """Top-``k`` chunks as bm25s returns them."""
        k = min(k, len(self.units))
        if k <= 0:
            return []
        tokens = self._bm25s.tokenize([query], show_progress=False, return_ids=False)
        try:
            results, _scores = self.model.retrieve(tokens, k=k, show_progress=False)
        except ValueError:  # bm25s refuses queries with no known token
            return []
        return [self.units[int(row)] for row in results[0]]


BASELINES = ("langchain-bm25", "bm25s")


def create_baseline(
    name: str, docs: Sequence[SourceDocument], *, units: Sequence[RetrievedUnit] | None = None
) -> LangChainBM25Baseline | Bm25sBaseline:
    """Build one baseline by name (sharing already split ``units`` when given)."""
    if name == "langchain-bm25":
        return LangChainBM25Baseline(docs, units=units)
    if name == "bm25s":
        return Bm25sBaseline(docs, units=units)
    raise ValueError(f"unknown baseline {name!r}; choose from {', '.join(BASELINES)}")

"""Everything one answer is built from: the question, the retrieved passages, scored sentences, citations."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from corpus.models import Chunk, Document, Responsibility
from index.api import Retriever
from index.glossary import english_name
from index.models import Passage
from service.answer.citations import CitationBuilder, passage_sentences
from service.answer.evidence import QueryTerms, coverage, merge, terms_of
from service.answer.guard import looks_like_injection
from service.answer.question import Question

__all__ = ["Context", "Draft", "Evidence"]


@dataclass
class Evidence:
    """One sentence of a retrieved passage and how well it covers the question's topic."""

    passage: Passage
    rank: int
    start: int
    end: int
    score: float
    responsibilities: list[Responsibility] = field(default_factory=list)


@dataclass
class Draft:
    """A strategy's answer text (markers refer to the context's citation builder) and its evidence score."""

    text: str
    confidence: float
    kind_ok: bool = True  # the kind-specific requirement holds (a number with the unit, an agency, ...)


class Context:
    """Per-question state shared by the answer strategies."""

    def __init__(
        self,
        retriever: Retriever,
        question: Question,
        terms: QueryTerms,
        pool: list[Passage],
        responsibilities_of: Callable[[str], list[tuple[Chunk, Responsibility]]],
    ) -> None:
        self.retriever = retriever
        self.question = question
        self.terms = terms
        self.pool = pool
        self._resps_of = responsibilities_of
        self._texts: dict[str, str | None] = {}
        self._docs: dict[str, Document | None] = {}
        self.builder = CitationBuilder(self.text)

    # ------------------------------------------------------------------ lookups
    def text(self, doc_id: str) -> str | None:
        """A document's normalized text (cached for this answer)."""
        if doc_id not in self._texts:
            self._texts[doc_id] = self.retriever.document_text(doc_id)
        return self._texts[doc_id]

    def document(self, doc_id: str) -> Document | None:
        """A document's metadata (cached for this answer)."""
        if doc_id not in self._docs:
            self._docs[doc_id] = self.retriever.document(doc_id)
        return self._docs[doc_id]

    def responsibilities(self, passage: Passage) -> list[Responsibility]:
        """Responsibilities stated inside a passage (stored at index time, else extracted now)."""
        if passage.responsibilities:
            return list(passage.responsibilities)
        return [
            r
            for chunk, r in self._resps_of(passage.doc_id)
            if passage.start <= r.start and r.end <= passage.end
        ]

    @cached_property
    def _pooled(self) -> dict[str, Passage]:
        return {p.chunk_id: p for p in self.pool}

    def passage_of(self, chunk: Chunk) -> Passage:
        """A chunk as a passage: the retrieved one (with its score) when it was retrieved."""
        return self._pooled.get(chunk.chunk_id) or Passage(**chunk.model_dump(), score=0.0)

    def doc_responsibilities(self, doc_id: str) -> list[tuple[Passage, Responsibility]]:
        """Every responsibility of a document, with the chunk (as a passage) that holds it."""
        return [(self.passage_of(chunk), r) for chunk, r in self._resps_of(doc_id)]

    def passage_at(self, doc_id: str, start: int, end: int) -> Passage | None:
        """A passage (retrieved if possible, else the document's chunk) containing ``[start, end)``."""
        for p in self.pool:
            if p.doc_id == doc_id and p.start <= start and end <= p.end:
                return p
        for chunk in self.retriever.chunks_of(doc_id):
            if chunk.start <= start and end <= chunk.end:
                return self.passage_of(chunk)
        return None

    # ------------------------------------------------------------------ evidence
    @cached_property
    def evidence(self) -> list[Evidence]:
        """Sentences of the retrieved passages, best covering first."""
        out: list[Evidence] = []
        seen: set[tuple[str, int, int]] = set()
        for rank, passage in enumerate(self.pool):
            text = self.text(passage.doc_id)
            if text is None:
                continue
            context = merge([terms_of(passage.section), terms_of(passage.title)])
            resps = self.responsibilities(passage)
            for s, e in passage_sentences(text, passage):
                if (passage.doc_id, s, e) in seen or looks_like_injection(text[s:e]):
                    continue
                seen.add((passage.doc_id, s, e))
                score = coverage(self.terms, terms_of(text[s:e]), context, text=text[s:e])
                mine = [r for r in resps if r.start < e and s < r.end]
                out.append(Evidence(passage, rank, s, e, score, mine))
        out.sort(key=lambda ev: (-ev.score, ev.rank, ev.start))
        return out

    def sentence_text(self, ev: Evidence) -> str:
        """The sentence as written (empty when the document vanished)."""
        text = self.text(ev.passage.doc_id)
        return "" if text is None else text[ev.start : ev.end]

    # ------------------------------------------------------------------ display
    def place(self, doc_id: str) -> str:
        """Where a document applies: "Lạng Sơn", "Văn Quan (Lạng Sơn)"."""
        doc = self.document(doc_id)
        if doc is None:
            return ""
        if doc.district and doc.province:
            return f"{doc.district} ({doc.province})"
        return doc.district or doc.province or ""

    def doc_name(self, doc_id: str) -> str:
        """Short name of a document: "Kế hoạch 1221/KH-UBND" or its type and a shortened title."""
        doc = self.document(doc_id)
        if doc is None:
            return doc_id
        kind = doc.doc_type or "Văn bản"
        if doc.number:
            return f"{kind} {doc.number}"
        title = re.sub(r"\s+", " ", doc.title).strip()
        if title.isupper():  # a title in capitals: sentence case, codes ("24/CT-TTG") kept
            words = [w if re.search(r"[\d/]", w) else w.lower() for w in title.split(" ")]
            title = " ".join(words)
            title = title[:1].upper() + title[1:]
        if title.lower().startswith(kind.lower()):
            title = title[len(kind) :].strip()
        short = title if len(title) <= 90 else title[:90].rsplit(" ", 1)[0] + "…"
        return f"{kind} {short}".strip()

    def doc_label(self, doc_id: str) -> str:
        """Place and document name: "Ninh Thuận – Kế hoạch 1221/KH-UBND"."""
        place = self.place(doc_id)
        name = self.doc_name(doc_id)
        return f"{place} – {name}" if place else name

    def agency_display(self, name: str) -> str:
        """An agency's name, with its English name in brackets for English questions."""
        if self.question.english:
            english = english_name(name)
            if english:
                return f"{name} ({english})"
        return name

"""The offline answerer: retrieval, question-kind strategies, verified verbatim citations, abstention."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from corpus.models import Chunk, ParsedDocument, Responsibility
from corpus.normalize import fold
from corpus.responsibility import annotate
from index.analysis import STOPWORDS, has_diacritics, is_vietnamese_syllable
from index.api import Retriever
from index.glossary import default_glossary
from index.models import Passage, SearchFilters
from service.answer.abstain import DEFAULT_THRESHOLDS, Thresholds, not_found_text
from service.answer.agency_answers import answer_list, answer_responsible, answer_tasks
from service.answer.base import Answerer
from service.answer.citations import renumber, verify_citations
from service.answer.context import Context, Draft
from service.answer.document_answers import answer_documents
from service.answer.evidence import TermStats, query_terms
from service.answer.fact_answers import answer_deadline, answer_metadata, answer_number, answer_other
from service.answer.followup import resolve_followup
from service.answer.models import Answer, Turn
from service.answer.question import Kind, Question, analyze_question
from service.answer.section_answers import answer_section
from service.settings import Settings, get_settings

__all__ = ["ExtractiveAnswerer", "Prepared", "merge_passages"]

POOL_SIZE = 30  # passages read per question (the answer returns ``top_k`` of them)
_RESPONSIBILITY_CACHE = 256

Strategy = Callable[[Context], Draft | None]
_FOLDED_STOPWORDS = frozenset(fold(word) for word in STOPWORDS)
_DOC_KINDS = {  # the kinds of document a question cites ("ke hoach 1221"), as a refusal names them
    "ke hoach": "kế hoạch",
    "chi thi": "chỉ thị",
    "quyet dinh": "quyết định",
    "nghi quyet": "nghị quyết",
    "cong van": "công văn",
    "thong tu": "thông tư",
    "nghi dinh": "nghị định",
}
#: What a metadata question asks for, as a refusal names it.
_FIELD_NAMES = {
    "signer": "người ký",
    "date": "ngày ban hành",
    "number": "số hiệu",
    "issuer": "cơ quan ban hành",
    "period": "giai đoạn thực hiện",
    "subject": "trích yếu",
}
_STRATEGIES: dict[Kind, tuple[Strategy, ...]] = {
    Kind.RESPONSIBLE: (answer_responsible,),
    Kind.TASKS: (answer_tasks,),
    Kind.LIST: (answer_list, answer_responsible),
    Kind.NUMBER: (answer_number,),
    Kind.DEADLINE: (answer_deadline,),
    Kind.METADATA: (answer_metadata,),
    Kind.DOCUMENTS: (answer_documents, answer_other),
    Kind.SECTION: (answer_section, answer_other),
    Kind.OTHER: (answer_other,),
}


@dataclass
class Prepared:
    """A question read and its passages retrieved: the input of :meth:`ExtractiveAnswerer.compose`."""

    question: Question
    context: Context
    top_k: int
    place_missing: bool


class ExtractiveAnswerer(Answerer):
    """Answers from the documents' own sentences; every marker is a verified verbatim citation.

    Cheap to construct (the service makes one per index version); term statistics are computed on the
    first question.
    """

    name = "extractive"

    def __init__(
        self, retriever: Retriever, *, settings: Settings | None = None, thresholds: Thresholds | None = None
    ) -> None:
        self.retriever = retriever
        self.settings = settings or get_settings()
        self.thresholds = thresholds or DEFAULT_THRESHOLDS
        self._stats = TermStats(retriever)
        self._lock = threading.Lock()
        self._responsibilities: OrderedDict[str, list[tuple[Chunk, Responsibility]]] = OrderedDict()

    # ------------------------------------------------------------------ public API
    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> Answer:
        """Answer ``question`` (follow-ups resolved against ``history``), or abstain."""
        prepared = self.prepare(question, history=history, top_k=top_k, filters=filters)
        return self.compose(prepared)

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """``passages`` after retrieval, the answer text in ``delta`` pieces, then the full ``answer``."""
        prepared = self.prepare(question, history=history, top_k=top_k, filters=filters)
        yield (
            "passages",
            {"passages": [p.model_dump(mode="json") for p in prepared.context.pool[: prepared.top_k]]},
        )
        result = self.compose(prepared)
        for piece in re.findall(r"\S+\s*|\s+", result.answer):
            yield "delta", {"text": piece}
        yield "answer", result.model_dump(mode="json")

    # ------------------------------------------------------------------ stages
    def prepare(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> Prepared:
        """Resolve follow-ups, read the question, retrieve and narrow the passages."""
        k = min(top_k or self.settings.top_k, self.settings.max_top_k)
        resolved = resolve_followup(question, history)
        q = analyze_question(resolved)
        pool = self.retriever.search(q.search_text, top_k=max(POOL_SIZE, 3 * k), filters=filters)
        pool, place_missing = self._narrow_to_places(q, pool, filters, max(POOL_SIZE, 3 * k))
        pool = self._narrow_to_documents(q, pool, max(POOL_SIZE, 3 * k))
        terms = query_terms(_topic_words(q), self._stats, accented=q.accented or q.english)
        context = Context(self.retriever, q, terms, pool, self._responsibilities_of)
        return Prepared(q, context, k, place_missing)

    def compose(self, prepared: Prepared) -> Answer:
        """Run the strategies of the question's kind; verify citations; abstain when evidence is short."""
        q, ctx = prepared.question, prepared.context
        draft: Draft | None = None
        threshold = self.thresholds.for_kind(q.kind.value)
        if not prepared.place_missing:
            for strategy in _STRATEGIES[q.kind]:
                tried = strategy(ctx)
                if tried is None:
                    continue
                if tried.kind_ok and tried.confidence >= threshold:
                    draft = tried
                    break
                # A weak draft (a "Yêu cầu" section that does not cover the topic) leaves the next strategy
                # its turn; its citations go with it.
                ctx.builder.reset()
                if draft is None or tried.confidence > draft.confidence:
                    draft = tried
        if draft is None or not draft.kind_ok or draft.confidence < threshold:
            return self._abstain(prepared, draft)
        passages = merge_passages(ctx.builder.passages, ctx.pool, prepared.top_k)
        texts = {p.doc_id: ctx.text(p.doc_id) for p in passages}
        valid = verify_citations(ctx.builder.citations, passages, texts)
        text, citations = renumber(draft.text, valid)
        if not citations:
            return self._abstain(prepared, draft)
        return Answer(
            answer=text,
            abstained=False,
            citations=citations,
            passages=passages,
            kind=q.kind.value,
            confidence=round(draft.confidence, 3),
            answerer=self.name,
        )

    def _abstain(self, prepared: Prepared, draft: Draft | None) -> Answer:
        q = prepared.question
        topic = re.sub(r"\s+", " ", re.sub(r"(^|\s)[,.;:|]+", " ", q.topic.replace("|", " "))).strip()
        topic = re.sub(r"^(?:(?:về|của|cho|ở|tại|trong)\s+)+", "", topic, flags=re.IGNORECASE)
        topic = re.sub(r"(?:\s+(?:về|của|cho|ở|tại|trong))+$", "", topic, flags=re.IGNORECASE)
        if all(fold(word) in _FOLDED_STOPWORDS for word in re.findall(r"[^\W_]+", topic)):
            topic = ""  # "Kế hoạch 208 có bao nhiêu nhiệm vụ?" leaves only "có"
        places = ", ".join(q.districts or q.provinces)
        if q.kind is Kind.METADATA and q.meta_field in _FIELD_NAMES:
            # "Kế hoạch Hậu Giang do ai ký?": name the fact asked for, not the words left around it.
            kind = _DOC_KINDS.get(q.doc_refs[0][0], "văn bản") if q.doc_refs else "văn bản"
            number = q.doc_numbers[0] if q.doc_numbers else q.doc_refs[0][1] if q.doc_refs else ""
            document = f"{kind} {number}".strip()
            topic = f"{_FIELD_NAMES[q.meta_field]} của {document}" + (f" ở {places}" if places else "")
        else:
            if q.agency is not None and q.kind in (Kind.TASKS, Kind.LIST):
                # "Phòng Văn hóa và Thông tin Văn Quan làm gì?": the agency is what was looked for.
                asked = "nhiệm vụ của" if q.kind is Kind.TASKS else "cơ quan phối hợp với"
                topic = re.sub(
                    r"^(?:phối hợp|phoi hop)(?:\s+(?:với|voi))?\b\s*", "", topic, flags=re.IGNORECASE
                )
                topic = f"{asked} {q.agency.name}" + (f" về {topic}" if topic else "")
            if places and q.kind is not Kind.METADATA:
                topic = f"{topic} ở {places}" if topic else places
        return Answer(
            answer=not_found_text(topic if not q.english else ""),
            abstained=True,
            citations=[],
            passages=prepared.context.pool[: prepared.top_k],
            kind=q.kind.value,
            confidence=round(draft.confidence, 3) if draft is not None else 0.0,
            answerer=self.name,
        )

    # ------------------------------------------------------------------ retrieval helpers
    def _narrow_to_places(
        self, q: Question, pool: list[Passage], filters: SearchFilters | None, size: int
    ) -> tuple[list[Passage], bool]:
        """Keep passages of the documents of the place the question names (a district before its province)."""
        if not (q.provinces or q.districts) or (filters is not None and filters.province is not None):
            return pool, False
        wanted_districts = {fold(d) for d in q.districts}
        wanted_provinces = {fold(p) for p in q.provinces}

        def matches(doc_id: str, level: str) -> bool:
            doc = self.retriever.document(doc_id)
            if doc is None:
                return False
            if level == "district":
                return bool(doc.district and fold(doc.district) in wanted_districts)
            return bool(doc.province and fold(doc.province) in wanted_provinces)

        for level in ("district", "province"):
            if level == "district" and not wanted_districts:
                continue
            kept = [p for p in pool if matches(p.doc_id, level)]
            if kept:
                return kept, False
        extra: list[Passage] = []
        for province in q.provinces[:2]:
            extra += self.retriever.search(
                q.search_text,
                top_k=size,
                filters=SearchFilters(province=province, doc_id=filters.doc_id if filters else None),
            )
        if extra:
            return sorted(extra, key=lambda p: -p.score), False
        return pool, True

    def _narrow_to_documents(self, q: Question, pool: list[Passage], size: int) -> list[Passage]:
        """Keep passages of a document the question cites by number ("Kế hoạch 208/KH-UBND")."""
        if not (q.doc_numbers or q.doc_refs):
            return pool
        numbers = {re.sub(r"\s", "", n).lower() for n in q.doc_numbers}
        refs = {n for _, n in q.doc_refs}
        wanted: set[str] = set()
        for doc in self.retriever.documents():
            number = re.sub(r"\s", "", doc.number or "").lower()
            title = fold(doc.title)
            if (number and (number in numbers or number.split("/")[0] in refs)) or any(
                re.search(rf"{kind}\s+(?:so\s+)?{n}/", title) for kind, n in q.doc_refs
            ):
                wanted.add(doc.doc_id)
        if not wanted:
            return pool
        kept = [p for p in pool if p.doc_id in wanted]
        if kept:
            return kept
        extra: list[Passage] = []
        for doc_id in sorted(wanted):
            extra += self.retriever.search(q.search_text, top_k=size, filters=SearchFilters(doc_id=doc_id))
        return sorted(extra, key=lambda p: -p.score) or pool

    def _responsibilities_of(self, doc_id: str) -> list[tuple[Chunk, Responsibility]]:
        """A document's responsibilities with their chunks: stored at index time, else extracted once."""
        with self._lock:
            cached = self._responsibilities.get(doc_id)
            if cached is not None:
                self._responsibilities.move_to_end(doc_id)
                return cached
        chunks = self.retriever.chunks_of(doc_id)
        if not any(c.responsibilities for c in chunks):
            doc = self.retriever.document(doc_id)
            text = self.retriever.document_text(doc_id)
            if doc is not None and text is not None and chunks:
                chunks = annotate(ParsedDocument(document=doc, text=text, chunks=chunks)).chunks
        pairs = [(c, r) for c in chunks for r in c.responsibilities]
        with self._lock:
            self._responsibilities[doc_id] = pairs
            while len(self._responsibilities) > _RESPONSIBILITY_CACHE:
                self._responsibilities.popitem(last=False)
        return pairs


def _topic_words(q: Question) -> str:
    """The topic; for English questions the Vietnamese the glossary produced, numbers, and the English
    content words it could not translate: those match no document, so a question the glossary only half
    understood ("online public procurement" → "người dân") is not answered from its leftovers."""
    if not q.english:
        return q.topic
    words = re.findall(r"[^\W_]+(?:[./,%-][^\W_]+)*%?", q.topic)
    kept = [
        w
        for w in words
        if has_diacritics(w)
        or any(c.isdigit() for c in w)
        or is_vietnamese_syllable(w)
        or (len(w) > 2 and w.lower() not in default_glossary().stopwords)
    ]
    return " ".join(kept)


def merge_passages(cited: list[Passage], pool: list[Passage], top_k: int) -> list[Passage]:
    """Cited passages first, then the best retrieved ones, up to ``top_k`` (all cited ones always kept)."""
    out = list(cited)
    seen = {p.chunk_id for p in out}
    for p in pool:
        if len(out) >= max(top_k, len(cited)):
            break
        if p.chunk_id not in seen:
            out.append(p)
            seen.add(p.chunk_id)
    return out

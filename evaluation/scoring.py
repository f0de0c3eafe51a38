"""Scoring of rankings and answers for one QA set: the measuring half of :mod:`evaluation.harness`."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Literal

from corpus.models import Chunk
from evaluation import metrics
from evaluation.baselines import RetrievalSystem
from evaluation.qa import QAItem
from evaluation.relevance import ArticleSpans, RetrievedUnit, judge, n_targets
from evaluation.results import (
    AnswerBlock,
    AnsweredQuestion,
    AnswerReport,
    ConfigReport,
    MetricBlock,
    RankedQuestion,
)

__all__ = ["EngineSystem", "K", "all_chunks", "evaluate_answers", "score_system", "variant_key"]

log = logging.getLogger(__name__)

K = 10
_MARKER = re.compile(r"\[\d+\]")


def variant_key(item: QAItem) -> str:
    """Variant used for breakdowns; unanswerable questions form their own group."""
    return "unanswerable" if item.abstain else item.variant


# Systems -------------------------------------------------------------------------------------------


class EngineSystem:
    """One mode of a tracuu :class:`SearchEngine`, seen as a :class:`RetrievalSystem`."""

    def __init__(self, engine: Any, mode: Literal["lexical", "dense", "hybrid"], name: str) -> None:
        self.engine = engine
        self.mode = mode
        self.name = name
        self._sources = {d.doc_id: d.source for d in engine.documents()}

    def search(self, query: str, k: int) -> list[RetrievedUnit]:
        """Top-``k`` passages of the engine in this mode."""
        passages = self.engine.search(query, top_k=k, filters=None, mode=self.mode)
        return [self._unit(p) for p in passages]

    def _unit(self, chunk: Chunk) -> RetrievedUnit:
        return RetrievedUnit.from_chunk(chunk, self._sources.get(chunk.doc_id, ""))


def all_chunks(retriever: Any) -> list[Chunk]:
    return [c for d in retriever.documents() for c in retriever.chunks_of(d.doc_id)]


# Scoring -------------------------------------------------------------------------------------------


def _block(rows: Sequence[RankedQuestion]) -> MetricBlock:
    scored = [r for r in rows if r.scored]
    if not scored:
        return MetricBlock(n=0)

    def share(limit: int) -> float | None:
        return metrics.mean(
            1.0 if r.first_relevant_rank is not None and r.first_relevant_rank <= limit else 0.0
            for r in scored
        )

    return MetricBlock(
        n=len(scored),
        hit_at_1=share(1),
        hit_at_5=share(5),
        hit_at_10=share(10),
        mrr_at_10=metrics.mean(r.reciprocal_rank for r in scored),
        ndcg_at_10=metrics.mean(r.ndcg_at_10 for r in scored),
    )


def _grouped(
    items: Sequence[QAItem],
    rows: Sequence[Any],
    key: Callable[[QAItem], str],
    make: Callable[[list[Any]], Any],
) -> dict[str, Any]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for item, row in zip(items, rows, strict=True):
        groups[key(item)].append(row)
    return {name: make(groups[name]) for name in sorted(groups)}


def score_system(
    system: RetrievalSystem,
    items: Sequence[QAItem],
    *,
    kind: Literal["tracuu", "baseline"],
    by: Literal["section", "span"],
    spans: ArticleSpans | None = None,
    label: str | None = None,
    k: int = K,
) -> ConfigReport:
    """Search every question with ``system`` and score the rankings."""
    rows: list[RankedQuestion] = []
    returned_chars: list[float] = []
    for item in items:
        units = system.search(item.question, k)
        ranking = [judge(item, u, by=by, spans=spans) for u in units]
        returned_chars.extend(float(len(u.text)) for u in units)
        scored = item.answerable and n_targets(item) > 0
        rows.append(
            RankedQuestion(
                id=item.id,
                type=item.type,
                variant=variant_key(item),
                scored=scored,
                first_relevant_rank=metrics.first_relevant_rank(ranking, k),
                reciprocal_rank=metrics.reciprocal_rank(ranking, k),
                ndcg_at_10=metrics.ndcg_at_k(ranking, n_targets(item), k),
                top=[u.chunk_id for u in units],
                relevant_ranks=[rank for rank, targets in enumerate(ranking, start=1) if targets],
            )
        )
    return ConfigReport(
        name=system.name,
        label=label or system.name,
        kind=kind,
        median_returned_chars=metrics.median(returned_chars),
        overall=_block(rows),
        by_type={k_: v for k_, v in _grouped(items, rows, lambda i: i.type, _block).items() if v.n},
        by_variant={k_: v for k_, v in _grouped(items, rows, variant_key, _block).items() if v.n},
        questions=rows,
    )


def _answer_block(rows: Sequence[AnsweredQuestion]) -> AnswerBlock:
    judged = [r for r in rows if r.correct is not None]
    return AnswerBlock(
        n=len(rows), scored=len(judged), accuracy=metrics.mean(1.0 if r.correct else 0.0 for r in judged)
    )


def evaluate_answers(answerer: Any, retriever: Any, items: Sequence[QAItem]) -> AnswerReport:
    """Ask every question and score answers, abstentions and citations."""
    sources = {d.doc_id: d.source for d in retriever.documents()}
    texts: dict[str, str | None] = {}
    rows: list[AnsweredQuestion] = []
    for item in items:
        try:
            result = answerer.answer(item.question)
        except Exception as exc:  # one failing question is a result to report, not a crash
            log.exception("answering %s failed", item.id)
            rows.append(
                AnsweredQuestion(
                    id=item.id,
                    type=item.type,
                    variant=variant_key(item),
                    should_abstain=item.abstain,
                    abstained=False,
                    correct=False if (item.has_answer_key or item.abstain) else None,
                    supported=False if item.answerable and n_targets(item) else None,
                    error=f"{type(exc).__name__}: {exc}",
                )
            )
            continue
        valid = 0
        supported = False
        for citation in result.citations:
            if citation.doc_id not in texts:
                texts[citation.doc_id] = retriever.document_text(citation.doc_id)
            chunk = retriever.chunk(citation.chunk_id)
            span = (chunk.start, chunk.end) if chunk is not None and chunk.doc_id == citation.doc_id else None
            if span is not None and metrics.citation_valid(
                citation.quote, citation.start, citation.end, texts[citation.doc_id], span
            ):
                valid += 1
            if chunk is not None and judge(
                item, RetrievedUnit.from_chunk(chunk, sources.get(chunk.doc_id, ""))
            ):
                supported = True
        text = _MARKER.sub(" ", result.answer)
        if item.abstain:
            correct: bool | None = result.abstained
        elif item.has_answer_key:
            correct = not result.abstained and metrics.answer_correct(text, item.answers, item.answers_all)
        else:
            correct = None
        rows.append(
            AnsweredQuestion(
                id=item.id,
                type=item.type,
                variant=variant_key(item),
                should_abstain=item.abstain,
                abstained=result.abstained,
                correct=correct,
                citations=len(result.citations),
                valid_citations=valid,
                supported=supported if item.answerable and n_targets(item) and not result.abstained else None,
                answer=result.answer,
            )
        )
    abst = metrics.abstention_scores([r.abstained for r in rows], [r.should_abstain for r in rows])
    total_citations = sum(r.citations for r in rows)
    valid_citations = sum(r.valid_citations for r in rows)
    support = [r for r in rows if r.supported is not None]
    answerable = [r for r in rows if not r.should_abstain]
    return AnswerReport(
        answerer=getattr(answerer, "name", None) or type(answerer).__name__,
        overall=_answer_block(answerable),
        by_type=_grouped(items, rows, lambda i: i.type, _answer_block),
        by_variant=_grouped(items, rows, variant_key, _answer_block),
        abstention_precision=abst.precision,
        abstention_recall=abst.recall,
        correct_abstentions=abst.correct_abstentions,
        false_abstentions=abst.false_abstentions,
        missed_abstentions=abst.missed_abstentions,
        citations=total_citations,
        valid_citations=valid_citations,
        citation_validity=valid_citations / total_citations if total_citations else None,
        support_scored=len(support),
        citation_support=metrics.mean(1.0 if r.supported else 0.0 for r in support),
        errors=sum(1 for r in rows if r.error),
        questions=rows,
    )

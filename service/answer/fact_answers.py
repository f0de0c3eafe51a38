"""Answers that quote a fact: numbers and targets, deadlines, document particulars, best sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.normalize import fold
from index.models import Passage
from service.answer.citations import snippet
from service.answer.context import Context, Draft, Evidence
from service.answer.evidence import coverage, matched_positions, merge, terms_of
from service.answer.facts import (
    clauses,
    date_forms,
    deadline_spans,
    find_date,
    find_number_line,
    find_period,
    find_phrase,
    find_signer,
    values,
)
from service.answer.section_answers import answer_under_heading, heading_depth, headings_near_top

__all__ = ["answer_deadline", "answer_metadata", "answer_number", "answer_other"]

KEEP_RELATIVE = 0.9
OTHER_KEEP = 0.85  # sentences (or a matching heading) quoted for other questions, against the best one
STRONG_DEADLINE = ("truoc", "cham nhat", "han chot", "khong qua", "dinh ky")


@dataclass
class _Hit:
    score: float
    evidence: Evidence
    start: int  # clause or focus span inside the sentence
    end: int
    value: str


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _grouped(hits: list[_Hit]) -> list[_Hit]:
    """Best hit per document, documents close to the best one kept (up to three)."""
    best: dict[str, _Hit] = {}
    for hit in sorted(hits, key=lambda h: -h.score):
        best.setdefault(hit.evidence.passage.doc_id, hit)
    ranked = sorted(best.values(), key=lambda h: -h.score)
    if not ranked:
        return []
    if len(ranked) > 1 and ranked[0].score - ranked[1].score > 0.05:
        return ranked[:1]
    return [h for h in ranked if h.score >= KEEP_RELATIVE * ranked[0].score][:3]


def _render(ctx: Context, hits: list[_Hit]) -> Draft | None:
    lines = []
    for hit in hits:
        ev = hit.evidence
        marker = ctx.builder.cite(ev.passage, ev.start, ev.end)
        if marker is None:
            continue
        text = ctx.text(ev.passage.doc_id) or ""
        clause = text[hit.start : hit.end]
        focus = [p for p in matched_positions(ctx.terms, clause)]
        lines.append(
            f"{_cap(hit.value)} [{marker}] — {ctx.doc_label(ev.passage.doc_id)}: “{snippet(clause, focus)}”"
        )
    if not lines:
        return None
    return Draft("\n".join(lines), hits[0].score)


def answer_number(ctx: Context) -> Draft | None:
    """A number or target: the clause whose words match the question and that states a number."""
    q = ctx.question
    hits: list[_Hit] = []
    for ev in ctx.evidence[:300]:
        text = ctx.text(ev.passage.doc_id)
        if text is None or ev.score <= 0:
            continue
        asked = set(re.findall(r"\d+", q.text))
        found = [v for v in values(text, ev.start, ev.end, unit=q.unit) if not _echoes(v.text, asked)]
        if not found:
            continue
        context = merge(
            [terms_of(text[ev.start : ev.end]), terms_of(ev.passage.section), terms_of(ev.passage.title)]
        )
        for a, b in clauses(text, ev.start, ev.end):
            inside = [v for v in found if a <= v.start < b]
            if not inside:
                continue
            cov = coverage(ctx.terms, terms_of(text[a:b]), context, context_weight=0.4)
            matched = [a + p for p in matched_positions(ctx.terms, text[a:b])]
            value = min(inside, key=lambda v: _distance(v.start, matched))
            hits.append(_Hit(cov + 0.01 / (1 + ev.rank), ev, a, b, value.text))
    chosen = _grouped(hits)
    return _render(ctx, chosen) if chosen else None


def _echoes(value: str, asked: set[str]) -> bool:
    """A number the question itself gives ("giai đoạn 2021-2025") is not its answer; nor is a year range."""
    numbers = re.findall(r"\d+", value)
    if numbers and all(n in asked for n in numbers):
        return True
    return len(numbers) == 2 and all(re.fullmatch(r"(?:19|20)\d{2}", n) for n in numbers) and "%" not in value


def _distance(pos: int, matched: list[int]) -> int:
    """How far a number stands from the question's words (numbers after them preferred)."""
    if not matched:
        return 0
    before = [pos - m for m in matched if m <= pos]
    after = [m - pos for m in matched if m > pos]
    return min([*before, *(2 * d for d in after)] or [0])


def answer_deadline(ctx: Context) -> Draft | None:
    """A deadline: the matching sentence that sets one; "trước ngày ..." over "đến năm ..."."""
    hits: list[_Hit] = []
    for ev in ctx.evidence[:300]:
        text = ctx.text(ev.passage.doc_id)
        if text is None or ev.score <= 0:
            continue
        spans = deadline_spans(text, ev.start, ev.end)
        if not spans:
            continue
        strong = [s for s in spans if fold(text[s[0] : s[1]]).startswith(STRONG_DEADLINE)]
        a, b = (strong or spans)[0]
        score = ev.score + (0.05 if strong else 0.0) + 0.01 / (1 + ev.rank)
        value = re.sub(r"\s+", " ", text[a:b])
        hits.append(_Hit(score, ev, ev.start, ev.end, value))
    chosen = _grouped(hits)
    return _render(ctx, chosen) if chosen else None


def answer_other(ctx: Context) -> Draft | None:
    """Anything else: the best matching sentences, quoted; when a section's heading matches about as well
    as the best sentence, what that section says."""
    for heading, depth in headings_near_top(ctx, OTHER_KEEP):
        draft = answer_under_heading(ctx, heading.passage, depth, heading.score)
        if draft is not None:
            return draft
    best: list[Evidence] = []
    for ev in (ev for ev in ctx.evidence if heading_depth(ev.passage, ctx.sentence_text(ev)) is None):
        if ev.score <= 0 or (best and ev.score < OTHER_KEEP * best[0].score) or len(best) >= 2:
            break
        best.append(ev)
    lines = []
    for ev in best:
        marker = ctx.builder.cite(ev.passage, ev.start, ev.end)
        if marker is None:
            continue
        sentence = ctx.sentence_text(ev)
        focus = matched_positions(ctx.terms, sentence)
        lines.append(f"- {ctx.doc_label(ev.passage.doc_id)}: “{snippet(sentence, focus, 320)}” [{marker}]")
    if not lines:
        return None
    return Draft("Theo các văn bản hiện có:\n" + "\n".join(lines), best[0].score)


# ------------------------------------------------------------------------------------------ metadata


def _pick_document(ctx: Context) -> str | None:
    """The document a question about document particulars refers to."""
    q = ctx.question
    candidates = list(dict.fromkeys(p.doc_id for p in ctx.pool))
    if not candidates:
        return None
    numbers = {re.sub(r"\s", "", n).lower() for n in q.doc_numbers}
    ref_numbers = {n for _, n in q.doc_refs}

    def score(item: tuple[int, str]) -> float:
        rank, doc_id = item
        doc = ctx.document(doc_id)
        if doc is None:
            return -1.0
        s = 0.5 / (1 + rank)
        if doc.number and re.sub(r"\s", "", doc.number).lower() in numbers:
            s += 3
        elif doc.number and doc.number.split("/")[0] in ref_numbers:
            s += 2
        if doc.district and fold(doc.district) in {fold(d) for d in q.districts}:
            s += 2
        if doc.province and fold(doc.province) in {fold(p) for p in q.provinces}:
            s += 1
        s += coverage(ctx.terms, terms_of(doc.title))
        return s

    return max(enumerate(candidates), key=score)[1]


def answer_metadata(ctx: Context) -> Draft | None:
    """Number, date, signer, issuer, period or subject (title) of a document, cited where the document
    states it."""
    doc_id = _pick_document(ctx)
    if doc_id is None:
        return None
    doc = ctx.document(doc_id)
    text = ctx.text(doc_id)
    if doc is None or text is None:
        return None
    field = ctx.question.meta_field
    name = ctx.doc_name(doc_id)
    place = ctx.place(doc_id)
    subject = f"{name} – {place}" if place else name
    found: tuple[int, int, str] | None = None
    sentence = ""
    # The metadata reader has already decided what the document states; a None is not guessed at here.
    if field == "date" and doc.date:
        found = find_date(text, doc.date)
        if found:
            _short, padded, long = date_forms(found[2])
            sentence = f"{subject} được ban hành ngày {long} ({padded})"
    elif field == "signer" and doc.signer:
        found = find_signer(text, doc.signer)
        if found:
            sentence = f"{subject} do {found[2]} ký"
    elif field == "number" and doc.number:
        found = find_number_line(text, doc.number)
        if found:
            sentence = f"Số hiệu của văn bản: {found[2]}"
    elif field == "issuer":
        if doc.issuer:
            span = find_phrase(text, doc.issuer)
            if span:
                found = (span[0], span[1], doc.issuer)
                sentence = f"{subject} do {doc.issuer} ban hành"
    elif field == "period":
        found = find_period(doc.title, text)
        if found:
            sentence = f"{subject} áp dụng cho giai đoạn {found[2]}"
    elif field == "subject" and doc.title:
        span = find_phrase(text, doc.title)
        if span:
            title = " ".join(text[span[0] : span[1]].split())
            found = (span[0], span[1], title)
            sentence = f"{subject} có tiêu đề: “{title}”"
    if not found:
        return None
    marker = cite_anywhere(ctx, doc_id, found[0], found[1], found[2])
    if marker is None:
        return None
    return Draft(f"{sentence} [{marker}].", 1.0)


def cite_anywhere(ctx: Context, doc_id: str, start: int, end: int, value: str) -> int | None:
    """Cite the span, or another place in a chunk where the same value is written."""
    passage: Passage | None = ctx.passage_at(doc_id, start, end)
    if passage is not None:
        return ctx.builder.cite(passage, start, end)
    text = ctx.text(doc_id) or ""
    pos = 0
    while True:
        span = find_phrase(text, value, pos)
        if span is None:
            break
        passage = ctx.passage_at(doc_id, span[0], span[1])
        if passage is not None:
            return ctx.builder.cite(passage, span[0], span[1])
        pos = span[1]
    return None  # no chunk holds it: a fact that cannot be cited is not stated

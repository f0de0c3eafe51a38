"""Answers about a plan's standard parts: its goals, purpose, requirements, vision, main targets.

"Mục tiêu của kế hoạch phục hồi kinh tế Lạng Sơn là gì" is answered by what the plan's section "Mục tiêu"
says, not by the sentence elsewhere that happens to share the most words with the question (a department
told to draw up a "kế hoạch phục hồi ngành du lịch"). The section is found among the retrieved passages by
its heading; its sentences are quoted, those matching the rest of the question first.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from corpus.normalize import fold
from index.models import Passage
from service.answer.citations import passage_sentences, snippet
from service.answer.context import Context, Draft, Evidence
from service.answer.evidence import coverage, merge, terms_of

__all__ = ["answer_section", "answer_under_heading", "heading_depth", "headings_near_top"]

MAX_DOCUMENTS = 3
MAX_SENTENCES = 3
SENTENCE_KEEP = 0.75  # a quoted sentence covers the question's topic at least this well against the best
DOCUMENT_KEEP = 0.8  # other documents' sections are listed when they match the question this well
# A plan without the asked section often has its neighbour: goals and purpose stand in for each other.
_STAND_INS = {"muc tieu": ("muc dich", "chi tieu"), "muc dich": ("muc tieu",), "chi tieu": ("muc tieu",)}
# "II.", "2.1.", "a)", and in laws "Điều 9.", "Chương II", "Mục 2", "Phần thứ hai.": a heading's number.
_NUMBERING = re.compile(
    r"^\W*(?:(?:điều|chương|mục|tiểu\s+mục|phần)\s+(?:\d+[a-z]?|(?-i:[IVXLC]+)|thứ\s+\w+)\b\s*[.:\-]?\s*"
    r"|(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)\-:]\s*)",
    re.IGNORECASE,
)


@dataclass
class _Section:
    doc_id: str
    path: list[str]  # heading path down to the matched heading


def _heading_key(heading: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(_NUMBERING.sub("", heading)).lower()))


def _matching_depth(path: list[str], word: str) -> int | None:
    """Depth of the deepest heading of ``path`` that carries ``word`` ("1. Mục tiêu" under "II. MỤC TIÊU...")."""
    pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])")
    depth = None
    for index, heading in enumerate(path):
        if pattern.search(_heading_key(heading)):
            depth = index
    return depth


def _sections(ctx: Context, word: str) -> list[_Section]:
    """The asked sections of the retrieved documents, best ranked first, one per document."""
    found: dict[str, _Section] = {}
    for passage in ctx.pool:
        if passage.doc_id in found:
            continue
        depth = _matching_depth(passage.heading_path, word)
        if depth is not None:
            found[passage.doc_id] = _Section(passage.doc_id, passage.heading_path[: depth + 1])
    return list(found.values())


def _section_passages(ctx: Context, section: _Section) -> list[Passage]:
    n = len(section.path)
    return [
        ctx.passage_of(chunk)
        for chunk in ctx.retriever.chunks_of(section.doc_id)
        if chunk.heading_path[:n] == section.path
    ]


def _best_subsection(ctx: Context, section: _Section) -> tuple[_Section, list[Passage]]:
    """The sub-section whose own heading matches the question better than its siblings' ("mục tiêu … lĩnh
    vực môi trường" → "2.4. Về lĩnh vực môi trường") and its passages; the whole section when none does."""
    passages = _section_passages(ctx, section)
    depth = len(section.path)
    scores = [
        coverage(ctx.terms, merge([terms_of(h) for h in p.heading_path[depth:]]))
        if not ctx.terms.empty
        else 0.0
        for p in passages
    ]
    top = max(scores, default=0.0)
    kept = [p for p, score in zip(passages, scores, strict=True) if score >= top]
    if top <= 0 or len(kept) == len(passages):
        return section, passages
    # The headings the kept passages share, from the top.
    shared = itertools.takewhile(
        lambda names: len(set(names)) == 1, zip(*(p.heading_path for p in kept), strict=False)
    )
    path = [names[0] for names in shared]
    return _Section(section.doc_id, path if len(path) > len(section.path) else section.path), kept


def _quote(ctx: Context, section: _Section) -> tuple[float, _Section, list[tuple[Passage, int, int]]]:
    """How well the best sentences of a section and their place in the document (title, headings) cover
    the rest of the question, the (sub-)section they were taken from, and the sentences in reading order."""
    text = ctx.text(section.doc_id)
    doc = ctx.document(section.doc_id)
    if text is None or doc is None:
        return 0.0, section, []
    headings = {_heading_key(h) for h in section.path}
    title = terms_of(doc.title)
    scored: list[tuple[float, float, Passage, int, int]] = []
    section, passages = _best_subsection(ctx, section)
    for passage in passages:
        own = headings | {_heading_key(h) for h in passage.heading_path}
        # The headings above the sentence, down to its own ("2.4. Về lĩnh vực môi trường").
        above = merge([terms_of(h) for h in passage.heading_path])
        context = merge([title, above])
        for s, e in passage_sentences(text, passage):
            sentence = text[s:e]
            if _heading_key(sentence) in own or len(sentence.strip()) < 3:
                continue  # a heading line ("2. Các chỉ tiêu chủ yếu đến năm 2030"), not what it heads
            if ctx.terms.empty:
                score = local = 1.0
            else:
                terms = terms_of(sentence)
                # Words naming the plan ("của kế hoạch phục hồi kinh tế") are in its title: they count in
                # full for the answer's confidence.
                score = coverage(ctx.terms, terms, context, context_weight=1.0, text=sentence)
                # Ranked by the sentence and its headings; the title, every sentence's, counts half.
                local = coverage(ctx.terms, terms, above, context_weight=1.0, text=sentence, background=title)
            scored.append((local, score, passage, s, e))
    if not scored:
        return 0.0, section, []
    best = sorted(scored, key=lambda item: (-item[0], -item[1], item[3]))[:MAX_SENTENCES]
    # With a topic ("mục tiêu … về nhà ở xã hội"), only the sentences about it, not the section's others.
    best = [item for item in best if item[0] >= SENTENCE_KEEP * best[0][0]]
    best.sort(key=lambda item: item[3])
    return max(item[1] for item in best), section, [(p, s, e) for _, _, p, s, e in best]


def answer_section(ctx: Context) -> Draft | None:
    """What the asked section of the best matching plan(s) says, quoted sentence by sentence."""
    word = ctx.question.section
    if word is None:
        return None
    quoted: list[tuple[float, _Section, list[tuple[Passage, int, int]]]] = []
    for name in (word, *_STAND_INS.get(word, ())):
        quoted = [_quote(ctx, section) for section in _sections(ctx, name)[:MAX_DOCUMENTS]]
        quoted = [item for item in quoted if item[2]]
        if quoted:
            break
    if not quoted:
        return None
    top = max(score for score, _, _ in quoted)
    kept = [item for item in quoted if item[0] >= DOCUMENT_KEEP * top]
    if ctx.question.provinces or ctx.question.districts or ctx.question.doc_numbers or ctx.question.doc_refs:
        kept = kept[:1]  # the place or number named one plan
    return _render(ctx, [(section, spans) for _, section, spans in kept], top)


def heading_depth(passage: Passage, sentence: str) -> int | None:
    """Where ``sentence`` stands on ``passage``'s heading path when it is one of its headings, else None."""
    key = _heading_key(sentence)
    if not key:
        return None
    for depth, heading in enumerate(passage.heading_path):
        if _heading_key(heading) == key:
            return depth
    return None


def headings_near_top(ctx: Context, keep: float) -> Iterator[tuple[Evidence, int]]:
    """The evidence sentences that are headings of their passage (with their depth on its heading path),
    among those scoring at least ``keep`` times the best sentence."""
    evidence = ctx.evidence
    if not evidence or evidence[0].score <= 0:
        return
    top = evidence[0].score
    for ev in evidence:
        if ev.score < keep * top:
            return
        depth = heading_depth(ev.passage, ctx.sentence_text(ev))
        if depth is not None:
            yield ev, depth


def answer_under_heading(ctx: Context, passage: Passage, depth: int, confidence: float) -> Draft | None:
    """What the section headed by ``passage.heading_path[depth]`` says, for a question its heading matches
    ("Nguồn vốn … lấy từ đâu" → "1. Về nguồn vốn thực hiện:"): a heading names a topic, it does not answer."""
    _, section, spans = _quote(ctx, _Section(passage.doc_id, passage.heading_path[: depth + 1]))
    if not spans:
        return None
    return _render(ctx, [(section, spans)], confidence)


def _render(
    ctx: Context, sections: list[tuple[_Section, list[tuple[Passage, int, int]]]], confidence: float
) -> Draft | None:
    lines: list[str] = []
    for section, spans in sections:
        lines.append(f"{ctx.doc_label(section.doc_id)} — {section.path[-1].strip()}:")
        text = ctx.text(section.doc_id) or ""
        for passage, s, e in spans:
            marker = ctx.builder.cite(passage, s, e)
            if marker is None:
                continue
            sentence = text[s:e]
            lines.append(f"- “{snippet(sentence, width=400)}” [{marker}]")
    if not ctx.builder.citations:
        return None
    return Draft("\n".join(lines), confidence)

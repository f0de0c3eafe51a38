"""Answers about a plan's standard parts: its goals, purpose, requirements, vision, main targets.

"Mục tiêu của kế hoạch phục hồi kinh tế Lạng Sơn là gì" is answered by what the plan's section "Mục tiêu"
says, not by the sentence elsewhere that happens to share the most words with the question (a department
told to draw up a "kế hoạch phục hồi ngành du lịch"). The section is found among the retrieved passages by
its heading; its sentences are quoted, those matching the rest of the question first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.normalize import fold
from index.models import Passage
from service.answer.citations import passage_sentences, snippet
from service.answer.context import Context, Draft
from service.answer.evidence import coverage, merge, terms_of

__all__ = ["answer_section"]

MAX_DOCUMENTS = 3
MAX_SENTENCES = 3
KEEP_RELATIVE = 0.75  # a quoted sentence covers the question's topic at least this well against the best
KEEP_RELATIVE = 0.8  # other documents' sections are listed when they match the question this well
# A plan without the asked section often has its neighbour: goals and purpose stand in for each other.
_STAND_INS = {"muc tieu": ("muc dich", "chi tieu"), "muc dich": ("muc tieu",), "chi tieu": ("muc tieu",)}
_NUMBERING = re.compile(r"^\W*(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)\-:]\s*", re.IGNORECASE)


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


def _quote(ctx: Context, section: _Section) -> tuple[float, list[tuple[Passage, int, int]]]:
    """Best sentences of a section (in reading order) and how well they and the section's place in the
    document (title, headings) cover the rest of the question."""
    text = ctx.text(section.doc_id)
    doc = ctx.document(section.doc_id)
    if text is None or doc is None:
        return 0.0, []
    headings = {_heading_key(h) for h in section.path}
    scored: list[tuple[float, Passage, int, int]] = []
    for passage in _section_passages(ctx, section):
        own = headings | {_heading_key(h) for h in passage.heading_path}
        # The title and the headings above the sentence, down to its own ("2. Các chỉ tiêu chủ yếu đến năm 2030").
        context = merge([terms_of(doc.title), *(terms_of(h) for h in passage.heading_path)])
        for s, e in passage_sentences(text, passage):
            sentence = text[s:e]
            if _heading_key(sentence) in own or len(sentence.strip()) < 3:
                continue  # a heading line ("2. Các chỉ tiêu chủ yếu đến năm 2030"), not what it heads
            if ctx.terms.empty:
                score = 1.0
            else:
                # Words naming the plan ("của kế hoạch phục hồi kinh tế") are in its title: they count in full.
                score = coverage(ctx.terms, terms_of(sentence), context, context_weight=1.0, text=sentence)
            scored.append((score, passage, s, e))
    if not scored:
        return 0.0, []
    best = sorted(scored, key=lambda item: (-item[0], item[2]))[:MAX_SENTENCES]
    # With a topic ("mục tiêu … về nhà ở xã hội"), only the sentences about it, not the section's others.
    best = [item for item in best if item[0] >= KEEP_RELATIVE * best[0][0]]
    best.sort(key=lambda item: item[2])
    return max(item[0] for item in best), [(p, s, e) for _, p, s, e in best]


def answer_section(ctx: Context) -> Draft | None:
    """What the asked section of the best matching plan(s) says, quoted sentence by sentence."""
    word = ctx.question.section
    if word is None:
        return None
    quoted: list[tuple[_Section, float, list[tuple[Passage, int, int]]]] = []
    for name in (word, *_STAND_INS.get(word, ())):
        quoted = [(section, *_quote(ctx, section)) for section in _sections(ctx, name)[:MAX_DOCUMENTS]]
        quoted = [item for item in quoted if item[2]]
        if quoted:
            break
    if not quoted:
        return None
    top = max(score for _, score, _ in quoted)
    kept = [item for item in quoted if item[1] >= KEEP_RELATIVE * top]
    if ctx.question.provinces or ctx.question.districts or ctx.question.doc_numbers or ctx.question.doc_refs:
        kept = kept[:1]  # the place or number named one plan
    lines: list[str] = []
    for section, _, spans in kept:
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
    return Draft("\n".join(lines), top)

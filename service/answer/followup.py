"""Follow-up questions: "còn ở Lạng Sơn thì sao?" reuses the previous question with the new place.

A short elliptical turn ("còn ... thì sao", "thế còn ...", "vậy ở ...", "what about ...", "and in ...")
names only what changes: a place (the previous question's place is replaced) or an agency (the previous
question's agency is replaced); anything else is appended to the previous question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.agencies import scan_agencies
from corpus.agency_tokens import aligned_fold
from index.query import analyze_query
from service.answer.models import Turn

__all__ = ["is_followup", "resolve_followup"]

_VI = re.compile(
    r"^\s*(?:(?:the|vay|con|va)\s+)*(?:con|the\s+con|vay\s+con|vay|va)\s+(?P<focus>.+?)"
    r"(?:\s+(?:thi\s+sao|the\s+nao|ra\s+sao|sao|thi|nhi|a|nhe|vay))*\s*[?.!…]*\s*$"
)
_EN = re.compile(r"^\s*(?:(?:what|how)\s+about|and(?:\s+what\s+about)?)\s+(?P<focus>.+?)\s*[?.!]*\s*$")
_MAX_WORDS = 10
_PLACE_LEAD = r"(?:(?:o|tai|cua|in|for|at)\s+)?(?:(?:tinh|huyen|thanh\s+pho|tp|province\s+of)\s+)?"


def is_followup(question: str) -> bool:
    """True for a short elliptical turn that only makes sense with the previous question."""
    if len(question.split()) > _MAX_WORDS:
        return False
    folded = aligned_fold(question).lower()
    return bool(_VI.match(folded) or _EN.match(folded))


def _focus(question: str) -> str | None:
    folded = aligned_fold(question).lower()
    m = _VI.match(folded) or _EN.match(folded)
    if m is None:
        return None
    return question[m.start("focus") : m.end("focus")].strip()


def resolve_followup(question: str, history: Sequence[Turn]) -> str:
    """The question to answer: ``question`` itself, or the previous question rewritten with its new focus."""
    if not is_followup(question):
        return question
    previous = [turn.content for turn in history if turn.role == "user"]
    if not previous:
        return question
    prior = previous[-1]
    if is_followup(prior):  # a chain of follow-ups: resolve the earlier one first
        prior = resolve_followup(prior, [Turn(role="user", content=p) for p in previous[:-1]])
    focus = _focus(question)
    if not focus:
        return question
    english = analyze_query(prior).english
    info = analyze_query(focus)
    if info.provinces or info.districts:
        place = re.sub(r"^(?:ở|tại|o|tai|in|at)\s+", "", focus, flags=re.IGNORECASE).strip()
        joiner = " in " if english else " ở "
        return _without_places(prior).rstrip(" ?.!") + joiner + place + "?"
    new_agencies = scan_agencies(focus)
    old_agencies = scan_agencies(prior)
    if new_agencies and old_agencies:
        a = old_agencies[0]
        return prior[: a.start] + focus[new_agencies[0].start : new_agencies[0].end] + prior[a.end :]
    return prior.rstrip(" ?.!") + " " + focus + "?"


def _without_places(text: str) -> str:
    """``text`` with the places it names (and their "ở"/"tỉnh") removed."""
    info = analyze_query(text)
    folded = aligned_fold(text)
    spans: list[tuple[int, int]] = []
    for place in [*info.districts, *info.provinces]:
        key = r"\s+".join(re.escape(w) for w in aligned_fold(place).split())
        spans += [m.span() for m in re.finditer(rf"(?i)(?<![^\W_]){_PLACE_LEAD}{key}(?![^\W_])", folded)]
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + text[b:]
    return re.sub(r"\s+([?.!,])", r"\1", re.sub(r"\s{2,}", " ", text)).strip(" ,")

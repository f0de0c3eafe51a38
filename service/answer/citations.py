"""Citations as verbatim spans: building them, checking them, and keeping answer markers in step.

A citation is valid when ``document_text[start:end] == quote`` and the span lies inside the chunk it names,
which is one of the passages returned with the answer. Everything an answerer returns goes through
:func:`verify_citations`; a marker whose citation fails is removed from the text and the rest renumbered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from corpus.segment import sentences
from index.models import Passage
from service.answer.models import Citation

__all__ = [
    "CitationBuilder",
    "passage_sentences",
    "renumber",
    "snippet",
    "verify_citations",
]

_MARKER = re.compile(r"\[(\d+)\]")


def passage_sentences(document_text: str, passage: Passage) -> list[tuple[int, int]]:
    """Sentence spans (document offsets) inside a passage."""
    return sentences(document_text, passage.start, passage.end)


def _clip(text: str, passage: Passage, start: int, end: int) -> tuple[int, int]:
    start, end = max(start, passage.start), min(end, passage.end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class CitationBuilder:
    """Hands out markers [1], [2], ... for spans; the same span cited twice keeps its marker."""

    def __init__(self, texts: Callable[[str], str | None]) -> None:
        self._texts = texts
        self.citations: list[Citation] = []
        self.passages: list[Passage] = []
        self._by_span: dict[tuple[str, int, int], int] = {}

    def reset(self) -> None:
        """Forget every marker handed out (a draft that is not used)."""
        self.citations.clear()
        self.passages.clear()
        self._by_span.clear()

    def cite(self, passage: Passage, start: int, end: int) -> int | None:
        """Marker number for ``document_text[start:end]`` (clipped to the passage), or None if empty."""
        text = self._texts(passage.doc_id)
        if text is None:
            return None
        start, end = _clip(text, passage, start, end)
        if end <= start:
            return None
        key = (passage.chunk_id, start, end)
        if key in self._by_span:
            return self._by_span[key]
        marker = len(self.citations) + 1
        self.citations.append(
            Citation(
                marker=marker,
                chunk_id=passage.chunk_id,
                doc_id=passage.doc_id,
                title=passage.title,
                section=passage.section,
                quote=text[start:end],
                start=start,
                end=end,
            )
        )
        if all(p.chunk_id != passage.chunk_id for p in self.passages):
            self.passages.append(passage)
        self._by_span[key] = marker
        return marker


def verify_citations(
    citations: Sequence[Citation], passages: Sequence[Passage], texts: Mapping[str, str | None]
) -> list[Citation]:
    """The citations that are verbatim spans inside one of ``passages``; the others are dropped."""
    by_chunk = {p.chunk_id: p for p in passages}
    good: list[Citation] = []
    for citation in citations:
        passage = by_chunk.get(citation.chunk_id)
        text = texts.get(citation.doc_id)
        if passage is None or text is None or passage.doc_id != citation.doc_id:
            continue
        if not (passage.start <= citation.start < citation.end <= passage.end <= len(text)):
            continue
        if text[citation.start : citation.end] != citation.quote or not citation.quote.strip():
            continue
        good.append(citation)
    return good


def renumber(answer: str, citations: Sequence[Citation]) -> tuple[str, list[Citation]]:
    """Drop markers with no citation, renumber the rest 1..n in order of first appearance."""
    known = {c.marker: c for c in citations}
    order: dict[int, int] = {}
    for m in _MARKER.finditer(answer):
        old = int(m.group(1))
        if old in known and old not in order:
            order[old] = len(order) + 1

    def repl(m: re.Match[str]) -> str:
        old = int(m.group(1))
        return f"[{order[old]}]" if old in order else ""

    text = _MARKER.sub(repl, answer)
    text = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
    renumbered = [c.model_copy(update={"marker": order[c.marker]}) for c in citations if c.marker in order]
    renumbered.sort(key=lambda c: c.marker)
    return text, renumbered


def snippet(text: str, focus: Sequence[int] = (), width: int = 240) -> str:
    """``text`` on one line, cut to about ``width`` characters around the ``focus`` offsets."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= width:
        return flat
    # Offsets were taken on ``text``; map them onto the flattened string approximately.
    scale = len(flat) / max(len(text), 1)
    points = sorted(int(p * scale) for p in focus) or [0]
    center = points[len(points) // 2]
    start = max(0, min(center - width // 3, len(flat) - width))
    end = min(len(flat), start + width)
    while start > 0 and flat[start - 1] != " ":
        start -= 1
    while end < len(flat) and flat[end] != " ":
        end += 1
    piece = flat[start:end].strip(" ,;")
    return ("…" if start > 0 else "") + piece + ("…" if end < len(flat) else "")

"""Chunking: the section tree of a document into retrievable chunks with exact offsets.

:class:`SectionChunker` (the default, see :func:`make_chunker`):

* every leaf section is a unit; a section with subsections contributes its own lead-in text (heading and
  anything before the first subsection) as a unit of its own;
* the text before the first heading is the "Phần mở đầu" unit;
* in a law every ``Điều`` is a unit of its own, never merged with another; a very long one is cut into
  pieces of whole clauses (lines), each keeping the article's path;
* a tiny lead-in (usually just a heading, "IV. TỔ CHỨC THỰC HIỆN") is merged into the unit that follows
  it, which keeps its own, deeper path ("IV. TỔ CHỨC THỰC HIỆN › 1. Sở Xây dựng");
* tiny units merge with tiny siblings (same parent); the merged chunk takes the parent's path (a unit
  of reasonable size is never merged, so it keeps its own, more precise path);
* long units are split at line, then sentence, then word boundaries; every piece keeps the path;
* excluded spans (the recipients list) never appear in a chunk; spans set apart (the signature block) are
  chunks of their own under a one-element path ("Chữ ký"), never part of a section.

Every chunk's text is ``document_text[start:end]`` exactly, trimmed of surrounding whitespace; chunks
do not overlap and, with the excluded spans, cover every non-blank character of the document.
"""

from __future__ import annotations

import itertools
import re
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from corpus.models import SECTION_SEPARATOR, Chunk
from corpus.structure import Section

__all__ = ["PREAMBLE_LABEL", "Chunker", "SectionChunker", "available_chunkers", "make_chunker"]

PREAMBLE_LABEL = "Phần mở đầu"


class Chunker(ABC):
    """Turns a parsed document (text, section tree, excluded spans) into chunks."""

    name: str = ""

    @abstractmethod
    def chunk(
        self,
        text: str,
        root: Section,
        *,
        doc_id: str,
        title: str,
        excluded: Sequence[tuple[int, int]] = (),
        apart: Sequence[tuple[int, int, str]] = (),
        page_starts: Sequence[int] = (),
    ) -> list[Chunk]:
        """Chunks of ``text`` in document order, ``chunk_id`` = ``f"{doc_id}:{ordinal}"``.

        Args:
            excluded: spans no chunk may hold (the recipients list).
            apart: ``(start, end, label)`` spans kept out of the sections and chunked on their own under
                the one-element path ``[label]`` (the signature block).
            page_starts: offsets where pages begin (paged formats), for ``page_start``/``page_end``.
        """


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    path: tuple[str, ...]
    parent: tuple[str, ...]  # units merge only with units of the same parent
    kind: str  # "preamble" | "heading" (a lead-in that is only a heading) | "intro" | "leaf" | "group" | "apart"
    atomic: bool  # an article (Điều) or the preamble: never merged with a sibling
    words: int


_WORD = re.compile(r"\S+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[\"“(\[]?[^\W\d_])")
_CLAUSE_BREAK = re.compile(r"(?<=;)\s+")


def _words(text: str, start: int, end: int) -> int:
    return len(_WORD.findall(text, start, end))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _subtract(start: int, end: int, excluded: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [(start, end)]
    for ex_start, ex_end in excluded:
        nxt: list[tuple[int, int]] = []
        for s, e in pieces:
            if ex_end <= s or ex_start >= e:
                nxt.append((s, e))
                continue
            if s < ex_start:
                nxt.append((s, ex_start))
            if ex_end < e:
                nxt.append((ex_end, e))
        pieces = nxt
    return pieces


class SectionChunker(Chunker):
    """Section-aware chunker (see the module docstring).

    Args:
        min_words: units below this size are merged with their neighbours.
        target_words: merged groups and split pieces aim at this size.
        max_words: units above this size are split.
    """

    name = "section"

    def __init__(self, *, min_words: int = 40, target_words: int = 250, max_words: int = 400) -> None:
        if not 0 < min_words <= target_words <= max_words:
            raise ValueError("chunk sizes must satisfy 0 < min_words <= target_words <= max_words")
        self.min_words = min_words
        self.target_words = target_words
        self.max_words = max_words

    def chunk(
        self,
        text: str,
        root: Section,
        *,
        doc_id: str,
        title: str,
        excluded: Sequence[tuple[int, int]] = (),
        apart: Sequence[tuple[int, int, str]] = (),
        page_starts: Sequence[int] = (),
    ) -> list[Chunk]:
        """Chunks of ``text`` in document order (see :class:`Chunker`)."""
        spans = sorted({(s, e) for s, e in excluded if e > s} | {(s, e) for s, e, _ in apart if e > s})
        units = self._collect(text, root)
        units = self._cut(text, units, spans)
        units = self._merge_leadins(units, spans)
        units = self._merge_siblings(units, spans)
        for start, end, label in apart:
            start, end = _trim(text, start, end)
            if end > start:
                units.append(_Unit(start, end, (label,), (), "apart", True, _words(text, start, end)))
        units.sort(key=lambda unit: unit.start)
        pieces: list[_Unit] = []
        for unit in units:
            pieces.extend(self._split(text, unit) if unit.words > self.max_words else [unit])
        chunks: list[Chunk] = []
        for ordinal, unit in enumerate(pieces):
            page_start = page_end = None
            if page_starts:
                page_start = bisect_right(page_starts, unit.start)
                page_end = bisect_right(page_starts, max(unit.start, unit.end - 1))
            chunks.append(
                Chunk(
                    chunk_id=f"{doc_id}:{ordinal}",
                    doc_id=doc_id,
                    title=title,
                    section=SECTION_SEPARATOR.join(unit.path),
                    text=text[unit.start : unit.end],
                    start=unit.start,
                    end=unit.end,
                    heading_path=list(unit.path),
                    page_start=page_start,
                    page_end=page_end,
                    ordinal=ordinal,
                )
            )
        return chunks

    # -- units -------------------------------------------------------------------------------------

    def _collect(self, text: str, root: Section) -> list[_Unit]:
        first = root.children[0].start if root.children else len(text)
        units = [_Unit(0, first, (PREAMBLE_LABEL,), (), "preamble", True, _words(text, 0, first))]

        def visit(section: Section) -> None:
            path = tuple(section.path)
            article = section.kind == "dieu"
            if not section.children or article:  # an article is one unit, split by lines when long
                size = _words(text, section.start, section.end)
                units.append(_Unit(section.start, section.end, path, path[:-1], "leaf", article, size))
                return
            lead_end = section.children[0].start
            lead = _words(text, section.start, lead_end)
            # A lead-in that is only the heading always opens the next unit, whatever its length.
            kind = "heading" if not text[section.heading_end : lead_end].strip() else "intro"
            units.append(_Unit(section.start, lead_end, path, path, kind, False, lead))
            for child in section.children:
                visit(child)

        for child in root.children:
            visit(child)
        return units

    @staticmethod
    def _cut(text: str, units: list[_Unit], spans: Sequence[tuple[int, int]]) -> list[_Unit]:
        """Remove excluded spans and surrounding whitespace; drop what is left empty."""
        out: list[_Unit] = []
        for unit in units:
            for start, end in _subtract(unit.start, unit.end, spans):
                start, end = _trim(text, start, end)
                if end > start:
                    out.append(replace(unit, start=start, end=end, words=_words(text, start, end)))
        return out

    @staticmethod
    def _contiguous(a: _Unit, b: _Unit, spans: Sequence[tuple[int, int]]) -> bool:
        return not any(s < b.start and e > a.end for s, e in spans)

    def _merge_leadins(self, units: list[_Unit], spans: Sequence[tuple[int, int]]) -> list[_Unit]:
        """A tiny lead-in (heading, preamble title) joins the first unit under it, keeping that unit's path."""
        out: list[_Unit] = []
        pending: _Unit | None = None
        for unit in units:
            if pending is not None:
                under = unit.path[: len(pending.path)] == pending.path or pending.kind == "preamble"
                # A unit too long for one chunk is split later anyway: the lead-in opens its first piece.
                fits = pending.words + unit.words <= self.max_words or unit.words > self.max_words
                if under and fits and self._contiguous(pending, unit, spans):
                    unit = replace(unit, start=pending.start, words=pending.words + unit.words)
                else:
                    out.append(pending)
                pending = None
            if unit.kind == "heading" or (unit.kind in ("intro", "preamble") and unit.words < self.min_words):
                pending = unit
                continue
            out.append(unit)
        if pending is not None:
            out.append(pending)
        return out

    def _merge_siblings(self, units: list[_Unit], spans: Sequence[tuple[int, int]]) -> list[_Unit]:
        """Tiny units join their neighbours under the same parent; the group takes the parent's path."""
        out: list[_Unit] = []
        for unit in units:
            if out and self._can_merge(out[-1], unit, spans):
                last = out[-1]
                out[-1] = _Unit(
                    last.start, unit.end, unit.parent, unit.parent, "group", False, last.words + unit.words
                )
            else:
                out.append(unit)
        return out

    def _can_merge(self, a: _Unit, b: _Unit, spans: Sequence[tuple[int, int]]) -> bool:
        if a.atomic or b.atomic or not a.parent or a.parent != b.parent:
            return False
        if a.words >= self.min_words or b.words >= self.min_words:
            return False  # a unit of its own size keeps its own, more precise path
        return a.words + b.words <= self.target_words and self._contiguous(a, b, spans)

    # -- splitting ---------------------------------------------------------------------------------

    def _segments(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Lines of the span; lines too long for one chunk are cut at sentences, clauses, then words."""
        out: list[tuple[int, int]] = []
        position = start
        for line in text[start:end].split("\n"):
            line_start, line_end = _trim(text, position, position + len(line))
            position += len(line) + 1
            if line_end > line_start:
                out.extend(self._cut_long(text, line_start, line_end, (_SENTENCE_BREAK, _CLAUSE_BREAK)))
        return out

    def _cut_long(
        self, text: str, start: int, end: int, breakers: Sequence[re.Pattern[str]]
    ) -> list[tuple[int, int]]:
        if _words(text, start, end) <= self.max_words:
            return [(start, end)]
        if not breakers:
            return self._word_windows(text, start, end)
        bounds = [start] + [m.end() for m in breakers[0].finditer(text, start, end)] + [end]
        parts: list[tuple[int, int]] = []
        for s, e in itertools.pairwise(bounds):
            s, e = _trim(text, s, e)
            if e > s:
                parts.extend(self._cut_long(text, s, e, breakers[1:]))
        return parts

    def _word_windows(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        words = list(_WORD.finditer(text, start, end))
        return [
            (words[i].start(), words[min(i + self.target_words, len(words)) - 1].end())
            for i in range(0, len(words), self.target_words)
        ]

    def _split(self, text: str, unit: _Unit) -> list[_Unit]:
        groups: list[list[tuple[int, int, int]]] = [[]]
        size = 0
        for s, e in self._segments(text, unit.start, unit.end):
            n = _words(text, s, e)
            over_target = size + n > self.target_words and size >= self.min_words
            if groups[-1] and (over_target or size + n > self.max_words):
                groups.append([])
                size = 0
            groups[-1].append((s, e, n))
            size += n
        if len(groups) > 1 and sum(n for *_, n in groups[-1]) < self.min_words:
            tail = groups.pop()
            if sum(n for *_, n in groups[-1]) + sum(n for *_, n in tail) <= self.max_words:
                groups[-1].extend(tail)
            else:
                groups.append(tail)
        return [replace(unit, start=g[0][0], end=g[-1][1], words=sum(n for *_, n in g)) for g in groups if g]


_REGISTRY: dict[str, Callable[..., Chunker]] = {SectionChunker.name: SectionChunker}


def available_chunkers() -> tuple[str, ...]:
    """Names accepted by :func:`make_chunker`."""
    return tuple(sorted(_REGISTRY))


def make_chunker(name: str = SectionChunker.name, **options: int) -> Chunker:
    """Build a chunker by name ("section"), passing size options through.

    Raises:
        ValueError: an unknown name, listing the known ones.
    """
    factory = _REGISTRY.get(name)
    if factory is None:
        raise ValueError(f"unknown chunker {name!r}; choose one of: {', '.join(available_chunkers())}")
    return factory(**options)

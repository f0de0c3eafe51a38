"""When is a retrieved passage relevant to a question?

* Plans: the passage text contains any evidence quote (folded, see :mod:`evaluation.matching`).
* ALQAC, for the index's own passages: the passage comes from the gold ``file`` and an element of its
  section path starts with the article heading ``Điều <article>`` (``Điều 3`` never matches ``Điều 31``).
* ALQAC, for outside baselines that know nothing of sections: the chunk's span in the document text overlaps
  the gold article's span (from its ``Điều N.`` heading to the next article heading). This is more lenient
  than the section rule, so comparisons against the baselines err in their favour.

Relevance is reported as the set of gold *targets* a passage satisfies: plans have a single target (any
evidence quote), ALQAC one per gold article. Metrics credit each target once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

from corpus.models import SECTION_SEPARATOR, Chunk
from corpus.normalize import fold
from evaluation.matching import contains_any
from evaluation.qa import QAItem

__all__ = [
    "ArticleSpans",
    "RetrievedUnit",
    "article_spans",
    "judge",
    "n_targets",
    "section_has_article",
]

EVIDENCE_TARGET = "evidence"

# An article heading at the start of a line: "Điều 31. Tên", "Điều 31: ...", or "Điều 31" alone.
_ARTICLE_HEADING = re.compile(r"(?m)^[ \t]*(?P<head>Điều[ \t]+(?P<number>\d+))[ \t]*(?:[.:]|$)")


@dataclass(frozen=True)
class RetrievedUnit:
    """What any retrieval system returns, reduced to what relevance needs.

    ``start``/``end`` are offsets in the document's normalized text; ``source`` is the file name.
    """

    doc_id: str
    source: str
    text: str
    start: int
    end: int
    section: str = ""
    heading_path: tuple[str, ...] = field(default_factory=tuple)
    chunk_id: str = ""

    @classmethod
    def from_chunk(cls, chunk: Chunk, source: str) -> RetrievedUnit:
        """The unit of one of tracuu's own chunks (or passages), read from file ``source``."""
        return cls(
            doc_id=chunk.doc_id,
            source=source,
            text=chunk.text,
            start=chunk.start,
            end=chunk.end,
            section=chunk.section,
            heading_path=tuple(chunk.heading_path),
            chunk_id=chunk.chunk_id,
        )


#: (file name, article number) → (start, end) in that document's text.
ArticleSpans = Mapping[tuple[str, str], tuple[int, int]]


def _file_name(source: str) -> str:
    return PurePath(source).name


def _article_id(article: str) -> str:
    """``"031"`` and ``"31"`` name the same article."""
    article = article.strip()
    return str(int(article)) if article.isdigit() else article


def gold_key(file: str, article: str) -> str:
    """Target key of one ALQAC gold article."""
    return f"{_file_name(file)}#{_article_id(article)}"


def section_has_article(elements: Iterable[str], article: str) -> bool:
    """True when a heading-path element starts with ``Điều <article>`` as a whole number."""
    number = re.escape(fold(_article_id(article)))
    pattern = re.compile(rf"^dieu\s+0*{number}(?![0-9a-z])")
    return any(pattern.match(fold(element.strip())) for element in elements)


def _section_elements(unit: RetrievedUnit) -> list[str]:
    elements = list(unit.heading_path)
    if unit.section:
        elements.extend(unit.section.split(SECTION_SEPARATOR.strip()))
    return elements


def article_spans(text: str, file: str) -> dict[tuple[str, str], tuple[int, int]]:
    """Spans of the ``Điều N.`` articles of a law text; numbers must increase (cross-references are skipped)."""
    heads: list[tuple[str, int]] = []
    last = 0
    for match in _ARTICLE_HEADING.finditer(text):
        number = int(match.group("number"))
        if number <= last:
            continue
        last = number
        heads.append((str(number), match.start("head")))
    name = _file_name(file)
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    for index, (article, start) in enumerate(heads):
        end = heads[index + 1][1] if index + 1 < len(heads) else len(text)
        spans[(name, article)] = (start, end)
    return spans


def n_targets(item: QAItem) -> int:
    """How many distinct gold targets a question has (0 when it cannot be scored)."""
    if item.format == "plans":
        return 1 if item.evidence else 0
    return len({gold_key(g.file, g.article) for g in item.gold})


def judge(
    item: QAItem,
    unit: RetrievedUnit,
    *,
    by: Literal["section", "span"] = "section",
    spans: ArticleSpans | None = None,
) -> frozenset[str]:
    """The gold targets ``unit`` satisfies for ``item`` (empty when it is not relevant)."""
    if item.format == "plans":
        return (
            frozenset({EVIDENCE_TARGET})
            if item.evidence and contains_any(unit.text, item.evidence)
            else frozenset()
        )
    name = _file_name(unit.source)
    hits: set[str] = set()
    for gold in item.gold:
        if _file_name(gold.file) != name:
            continue
        if by == "section":
            if section_has_article(_section_elements(unit), gold.article):
                hits.add(gold_key(gold.file, gold.article))
        else:
            if spans is None:
                raise ValueError("span relevance needs the article spans of the documents")
            span = spans.get((name, _article_id(gold.article)))
            if span is not None and unit.start < span[1] and span[0] < unit.end:
                hits.add(gold_key(gold.file, gold.article))
    return frozenset(hits)

"""The 17 ALQAC 2023 laws: every article is its own ``Điều N`` section of the chunk paths.

The README counts 2,249 articles: the articles that have text. Three more are headings with no text in the
source (Bộ luật dân sự Điều 118, Luật giáo dục Điều 2, Luật viên chức Điều 39); they are sections too, so
2,252 distinct (file, article) pairs appear in the chunk paths.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from corpus.cleanup import cleanup
from corpus.models import ParsedDocument
from corpus.normalize import normalize_text
from corpus.pipeline import parse_file

ALQAC_DIR = Path(__file__).resolve().parents[3] / "shared" / "external" / "alqac2023" / "corpus"
ARTICLES_WITH_TEXT = 2249
HEADING_ONLY = {("bo-luat-dan-su.txt", "118"), ("luat-giao-duc.txt", "2"), ("luat-vien-chuc.txt", "39")}
_ARTICLE = re.compile(r"^Điều (\d+)(?:\.|$)")
# An article heading at the start of a source line: "Điều 5. Tên", or "Điều 115" alone (Hiến pháp).
_SOURCE_HEADING = re.compile(r"(?m)^Điều (\d+)(?:\.|$)")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ALQAC_DIR.is_dir(), reason="ALQAC corpus not available"),
]


@lru_cache(maxsize=1)
def parsed() -> dict[str, ParsedDocument]:
    return {path.name: parse_file(path) for path in sorted(ALQAC_DIR.glob("*.txt"))}


def articles_in_paths(doc: ParsedDocument) -> list[str]:
    found: list[str] = []
    for chunk in doc.chunks:
        numbers = [m.group(1) for h in chunk.heading_path if (m := _ARTICLE.match(h))]
        assert len(numbers) <= 1, chunk.section
        found.extend(numbers)
    return found


def test_seventeen_laws() -> None:
    assert len(parsed()) == 17


def test_every_article_is_a_section() -> None:
    pairs = {(name, n) for name, doc in parsed().items() for n in articles_in_paths(doc)}
    assert len(pairs) == ARTICLES_WITH_TEXT + len(HEADING_ONLY)
    assert pairs >= HEADING_ONLY
    for name in parsed():
        raw = (ALQAC_DIR / name).read_text(encoding="utf-8")
        in_source = {m.group(1) for m in _SOURCE_HEADING.finditer(raw)}
        assert {n for f, n in pairs if f == name} == in_source, name


def test_articles_with_text() -> None:
    with_text = set()
    for name, doc in parsed().items():
        for chunk in doc.chunks:
            numbers = [m.group(1) for h in chunk.heading_path if (m := _ARTICLE.match(h))]
            if numbers and chunk.text != chunk.heading_path[-1]:  # more than the bare heading
                with_text.add((name, numbers[0]))
    assert len(with_text) == ARTICLES_WITH_TEXT
    assert not with_text & HEADING_ONLY


def test_a_chunk_never_spans_two_articles() -> None:
    for doc in parsed().values():
        for chunk in doc.chunks:
            headings = _SOURCE_HEADING.findall(chunk.text)
            assert len(headings) <= 1, chunk.chunk_id
            if headings:
                assert chunk.heading_path[-1].startswith(f"Điều {headings[0]}"), chunk.chunk_id


def test_article_labels_and_sizes() -> None:
    thanh_nien = parsed()["luat-thanh-nien.txt"]
    assert thanh_nien.chunks[0].heading_path == ["Điều 1. Thanh niên"]
    assert thanh_nien.chunks[0].text.startswith(
        "LUẬT THANH NIÊN\n\nĐiều 1. Thanh niên\nThanh niên là công dân"
    )
    hien_phap = parsed()["hien-phap.txt"]
    assert hien_phap.chunks[1].heading_path == ["Điều 2"]  # "Điều 2. 1. Nhà nước ..." has no title
    words = [len(c.text.split()) for doc in parsed().values() for c in doc.chunks]
    assert max(words) <= 400


@pytest.mark.parametrize("name", sorted(p.name for p in ALQAC_DIR.glob("*.txt")))
def test_cleanup_keeps_every_word_of_the_laws(name: str) -> None:
    raw = normalize_text((ALQAC_DIR / name).read_text(encoding="utf-8"))
    without_rules = "".join(
        line for line in raw.split("\n") if not re.fullmatch(r"[-_=*~]{3,}", line.strip())
    )
    doc = parsed()[name]
    assert re.sub(r"\s", "", doc.text) == re.sub(r"\s", "", without_rules)
    assert cleanup(doc.text) == doc.text

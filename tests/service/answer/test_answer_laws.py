"""Answers over laws (three ALQAC laws): article titles stand for their articles, ranges are one value."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from evaluation.matching import contains
from index.engine import SearchEngine
from service.answer.extractive import ExtractiveAnswerer
from tests.service.answer.answer_helpers import SHARED, assert_citations_valid, build, settings_for

LAWS = ("luat-thanh-nien.txt", "luat-dien-anh.txt", "luat-hon-nhan-va-gia-dinh.txt")


@pytest.fixture(scope="module")
def law_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    source = SHARED / "external" / "alqac2023" / "corpus"
    if not source.exists():
        pytest.fail(f"ALQAC corpus missing: {source} (set TRACUU_SHARED_DIR to the shared data folder)")
    corpus = tmp_path_factory.mktemp("laws")
    for name in LAWS:
        shutil.copy(source / name, corpus / name)
    opened = build(corpus, tmp_path_factory.mktemp("laws-index"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def law_answerer(law_engine: SearchEngine) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(law_engine, settings=settings_for())


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "từ đủ 16 tuổi đến 30 tuổi" and "từ đủ 20 tuổi trở lên" are one value each, not "16 tuổi", "20 tuổi".
        ("Độ tuổi của thanh niên là bao nhiêu?", "từ đủ 16 tuổi đến 30 tuổi"),
        ("Nam bao nhiêu tuổi thì được kết hôn?", "từ đủ 20 tuổi trở lên"),
    ],
)
def test_a_range_is_answered_whole(
    question: str, expected: str, law_answerer: ExtractiveAnswerer, law_engine: SearchEngine
) -> None:
    answer = law_answerer.answer(question)
    value = answer.answer.split("[")[0]  # the value stated before its citation, not the quote after it
    assert not answer.abstained and contains(value, expected), answer.answer
    assert_citations_valid(answer, law_engine)


def test_an_article_title_is_answered_by_the_article(
    law_answerer: ExtractiveAnswerer, law_engine: SearchEngine
) -> None:
    # "Điều 9. Những nội dung và hành vi bị nghiêm cấm trong hoạt động điện ảnh" names the topic; its
    # clauses answer. Before, the title was quoted as the answer.
    answer = law_answerer.answer("Hành vi nào bị nghiêm cấm trong hoạt động điện ảnh?")
    assert not answer.abstained, answer.answer
    assert "Điều 9" in answer.answer and contains(answer.answer, "Vi phạm Hiến pháp"), answer.answer
    assert all(not c.quote.startswith("Những nội dung và hành vi") for c in answer.citations)
    assert_citations_valid(answer, law_engine)

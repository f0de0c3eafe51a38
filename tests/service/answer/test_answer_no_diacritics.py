"""Questions typed without diacritics get the answers their accented forms get (officials often type so).

Every accented probe of ``test_answer_probes`` is asked again with its marks stripped; the spelling is put
back from the corpus (service.answer.restore) only to find word boundaries, so matching stays folded.
"""

from __future__ import annotations

from typing import Any

import pytest

from corpus.normalize import fold
from evaluation.matching import contains, contains_all, contains_any
from index.engine import SearchEngine
from service.answer.evidence import TermStats, query_terms
from service.answer.extractive import ExtractiveAnswerer
from service.answer.restore import Restorer
from service.answer.tokens import tokens
from service.answer.words import segment_folded
from tests.service.answer.answer_helpers import assert_citations_valid
from tests.service.answer.test_answer_probes import ANSWERED, REFUSED

# Accented probes whose bare form is still refused (never answered wrongly): "tren van dan" is spelt
# "trên văn dân" from the corpus, which writes "trên 10.000 dân" and never "vạn", so no word explains the
# pairs and they must match.
KNOWN_GAPS = {"Số giường bệnh trên vạn dân của Ninh Thuận đến 2030 là bao nhiêu?"}
FOLDED = [(q, expected) for q, expected in ANSWERED if fold(q) != q.lower()]


@pytest.mark.parametrize(("question", "expected"), FOLDED)
def test_the_folded_question_gets_the_same_answer(
    question: str, expected: str, answerer: ExtractiveAnswerer, engine: SearchEngine
) -> None:
    answer = answerer.answer(fold(question))
    if question in KNOWN_GAPS:
        assert answer.abstained, answer.answer  # a known gap is a refusal, not a wrong answer
        return
    assert not answer.abstained, answer.answer
    assert contains(answer.answer, expected), answer.answer
    assert_citations_valid(answer, engine)


@pytest.mark.parametrize("question", REFUSED)
def test_the_folded_unanswerable_question_is_refused(question: str, answerer: ExtractiveAnswerer) -> None:
    answer = answerer.answer(fold(question))
    assert answer.abstained, answer.answer


def test_the_folded_dev_questions_get_the_same_answers(
    dev_items: list[dict[str, Any]], answerer: ExtractiveAnswerer
) -> None:
    asked = [i for i in dev_items if i["answers"] and i["variant"] in ("plain", "abbreviation", "paraphrase")]
    assert len(asked) >= 25
    wrong = []
    for item in asked:
        answer = answerer.answer(fold(item["question"]))
        ok = not answer.abstained and contains_any(answer.answer, item["answers"])
        ok = ok and contains_all(answer.answer, item.get("answers_all", []))
        if not ok:
            wrong.append(f"{fold(item['question'])}: {answer.answer[:100]!r}")
    assert not wrong, wrong


def test_restorer_spells_words_as_the_corpus_does() -> None:
    restorer = Restorer()
    texts = ["Sở Y tế chủ trì công tác tiêm vắc xin.", "Cải cách hành chính; công tác cải cách.", "Hộ nghèo"]
    texts += ["nhà ở, nhà ở, nhà nước, nhà máy, nhà văn", "ở đây, ở đó, ở xa"]
    for text in texts:
        restorer.add(tokens(text))
    assert restorer.restore(tokens("so y te chu tri cong tac cai cach")) == [
        "sở", "y", "tế", "chủ", "trì", "công", "tác", "cải", "cách",
    ]  # fmt: skip
    assert restorer.restore(tokens("hộ chieu")) == ["hộ", "chieu"]  # marks kept, unknown left alone
    assert restorer.seen("vắc", "xin") and not restorer.seen("xin", "vắc")
    # A word: the pair is most uses of its rarer syllable; two common syllables met twice are not.
    assert restorer.bound("vắc", "xin") and restorer.seen("nhà", "ở") and not restorer.bound("nhà", "ở")
    restorer.prune(2)
    assert not restorer.seen("vắc", "xin") and restorer.seen("cải", "cách")


def test_unaccented_topics_find_words_and_keep_unknown_pairs(engine: SearchEngine) -> None:
    stats = TermStats(engine)
    words = segment_folded("lam dau moi to chuc thuc hien", stats.restorer)
    assert [[t[1] for t in w] for w in words] == [["lam"], ["dau", "moi"], ["to", "chuc"], ["thuc", "hien"]]
    terms = {
        w.folded: w.phrase for w in query_terms("lam dau moi to chuc thuc hien", stats, accented=False).words
    }
    assert (
        terms[("dau", "moi")] is False and terms[("moi", "to")] is True
    )  # a boundary between words ranks only
    # No word of the corpus explains "ho chieu": the pair is the only trace of a word and counts fully.
    refused = {w.folded: w.phrase for w in query_terms("cap ho chieu", stats, accented=False).words}
    assert refused[("ho", "chieu")] is False

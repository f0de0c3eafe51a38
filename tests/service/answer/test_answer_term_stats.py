"""Document frequencies behind the answerer's term weights: exact on small indexes, sampled on huge ones."""

from __future__ import annotations

from index.engine import SearchEngine
from service.answer.evidence import TermStats, query_terms, terms_of


def test_small_index_counts_every_chunk(engine: SearchEngine) -> None:
    stats = TermStats(engine)
    assert stats.idf("nha o") > 0
    assert stats._n == engine.info.chunks  # every chunk read


def test_large_index_reads_a_sample_of_whole_documents(engine: SearchEngine) -> None:
    exact = TermStats(engine)
    sampled = TermStats(engine, sample_chunks=30)
    assert sampled.idf("xa hoi") > 0
    assert 30 <= sampled._n < engine.info.chunks  # whole documents until the sample is full
    # A word no chunk contains weighs the most either way; common words stay light in both.
    assert sampled.idf("khong co tu nay") == max(sampled.idf("khong co tu nay"), sampled.idf("xa hoi"))
    assert exact.idf("khong co tu nay") > exact.idf("xa hoi")


def test_a_sentence_about_another_kind_does_not_count(engine: SearchEngine) -> None:
    stats = TermStats(engine)
    word = next(w for w in query_terms("bảo hiểm xã hội", stats, accented=True).words if len(w.folded) == 4)
    assert word.folded == ("bao", "hiem", "xa", "hoi") and ("bao", "hiem", "y", "te") in word.rivals
    assert word.share(terms_of("95% dân số tham gia bảo hiểm y tế, bảo đảm an sinh xã hội")) == 0.0
    assert word.share(terms_of("60% lao động tham gia bảo hiểm xã hội")) == 1.0
    assert 0 < word.share(terms_of("bảo hiểm cho người dân, an sinh xã hội")) < 1  # no rival named: partial

"""Document frequencies behind the answerer's term weights: exact on small indexes, sampled on huge ones."""

from __future__ import annotations

from index.engine import SearchEngine
from service.answer.evidence import TermStats


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

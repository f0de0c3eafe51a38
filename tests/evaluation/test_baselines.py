from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from corpus.normalize import normalize_text
from evaluation.baselines import (
    CHUNK_OVERLAP,
    Bm25sBaseline,
    LangChainBM25Baseline,
    SourceDocument,
    create_baseline,
    split_documents,
)
from evaluation.metrics import first_relevant_rank
from evaluation.qa import load_qa
from evaluation.relevance import article_spans, judge

SLICE = ("luat-du-lich.txt", "luat-hon-nhan-va-gia-dinh.txt", "luat-tiep-can-thong-tin.txt")


@pytest.fixture(scope="module")
def slice_docs(alqac_dir: Path) -> list[SourceDocument]:
    return [
        SourceDocument(
            name.removesuffix(".txt"), name, normalize_text((alqac_dir / "corpus" / name).read_text("utf-8"))
        )
        for name in SLICE
    ]


def test_every_chunk_is_a_verbatim_span_of_its_document(slice_docs: list[SourceDocument]) -> None:
    units = split_documents(slice_docs)
    texts = {d.doc_id: d.text for d in slice_docs}
    assert len(units) > 100
    for unit in units:
        assert texts[unit.doc_id][unit.start : unit.end] == unit.text
        assert 0 < len(unit.text) <= 1000
    # Chunks of a document advance through it and overlap at most by the configured overlap.
    first = [u for u in units if u.doc_id == slice_docs[0].doc_id]
    assert all(b.start > a.start and a.end - b.start <= CHUNK_OVERLAP for a, b in itertools.pairwise(first))
    covered = sum(len(u.text) for u in first)
    assert covered >= len(slice_docs[0].text) * 0.9


def test_chunk_with_repeated_text_maps_to_the_right_occurrence() -> None:
    paragraph = "Điều khoản lặp lại giống hệt nhau trong văn bản. " * 30
    doc = SourceDocument("rep", "rep.txt", f"{paragraph}\n\n{paragraph}")
    units = split_documents([doc])
    starts = [u.start for u in units]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(doc.text[u.start : u.end] == u.text for u in units)


@pytest.mark.parametrize("name", ["langchain-bm25", "bm25s"])
def test_baselines_retrieve_gold_articles_on_a_slice(
    name: str, slice_docs: list[SourceDocument], alqac_dir: Path
) -> None:
    units = split_documents(slice_docs)
    baseline = create_baseline(name, slice_docs, units=units)
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    for doc in slice_docs:
        spans.update(article_spans(doc.text, doc.source))
    items = [i for i in load_qa(alqac_dir / "test.jsonl") if all(g.file in SLICE for g in i.gold)]
    assert len(items) >= 10
    ranks = []
    for item in items:
        results = baseline.search(item.question, 10)
        assert len(results) == 10
        assert results == baseline.search(item.question, 10)  # deterministic
        ranks.append(first_relevant_rank([judge(item, u, by="span", spans=spans) for u in results]))
    found = sum(r is not None for r in ranks)
    assert found >= len(items) // 2, ranks


def test_baseline_edge_cases(slice_docs: list[SourceDocument], tmp_path: Path) -> None:
    lc = LangChainBM25Baseline(slice_docs[:1])
    bm = Bm25sBaseline(slice_docs[:1])
    assert len(lc) == len(bm) > 0
    assert lc.search("du lịch", 0) == []
    assert len(bm.search("zzzz qqqq", 3)) <= 3
    bm.save(tmp_path / "bm25s")
    assert any((tmp_path / "bm25s").iterdir())
    assert not list((tmp_path / "bm25s").glob("*.pkl"))
    assert LangChainBM25Baseline([]).search("x", 5) == []
    assert Bm25sBaseline([]).search("x", 5) == []
    with pytest.raises(ValueError, match="unknown baseline"):
        create_baseline("tfidf", slice_docs)

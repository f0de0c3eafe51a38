"""The optional reranking stage: the cross-encoder reranker, its factory fallback, and the engine using it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from index.builder import build_index
from index.engine import RERANK_DEPTH, SearchEngine
from index.manager import IndexManager
from index.rerank.factory import create_reranker
from index.rerank.ordering import reorder

REPO = Path(__file__).resolve().parents[2]
QUERY = "sở nào chủ trì phát triển nhà ở xã hội"
MISSING_NAME = "tracuu-tests/no-such-reranker-anywhere"


@pytest.fixture(scope="module")
def tiny_ce(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.fixtures.tiny_cross_encoder import build_tiny_cross_encoder

    return build_tiny_cross_encoder(tmp_path_factory.mktemp("tiny-ce") / "tiny-ce")


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rerank-index")
    build_index(REPO / "corpus" / "documents", root)
    return root


# Ordering maths -----------------------------------------------------------------------------------


def test_reorder_takes_the_reranker_order_and_keeps_the_score_values() -> None:
    ranked = [(7, 0.9), (3, 0.5), (5, 0.5), (1, 0.2)]
    assert reorder(ranked, [0.1, 0.8, -2.0, 0.8]) == [(3, 0.9), (1, 0.5), (7, 0.5), (5, 0.2)]
    assert reorder(ranked, [0.0, 0.0, 0.0, 0.0]) == ranked  # ties keep the first-stage order
    assert reorder([], []) == []
    with pytest.raises(ValueError, match="3 reranker scores for 4 passages"):
        reorder(ranked, [1.0, 2.0, 3.0])


# Factory ------------------------------------------------------------------------------------------


def test_no_reranker_configured_means_no_reranking() -> None:
    for name in (None, "", "  "):
        assert create_reranker(name) == (None, None)


def test_missing_reranker_folder_falls_back_with_a_reason(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="index.rerank.factory"):
        reranker, reason = create_reranker("/nonexistent/reranker")
    assert reranker is None
    assert reason is not None and "could not load reranker /nonexistent/reranker" in reason
    assert "no such model folder" in reason
    assert "searching without reranking" in caplog.text
    assert any(r.levelno == logging.WARNING for r in caplog.records)


def test_uncached_reranker_name_never_downloads_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    reranker, reason = create_reranker(MISSING_NAME)
    assert reranker is None and reason is not None and "HF_HUB_OFFLINE" in reason
    monkeypatch.delenv("HF_HUB_OFFLINE")
    reranker, reason = create_reranker(MISSING_NAME, allow_download=False)
    assert reranker is None and reason is not None and "downloads are disabled" in reason


@pytest.mark.model
def test_folder_that_is_not_a_reranker_falls_back(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    reranker, reason = create_reranker(str(tmp_path))
    assert reranker is None and reason is not None and str(tmp_path) in reason


# The cross-encoder --------------------------------------------------------------------------------


@pytest.mark.model
def test_cross_encoder_conformance(tiny_ce: Path) -> None:
    reranker, reason = create_reranker(str(tiny_ce))
    assert reranker is not None and reason is None
    texts = ["Sở Xây dựng chủ trì phát triển nhà ở xã hội.", "Sở Tài chính bố trí kinh phí.", "y tế"]
    scores = reranker.rerank(QUERY, texts)
    assert len(scores) == len(texts) and all(isinstance(s, float) for s in scores)
    assert len(set(scores)) == len(texts)  # pairs are scored jointly: different texts, different scores
    assert reranker.rerank(QUERY, texts) == scores
    assert reranker.rerank(QUERY, texts[::-1]) == scores[::-1]  # a score depends on its pair only
    assert reranker.rerank(QUERY, []) == []
    again, _ = create_reranker(str(tiny_ce))
    assert again is not None and again.rerank(QUERY, texts) == scores
    assert again.reranker_id == reranker.reranker_id and reranker.reranker_id.startswith("ce:tiny-ce:")
    reranker.load_model()  # idempotent
    assert reranker.rerank(QUERY, texts[:1]) == scores[:1]


@pytest.mark.model
def test_engine_reorders_only_the_reranked_depth(tiny_ce: Path, index_root: Path) -> None:
    reranker, _ = create_reranker(str(tiny_ce))
    plain = SearchEngine.open(index_root)
    reranked = SearchEngine.open(index_root, reranker=reranker)
    assert plain.info.reranker is None and reranked.info.reranker == reranker.reranker_id  # type: ignore[union-attr]
    depth = RERANK_DEPTH + 10
    before = plain.search(QUERY, top_k=depth)
    after = reranked.search(QUERY, top_k=depth)
    assert len(before) == len(after) == depth
    head_before = [p.chunk_id for p in before[:RERANK_DEPTH]]
    head_after = [p.chunk_id for p in after[:RERANK_DEPTH]]
    assert set(head_after) == set(head_before) and head_after != head_before
    assert [p.chunk_id for p in after[RERANK_DEPTH:]] == [p.chunk_id for p in before[RERANK_DEPTH:]]
    # Scores keep their first-stage scale and stay best first.
    assert [p.score for p in after] == [p.score for p in before]
    # Passages keep their text and offsets.
    by_id = {p.chunk_id: p for p in before}
    for passage in after:
        assert passage.model_dump() == by_id[passage.chunk_id].model_dump() | {"score": passage.score}
        text = reranked.document_text(passage.doc_id)
        assert text is not None and text[passage.start : passage.end] == passage.text
    # A short list is the head of the reranked order.
    assert [p.chunk_id for p in reranked.search(QUERY, top_k=5)] == head_after[:5]
    reranked.use_reranker(None)
    assert reranked.info.reranker is None
    assert [p.chunk_id for p in reranked.search(QUERY, top_k=depth)] == [p.chunk_id for p in before]


@pytest.mark.model
def test_manager_attaches_the_configured_reranker(tiny_ce: Path, index_root: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(index_root, tmp_path / "idx")
    manager = IndexManager(tmp_path / "idx", REPO / "corpus" / "documents", reranker=str(tiny_ce))
    manager.ensure_built()
    info = manager.engine.info
    assert info.reranker is not None and info.reranker.startswith("ce:tiny-ce:")
    assert info.reranker_fallback_reason is None
    manager.configure_reranker("/nonexistent/reranker")
    info = manager.engine.info
    assert info.reranker is None
    assert "/nonexistent/reranker" in (info.reranker_fallback_reason or "")
    manager.configure_reranker(None)
    assert manager.engine.info.reranker is None and manager.engine.info.reranker_fallback_reason is None

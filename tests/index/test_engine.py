"""Hybrid search over the bundled plans: what officials type, filters and the province boost."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.normalize import fold
from index.builder import build_index
from index.encoders.factory import BUILTIN_MODEL
from index.engine import SearchEngine
from index.errors import DenseUnavailableError
from index.models import SearchFilters

REPO = Path(__file__).resolve().parents[2]

HAU_GIANG = "hau-giang-chi-thi-24-dich-vu-xa-hoi-do-thi"
NINH_THUAN = "ninh-thuan-1221-kh-ubnd-chinh-sach-xa-hoi"
LANG_SON = "lang-son-46-kh-ubnd-phuc-hoi-kinh-te"


@pytest.fixture
def engine(seed_engine: SearchEngine) -> SearchEngine:
    return seed_engine


@pytest.mark.parametrize(
    ("query", "depth"),
    [
        ("so nao phu trach nha o xa hoi", 3),  # the done-when query: exactly the three, first
        ("Sở nào phụ trách nhà ở xã hội?", 10),
        ("Which department is responsible for social housing?", 10),
    ],
)
def test_social_housing_finds_the_construction_department_of_three_plans(
    engine: SearchEngine, query: str, depth: int
) -> None:
    top = engine.search(query, top_k=depth)
    construction = {p.doc_id for p in top if "so xay dung" in fold(p.section)}
    assert {HAU_GIANG, NINH_THUAN, LANG_SON} <= construction


def test_offsets_point_into_the_document_text(engine: SearchEngine) -> None:
    for passage in engine.search("phát triển nhà ở xã hội", top_k=10):
        text = engine.document_text(passage.doc_id)
        assert text is not None and text[passage.start : passage.end] == passage.text


def test_filters_are_hard(engine: SearchEngine) -> None:
    only = engine.search("nhà ở xã hội", top_k=10, filters=SearchFilters(province="Ninh Thuận"))
    assert only and {p.doc_id for p in only} == {NINH_THUAN}
    unaccented = engine.search("nhà ở xã hội", top_k=10, filters=SearchFilters(province="ninh thuan"))
    assert [p.chunk_id for p in unaccented] == [p.chunk_id for p in only]
    by_doc = engine.search("nhà ở xã hội", top_k=10, filters=SearchFilters(doc_id=LANG_SON))
    assert by_doc and {p.doc_id for p in by_doc} == {LANG_SON}
    assert engine.search("nhà ở xã hội", filters=SearchFilters(doc_id="khong-co")) == []


def test_province_in_the_question_is_a_soft_boost(engine: SearchEngine) -> None:
    top = engine.search("ai phu trach nha o xa hoi o Lang Son", top_k=3)
    assert top[0].doc_id == LANG_SON
    # Soft, not hard: other provinces can still appear lower down.
    wide = engine.search("ai phu trach nha o xa hoi o Lang Son", top_k=60)
    assert len({p.doc_id for p in wide}) > 1


@pytest.fixture(scope="module")
def lsa_engine(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    root = tmp_path_factory.mktemp("lsa-index")
    build_index(REPO / "corpus" / "documents", root, model=BUILTIN_MODEL)
    return SearchEngine.open(root)


@pytest.mark.parametrize("mode", ["lexical", "dense", "hybrid"])
def test_every_mode_ranks(lsa_engine: SearchEngine, mode: str) -> None:
    top = lsa_engine.search("tỷ lệ thất nghiệp khu vực thành thị", top_k=5, mode=mode)  # type: ignore[arg-type]
    assert len(top) == 5
    assert [p.score for p in top] == sorted((p.score for p in top), reverse=True)


def test_lexical_only_index_refuses_dense_mode_and_ranks_hybrid_lexically(engine: SearchEngine) -> None:
    query = "tỷ lệ thất nghiệp khu vực thành thị"
    with pytest.raises(DenseUnavailableError, match="--model"):
        engine.search(query, mode="dense")
    hybrid = engine.search(query, top_k=10, mode="hybrid")
    assert hybrid and [p.chunk_id for p in hybrid] == [
        p.chunk_id for p in engine.search(query, mode="lexical")
    ]


def test_builtin_encoder_ranks_like_lexical_at_the_top(
    engine: SearchEngine, lsa_engine: SearchEngine
) -> None:
    # Its fusion weight is near zero (it never beat lexical ranking), so the two indexes agree on top 5.
    for query in ("so nao phu trach nha o xa hoi", "Ai ký Kế hoạch 46/KH-UBND?"):
        assert [p.chunk_id for p in engine.search(query, top_k=5)] == [
            p.chunk_id for p in lsa_engine.search(query, top_k=5)
        ]


@pytest.mark.parametrize(
    "query", ["", "   ", "?!.,;", "\x00\x01", "a" * 5000, "nhà " * 10000, "' OR 1=1 --", "(.*)+$"]
)
def test_odd_queries_are_answered_without_error(engine: SearchEngine, query: str) -> None:
    assert isinstance(engine.search(query, top_k=5), list)


def test_info_reports_counts_and_encoder(engine: SearchEngine) -> None:
    info = engine.info
    assert info.documents == 5 and info.chunks > 20
    assert info.encoder_kind == "none" and info.encoder == "none" and info.retrieval == "lexical"
    assert info.configured_model is None and info.fallback_reason is None


def test_info_of_an_index_with_embeddings(lsa_engine: SearchEngine) -> None:
    info = lsa_engine.info
    assert info.encoder_kind == BUILTIN_MODEL and info.encoder.startswith("builtin-lsa:")
    assert info.retrieval == "hybrid" and info.configured_model == BUILTIN_MODEL


def test_model_that_cannot_load_gives_a_lexical_index_that_says_why(tmp_path: Path) -> None:
    build_index(REPO / "corpus" / "documents", tmp_path, model="/nonexistent/model")
    info = SearchEngine.open(tmp_path).info
    assert info.retrieval == "lexical" and info.encoder == "none"
    assert info.configured_model == "/nonexistent/model"
    assert info.fallback_reason and "/nonexistent/model" in info.fallback_reason

"""The learned second stage (index.rescore): its features, its model file, and how the engine uses it."""

from __future__ import annotations

import json
import math
from importlib import resources

import numpy as np
import pytest

from index.analysis import indexable_text
from index.engine import SearchEngine
from index.fusion import top_rows
from index.query import analyze_query
from index.rescore import (
    FEATURES,
    RescoreModel,
    Rescorer,
    coverage,
    default_rescorer,
)


def test_coverage_is_the_share_of_idf_mass_found() -> None:
    idf = np.array([1.0, 2.0, 5.0], dtype=np.float32)
    present = np.array([[False, False, True], [True, True, True], [False, False, False]])
    assert coverage(present, idf).tolist() == pytest.approx([5 / 8, 1.0, 0.0])
    assert coverage(np.zeros((2, 0), dtype=bool), np.zeros(0, dtype=np.float32)).tolist() == [0.0, 0.0]


def test_bundled_model_is_valid_and_rewards_phrases() -> None:
    text = resources.files("index").joinpath("data/rescore.json").read_text(encoding="utf-8")
    data = json.loads(text)
    model = RescoreModel.from_json(data)
    assert data["features"] == list(FEATURES) and model.depth >= 30
    weights = dict(zip(FEATURES, model.weights, strict=True))
    # A lower first-stage rank costs, and every phrase-overlap feature gains.
    assert weights["log_rank"] < 0
    assert min(weights["bigram_coverage"], weights["heading_bigram_coverage"]) > 0
    assert default_rescorer().model == model


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": 2}, "format"),
        ({"features": ["log_rank"]}, "features"),
        ({"weights": [1.0, 2.0, 3.0, 4.0]}, "weights"),
        ({"depth": 1}, "depth"),
    ],
)
def test_model_file_errors_are_clear(change: dict[str, object], message: str) -> None:
    data = {**RescoreModel((-1.0, 1.0, 1.0)).to_json(), **change}
    with pytest.raises(ValueError, match=message):
        RescoreModel.from_json(data)


def test_model_round_trips_with_its_provenance() -> None:
    model = RescoreModel((-0.5, 2.0, 1.5), depth=40)
    data = model.to_json(fitted_on="dev")
    assert data["fitted_on"] == "dev" and RescoreModel.from_json(data) == model


def _head(engine: SearchEngine, query: str) -> tuple[str, list[tuple[int, float]]]:
    text = analyze_query(query).expanded
    return text, top_rows(engine.first_stage(text, 50), 50)


def test_rescore_reorders_the_head_and_keeps_the_scores(seed_engine: SearchEngine) -> None:
    rescorer = default_rescorer()
    text, head = _head(seed_engine, "Sở Xây dựng có nhiệm vụ gì về phát triển nhà ở xã hội?")
    chunks = seed_engine.store.chunks_by_rows(row for row, _ in head)
    headings = seed_engine.store.own_headings(row for row, _ in head)
    assert headings == {
        row: chunk.heading_path[-1] if chunk.heading_path else "" for row, chunk in chunks.items()
    }
    out = rescorer.rescore(text, head, headings, seed_engine.lexical)
    assert [score for _, score in out] == sorted((score for _, score in head), reverse=True)
    assert {row for row, _ in out} == {row for row, _ in head}
    assert out != head  # the fitted features do move something on a real question
    rows = np.array([row for row, _ in head], dtype=np.int64)
    features = rescorer.features(text, [headings[row] for row, _ in head], rows, seed_engine.lexical)
    assert features.shape == (len(head), len(FEATURES))
    assert features[:, 0].tolist() == pytest.approx([math.log(rank) for rank in range(1, len(head) + 1)])
    assert bool(np.all((features[:, 1:] >= 0) & (features[:, 1:] <= 1)))
    # Bigram coverage read from the postings equals coverage computed from each passage's own analysis.
    analyzer, bigrams = rescorer.analyzer, list(dict.fromkeys(rescorer.analyzer.analyze_query(text).bigrams))
    idf = seed_engine.lexical.idf(bigrams, "bigrams").astype(np.float64)
    for (row, _), value in zip(head, features[:, 1], strict=True):
        document = seed_engine.document(chunks[row].doc_id)
        found = set(analyzer.analyze(indexable_text(chunks[row], document)).bigrams)
        assert value == pytest.approx(
            sum(w for b, w in zip(bigrams, idf, strict=True) if b in found) / idf.sum()
        )
    # The new order is the order of the fitted linear score.
    order = np.argsort(-(features @ np.asarray(rescorer.model.weights)), kind="stable")
    assert [row for row, _ in out] == [head[i][0] for i in order]


def test_rescore_leaves_short_or_unknown_lists_alone(seed_engine: SearchEngine) -> None:
    rescorer = Rescorer(RescoreModel((-1.0, 1.0, 1.0), depth=2))
    assert rescorer.rescore(
        "nhà ở", [(0, 1.0)], seed_engine.store.own_headings([0]), seed_engine.lexical
    ) == [(0, 1.0)]
    assert rescorer.rescore("nhà ở", [(0, 1.0), (1, 0.5)], {}, seed_engine.lexical) == [(0, 1.0), (1, 0.5)]
    # Beyond the depth, rows keep their first-stage place.
    ranked = [(5, 3.0), (6, 2.0), (7, 1.0)]
    out = rescorer.rescore(
        "nhà ở xã hội", ranked, seed_engine.store.own_headings([5, 6, 7]), seed_engine.lexical
    )
    assert out[2] == (7, 1.0) and {row for row, _ in out[:2]} == {5, 6}


def test_engine_rescores_lexical_search_and_can_be_switched_off(seed_engine: SearchEngine) -> None:
    query = "Sở Xây dựng có nhiệm vụ gì về phát triển nhà ở xã hội?"
    assert seed_engine.rescorer is not None  # a lexical-only index is rescored by default
    rescored = [p.chunk_id for p in seed_engine.search(query, top_k=50)]
    try:
        seed_engine.use_rescorer(None)
        plain = [p.chunk_id for p in seed_engine.search(query, top_k=50)]
    finally:
        seed_engine.use_rescorer(default_rescorer())
    assert rescored != plain and set(rescored[:10]) <= set(plain)
    text, head = _head(seed_engine, query)
    expected = default_rescorer().rescore(
        text, head, seed_engine.store.own_headings(r for r, _ in head), seed_engine.lexical
    )
    chunk_of = seed_engine.store.chunks_by_rows(r for r, _ in expected)
    assert rescored[:5] == [chunk_of[row].chunk_id for row, _ in expected[:5]]  # no boost applies here

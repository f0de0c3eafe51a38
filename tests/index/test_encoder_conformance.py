"""One conformance routine for every Encoder: the built-in LSA encoder and a user's sentence-transformers model.

The sentence-transformers case goes through ``create_encoder(path)``: the same code path a model name or
folder configured by a user takes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index.encoders.base import Encoder
from index.encoders.builtin import BuiltinLSAEncoder
from index.encoders.factory import BUILTIN_MODEL, create_encoder, encoder_from_manifest
from index.encoders.sentence_transformer import SentenceTransformerEncoder, detect_conventions

QUERIES = [
    "Sở nào chịu trách nhiệm về nhà ở xã hội?",
    "so nao phu trach nha o xa hoi",
    "Ai ký Kế hoạch 46/KH-UBND?",
]

Factory = Callable[[list[str], Path], Encoder]


def _builtin(passages: list[str], _: Path) -> Encoder:
    encoder, reason = create_encoder(BUILTIN_MODEL)
    assert encoder is not None and reason is None
    encoder.fit(passages)
    return encoder


def _sentence_transformer(_: list[str], model_path: Path) -> Encoder:
    encoder, reason = create_encoder(str(model_path))
    assert encoder is not None and reason is None, reason
    assert isinstance(encoder, SentenceTransformerEncoder)
    return encoder


ENCODERS = [
    pytest.param(_builtin, id="builtin-lsa"),
    pytest.param(_sentence_transformer, id="sentence-transformers", marks=pytest.mark.model),
]


@pytest.fixture
def model_path(request: pytest.FixtureRequest) -> Path:
    """The tiny model, only built for the tests that need it."""
    if "sentence-transformers" in request.node.callspec.id:
        path: Path = request.getfixturevalue("tiny_model_path")
        return path
    return Path("/nonexistent")


def _reopen(encoder: Encoder, directory: Path) -> Encoder:
    fields = {"kind": encoder.kind, "id": encoder.encoder_id, "dim": encoder.dim, **encoder.save(directory)}
    json.dumps(fields)  # manifest fields must be JSON
    return encoder_from_manifest(fields, directory)


@pytest.mark.parametrize("factory", ENCODERS)
def test_encoder_conformance(
    factory: Factory, seed_passages: list[str], model_path: Path, tmp_path: Path
) -> None:
    passages = seed_passages[:60]
    encoder = factory(seed_passages, model_path)
    assert encoder.kind
    assert encoder.dim > 0

    vectors = encoder.encode_passages(passages, batch_size=16)
    queries = encoder.encode_queries(QUERIES)
    # Shapes and dtype.
    assert vectors.shape == (len(passages), encoder.dim)
    assert queries.shape == (len(QUERIES), encoder.dim)
    assert vectors.dtype == np.float32 and queries.dtype == np.float32
    assert encoder.encode_passages([]).shape == (0, encoder.dim)
    assert encoder.encode_queries([]).shape == (0, encoder.dim)
    # Unit rows, finite.
    assert np.isfinite(vectors).all() and np.isfinite(queries).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-5)
    # Deterministic, and independent of batching.
    np.testing.assert_array_equal(encoder.encode_passages(passages, batch_size=16), vectors)
    one_by_one = np.vstack([encoder.encode_passages([p]) for p in passages[:5]])
    np.testing.assert_allclose(one_by_one, vectors[:5], atol=1e-5)
    # A passage used as a query finds itself first: query and passage encodings live in one space.
    as_queries = encoder.encode_queries(passages[:8])
    assert (np.argmax(as_queries @ vectors.T, axis=1) == np.arange(8)).all()

    # Save / reopen through the manifest: identical vectors and id.
    reopened = _reopen(encoder, tmp_path / "encoder")
    assert reopened.encoder_id == encoder.encoder_id
    assert reopened.dim == encoder.dim
    np.testing.assert_allclose(reopened.encode_passages(passages), vectors, atol=1e-6)
    np.testing.assert_allclose(reopened.encode_queries(QUERIES), queries, atol=1e-6)
    # The id is stable across calls.
    assert encoder.encoder_id == encoder.encoder_id == reopened.encoder_id


def test_builtin_id_changes_with_fitted_state(seed_passages: list[str]) -> None:
    first, second, again = BuiltinLSAEncoder(dim=48), BuiltinLSAEncoder(dim=48), BuiltinLSAEncoder(dim=48)
    first.fit(seed_passages)
    second.fit(seed_passages[: len(seed_passages) // 2])
    again.fit(seed_passages)
    assert first.encoder_id.startswith("builtin-lsa:")
    assert first.encoder_id != second.encoder_id
    assert first.encoder_id == again.encoder_id  # fitting is deterministic
    np.testing.assert_array_equal(first.encode_queries(QUERIES), again.encode_queries(QUERIES))
    smaller = BuiltinLSAEncoder(dim=32)
    smaller.fit(seed_passages)
    assert smaller.dim == 32 and smaller.encoder_id != first.encoder_id


def test_builtin_matches_queries_without_diacritics(seed_passages: list[str]) -> None:
    encoder = BuiltinLSAEncoder(dim=64)
    encoder.fit(seed_passages)
    vectors = encoder.encode_passages(seed_passages)
    with_marks, without = encoder.encode_queries(["nhà ở xã hội", "nha o xa hoi"])
    np.testing.assert_allclose(with_marks, without, atol=1e-6)
    best = seed_passages[int(np.argmax(vectors @ without))]
    assert "nhà ở xã hội" in best.lower()


def test_builtin_edge_cases(tmp_path: Path) -> None:
    unfitted = BuiltinLSAEncoder()
    assert unfitted.trainable
    with pytest.raises(Exception, match="not fitted"):
        unfitted.encode_queries(["nhà ở"])
    empty = BuiltinLSAEncoder()
    empty.fit([])
    assert empty.encode_passages(["bất kỳ"]).shape == (1, empty.dim)
    tiny = BuiltinLSAEncoder()
    tiny.fit(["Sở Xây dựng chủ trì nhà ở xã hội", "Sở Y tế phụ trách bệnh viện"])
    assert 1 <= tiny.dim <= 2
    vectors = tiny.encode_passages(["", "từ không có trong từ điển", "Sở Y tế"])
    assert not vectors[0].any() and not vectors[1].any()  # nothing known: a zero row, never NaN
    np.testing.assert_allclose(np.linalg.norm(vectors[2]), 1.0, atol=1e-5)
    reopened = _reopen(tiny, tmp_path)
    np.testing.assert_array_equal(reopened.encode_passages(["Sở Y tế"]), tiny.encode_passages(["Sở Y tế"]))


def test_builtin_fit_sample_is_bounded(seed_passages: list[str], tmp_path: Path) -> None:
    assert len(seed_passages) > 40
    encoder = BuiltinLSAEncoder(max_fit_docs=40, dim=16)
    encoder.fit(seed_passages)
    assert encoder.dim == 16
    encoder.save(tmp_path)
    assert json.loads((tmp_path / "lsa.json").read_text(encoding="utf-8"))["fit_docs"] == 40
    vectors = encoder.encode_passages(seed_passages)  # every passage is encoded, not just the sample
    assert vectors.shape == (len(seed_passages), 16)


def test_conventions_by_name_and_folder(tmp_path: Path) -> None:
    e5 = detect_conventions("intfloat/multilingual-e5-base")
    assert (e5.query_prefix, e5.passage_prefix, e5.word_segmentation) == ("query: ", "passage: ", False)
    assert detect_conventions("/models/e5-small-v2").query_prefix == "query: "
    for name in ("bkai-foundation-models/vietnamese-bi-encoder", "vinai/phobert-base-v2"):
        conventions = detect_conventions(name)
        assert conventions.word_segmentation and conventions.query_prefix == ""
    for name in ("BAAI/bge-m3", "AITeamVN/Vietnamese_Embedding", "gte5-not-e5x"):
        assert detect_conventions(name) == detect_conventions("plain")
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "tokenizer_config.json").write_text('{"tokenizer_class": "PhobertTokenizer"}', encoding="utf-8")
    assert detect_conventions(str(folder), folder).word_segmentation
    saved = detect_conventions("anything", None, {"query": "Q: ", "document": "D: "})
    assert (saved.query_prefix, saved.passage_prefix) == ("Q: ", "D: ")


@pytest.mark.model
def test_model_conventions_are_applied(tiny_model_path: Path, tmp_path: Path) -> None:
    plain = SentenceTransformerEncoder(str(tiny_model_path))
    # A copy named like a PhoBERT model gets pyvi word segmentation of its inputs.
    phobert = tmp_path / "tiny-phobert"
    shutil.copytree(tiny_model_path, phobert)
    segmented = SentenceTransformerEncoder(str(phobert))
    assert segmented.conventions.word_segmentation
    from pyvi import ViTokenizer

    text = "Học sinh được hỗ trợ học phí"
    np.testing.assert_allclose(
        segmented.encode_queries([text]), plain.encode_queries([ViTokenizer.tokenize(text)]), atol=1e-6
    )
    # Prompts saved with a model become query / passage prefixes.
    prompted = tmp_path / "tiny-prompted"
    shutil.copytree(tiny_model_path, prompted)
    config_path = prompted / "config_sentence_transformers.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["prompts"] = {"query": "query: ", "passage": "passage: "}
    config_path.write_text(json.dumps(config), encoding="utf-8")
    asymmetric = SentenceTransformerEncoder(str(prompted))
    assert asymmetric.conventions.query_prefix == "query: "
    np.testing.assert_allclose(
        asymmetric.encode_queries([text]), plain.encode_passages(["query: " + text]), atol=1e-6
    )
    assert not np.allclose(asymmetric.encode_queries([text]), asymmetric.encode_passages([text]))
    # A different local model is a different encoder id; the same files are the same id.
    assert len({plain.encoder_id, segmented.encoder_id, asymmetric.encoder_id}) == 3
    assert SentenceTransformerEncoder(str(tiny_model_path)).encoder_id == plain.encoder_id

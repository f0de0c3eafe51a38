"""One conformance routine for every DenseIndex kind (exact flat and HNSW), checked against numpy brute force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense.base import DenseIndex
from index.dense.factory import EXACT_LIMIT, create_dense_index, dense_kinds, load_dense_index
from index.dense.faiss_idmap import FaissIDMapIndex
from index.dense.recall import exact_neighbours, recall_at_k, recall_of_results
from index.errors import CorruptIndexError

DIM = 24
N = 600


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, vectors, queries): non-contiguous ids, like chunk rows after deletions."""
    ids = (np.arange(N, dtype=np.int64) * 3 + 1000).astype(np.int64)
    return ids, _unit(N, 1), _unit(20, 2)


def _brute(
    vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    scores = queries @ vectors.T
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(scores, order, axis=1), ids[order]


def _check_results(
    index: DenseIndex, ids: np.ndarray, vectors: np.ndarray, queries: np.ndarray, k: int
) -> None:
    scores, found = index.search(queries, k)
    assert scores.shape == found.shape == (len(queries), k)
    assert scores.dtype == np.float32 and found.dtype == np.int64
    _, truth = _brute(vectors, ids, queries, k)
    assert recall_of_results(found, truth) >= (1.0 if index.kind == "flat" else 0.95)
    # Scores are the inner products of the returned vectors, best first.
    by_id = dict(zip(ids.tolist(), vectors, strict=True))
    for q, row_scores, row_ids in zip(queries, scores, found, strict=True):
        expected = np.array([q @ by_id[int(i)] for i in row_ids], dtype=np.float32)
        np.testing.assert_allclose(row_scores, expected, atol=1e-5)
        assert (np.diff(row_scores) <= 1e-6).all()


@pytest.mark.parametrize("kind", dense_kinds())
def test_dense_conformance(
    kind: str, data: tuple[np.ndarray, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    ids, vectors, queries = data
    index = create_dense_index(N, DIM, kind=kind)
    assert index.kind == kind
    assert len(index) == 0
    _, empty_ids = index.search(queries[:2], 3)
    assert (empty_ids == -1).all()

    # Added in two batches: incremental adds work.
    index.add(ids[:400], vectors[:400])
    index.add(ids[400:], vectors[400:])
    assert len(index) == N
    _check_results(index, ids, vectors, queries, 10)
    # A stored vector used as a query finds itself first.
    _, self_ids = index.search(vectors[:5], 1)
    assert self_ids[:, 0].tolist() == ids[:5].tolist()

    # Filters: small subsets (exact path) and large ones (faiss id selector).
    assert isinstance(index, FaissIDMapIndex)
    for limit in (index.exact_subset_limit, 0):
        index.exact_subset_limit = limit
        allowed = ids[::7]
        scores, found = index.search(queries, 5, allowed=allowed)
        _, truth = _brute(vectors[::7], allowed, queries, 5)
        assert set(found[found >= 0].tolist()) <= set(allowed.tolist())
        assert recall_of_results(found, truth) >= 0.95
        few = np.array([ids[3], ids[10], 999_999_999], dtype=np.int64)  # an unknown id is ignored
        scores, found = index.search(queries[:3], 4, allowed=few)
        assert (found[:, :2] >= 0).all() and (found[:, 2:] == -1).all()
        assert set(found[found >= 0].tolist()) == {int(ids[3]), int(ids[10])}
        assert np.isneginf(scores[:, 2:]).all()
        _, none = index.search(queries[:2], 3, allowed=np.array([], dtype=np.int64))
        assert (none == -1).all()
    index.exact_subset_limit = FaissIDMapIndex.exact_subset_limit

    # Ids are unique: re-adding one is refused rather than stored twice.
    with pytest.raises(ValueError, match="unique"):
        index.add(ids[:1], vectors[:1])
    with pytest.raises(ValueError, match="unique"):
        create_dense_index(2, DIM, kind=kind).add(np.array([7, 7], dtype=np.int64), vectors[:2])
    assert len(index) == N

    # k larger than n: -1 ids and -inf scores pad the list.
    small = create_dense_index(3, DIM, kind=kind)
    small.add(ids[:3], vectors[:3])
    scores, found = small.search(queries[:2], 5)
    assert found.shape == (2, 5)
    assert sorted(found[0, :3].tolist()) == sorted(ids[:3].tolist())
    assert (found[:, 3:] == -1).all() and np.isneginf(scores[:, 3:]).all()
    assert small.search(queries[:2], 0)[1].shape == (2, 0)

    # Wrong dimension is refused with a clear error.
    with pytest.raises(ValueError, match="dimension"):
        index.search(np.ones((1, DIM + 1), dtype=np.float32), 3)

    # Save / load (by kind and by sniffing the file): identical results.
    path = tmp_path / "dense.faiss"
    index.save(path)
    before = index.search(queries, 10)
    for reopened in (load_dense_index(kind, path), load_dense_index(None, path), type(index).load(path)):
        assert reopened.kind == kind and len(reopened) == N
        after = reopened.search(queries, 10)
        np.testing.assert_array_equal(after[1], before[1])
        np.testing.assert_allclose(after[0], before[0], atol=1e-6)
        _, filtered = reopened.search(queries[:2], 3, allowed=ids[:2])
        assert set(filtered[filtered >= 0].tolist()) == set(ids[:2].tolist())


@pytest.mark.parametrize("kind", dense_kinds())
def test_corrupt_or_missing_file_names_the_file(kind: str, tmp_path: Path) -> None:
    index = create_dense_index(10, DIM, kind=kind)
    index.add(np.arange(10, dtype=np.int64), _unit(10, 3))
    path = tmp_path / "dense.faiss"
    index.save(path)
    data = path.read_bytes()

    path.write_bytes(data[: len(data) // 2])  # truncated
    with pytest.raises(CorruptIndexError, match=r"dense\.faiss"):
        load_dense_index(kind, path)
    path.write_bytes(b"not a faiss index at all" * 4)
    with pytest.raises(CorruptIndexError, match=r"dense\.faiss.*corrupt"):
        load_dense_index(None, path)
    with pytest.raises(CorruptIndexError, match="missing"):
        load_dense_index(kind, tmp_path / "absent.faiss")
    with pytest.raises(CorruptIndexError, match="unknown dense index kind"):
        load_dense_index("annoy", tmp_path / "absent.faiss")
    # A file of the other kind is refused by name, not misread.
    path.write_bytes(data)
    other = next(k for k in dense_kinds() if k != kind)
    with pytest.raises(CorruptIndexError, match=f"expected a {other} dense index"):
        load_dense_index(other, path)


def test_factory_chooses_exact_below_the_limit() -> None:
    assert create_dense_index(0, DIM).kind == "flat"
    assert create_dense_index(EXACT_LIMIT, DIM).kind == "flat"
    assert create_dense_index(EXACT_LIMIT + 1, DIM).kind == "hnsw"
    with pytest.raises(ValueError, match="unknown dense index kind"):
        create_dense_index(10, DIM, kind="annoy")
    with pytest.raises(ValueError, match="positive"):
        create_dense_index(10, 0)


def test_recall_helper(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    ids, vectors, queries = data
    flat = create_dense_index(N, DIM, kind="flat")
    flat.add(ids, vectors)
    assert recall_at_k(flat, vectors, ids, queries, k=10) == 1.0
    hnsw = create_dense_index(N, DIM, kind="hnsw")
    hnsw.add(ids, vectors)
    assert recall_at_k(hnsw, vectors, ids, queries, k=10) >= 0.95
    truth = exact_neighbours(vectors, ids, queries, 10)
    shifted = np.where(truth >= 0, truth + 1, truth)  # every id wrong
    assert recall_of_results(shifted, truth) == 0.0

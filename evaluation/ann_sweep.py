"""HNSW recall@10 against exact search, and its latency, over a grid of efSearch (and efConstruction).

    python -m evaluation.ann_sweep --index var/bench/index-1m --cache var/bench/vectors-1m.npy

The vectors are the index's own when it has embeddings; a lexical-only index gets built-in LSA vectors of
its chunks (what ``tracuu build --model builtin-lsa`` would store), cached in ``--cache`` for re-runs.
Queries: the first 50 of the dev set interleaved with ALQAC test, as in :mod:`evaluation.bench`.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from evaluation.metrics import percentile

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def _queries(limit: int = 50) -> list[str]:
    def read(path: Path) -> list[str]:
        if not path.is_file():
            return []
        return [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines() if line.strip()]

    dev = read(SHARED / "eval" / "dev.jsonl")
    alqac = read(SHARED / "external" / "alqac2023" / "test.jsonl")
    return [q for pair in zip(dev, alqac, strict=False) for q in pair][:limit] or dev[:limit]


def _vectors(index_root: Path, cache: Path | None, queries: list[str]) -> tuple[npt.NDArray[np.float32], ...]:
    from evaluation.bench import builtin_vectors
    from index.analysis import indexable_text
    from index.manifest import current_version_dir
    from index.store import Store

    directory = current_version_dir(index_root)
    if (directory / "vectors.npy").is_file():
        raise SystemExit("this index has its own vectors: `python -m evaluation.bench` measures them")
    if cache is not None and cache.is_file() and cache.with_suffix(".queries.npy").is_file():
        return np.load(cache), np.load(cache.with_suffix(".queries.npy"))
    store = Store(directory / "chunks.sqlite")
    texts = [indexable_text(c, d) for d in store.documents for c in store.chunks_of(d.doc_id)]
    store.close()
    vectors, query_vectors, _ = builtin_vectors(texts, queries)
    if cache is not None:
        np.save(cache, vectors)
        np.save(cache.with_suffix(".queries.npy"), query_vectors)
    return vectors, query_vectors


def main(argv: list[str] | None = None) -> int:
    """Print one line per (efConstruction, efSearch): recall@10 and search p50/p95."""
    import faiss

    from index.dense.flat import FlatIPIndex
    from index.dense.hnsw import DEFAULT_EF_CONSTRUCTION, HNSWIndex
    from index.dense.recall import recall_of_results

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="index root (a lexical-only one is fine)")
    parser.add_argument("--cache", type=Path, help=".npy file to keep the computed vectors in")
    parser.add_argument("--ef-construction", default=str(DEFAULT_EF_CONSTRUCTION))
    parser.add_argument("--ef-search", default="512,768,1024,1536,2048")
    args = parser.parse_args(argv)
    queries = _queries()
    vectors, query_vectors = _vectors(args.index, args.cache, queries)
    ids = np.arange(vectors.shape[0], dtype=np.int64)
    exact = FlatIPIndex(vectors.shape[1])
    exact.add(ids, vectors)
    rows = [query_vectors[i : i + 1] for i in range(len(query_vectors))]
    truth = np.vstack([exact.search(row, 10)[1] for row in rows])
    print(f"{vectors.shape[0]:,} vectors, dim {vectors.shape[1]}, {len(rows)} queries")
    for ef_construction in (int(v) for v in args.ef_construction.split(",")):
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        hnsw = HNSWIndex(vectors.shape[1], ef_construction=ef_construction)
        started = time.perf_counter()
        hnsw.add(ids, vectors)
        build_s = time.perf_counter() - started
        faiss.omp_set_num_threads(1)  # as served: one query per request
        for ef_search in (int(v) for v in args.ef_search.split(",")):
            hnsw.ef_search = ef_search
            found, times = [], []
            for row in rows:
                started = time.perf_counter()
                found.append(hnsw.search(row, 10)[1])
                times.append((time.perf_counter() - started) * 1000)
            recall = recall_of_results(np.vstack(found), truth)
            print(
                f"efConstruction {ef_construction} (build {build_s:.0f} s), efSearch {ef_search}: "
                f"recall@10 {recall:.3f}, p50 {percentile(times, 50):.2f} ms, p95 {percentile(times, 95):.2f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

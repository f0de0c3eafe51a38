"""Speed and size benchmarks of tracuu next to the outside baselines, measured in the same run.

    python -m evaluation.bench                       # bundled, ALQAC, synthetic 20k chunks (~3 min on 2 cores)
    python -m evaluation.bench --max-chunks 100000   # + synthetic 100k (~11 min; the committed report)
    python -m evaluation.bench --max-chunks 1000000  # + synthetic 1M (hours, ~10 GB RAM; LangChain skipped)
    python -m evaluation.bench --max-chunks 0        # real corpora only

For every corpus each system runs in its own fresh process, so resident memory (``/proc/self/status``) is
its own: build throughput (chunks/s), index size on disk, RSS, search (and, for tracuu, ask) latency
p50/p95 in-process. Also: exact vs ANN dense recall@10 and latency, and the start-to-result time of a fresh
``tracuu search`` process next to a fresh process that rebuilds the LangChain baseline (which cannot be
persisted without pickle). Writes ``bench.md``, ``bench.json`` and ``bench.png`` into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from evaluation.bench_report import SYSTEMS, render_markdown, write_chart
from evaluation.metrics import percentile

__all__ = ["dir_bytes", "main", "proc_memory_mb", "render_markdown", "run_bench", "write_chart"]

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "evaluation" / "reports"
DEFAULT_WORK = REPO / "var" / "bench"
SYNTH_SIZES = (20_000, 100_000, 1_000_000)
#: Resident memory per chunk of the baselines, measured at 100k chunks (LangChain 2.4 GB, bm25s 0.7 GB).
BASELINE_KB_PER_CHUNK = {"langchain-bm25": 25.0, "bm25s": 8.0}
WORKER_TIMEOUT = 4 * 3600
WARM_PASSES = 3  # passes over the questions once the first (as the index comes off the build) is done
_Q = TypeVar("_Q")


# Measurement helpers ---------------------------------------------------------------------------


_MEMORY_FIELDS = {
    "VmRSS": "rss_mb",
    "VmHWM": "peak_rss_mb",
    "RssAnon": "rss_anon_mb",
    "RssFile": "rss_file_mb",
}


def proc_memory_mb(pid: int | str = "self") -> dict[str, float]:
    """Resident memory in MB from ``/proc/<pid>/status``: current and peak, and the current split into
    private memory (RssAnon) and pages of memory-mapped files (RssFile, reclaimable page cache)."""
    values: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name = line.split(":", 1)[0]
            if name in _MEMORY_FIELDS:
                values[_MEMORY_FIELDS[name]] = round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return values


def dir_bytes(path: Path) -> int:
    """Bytes of all files below ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _latencies(
    run: Callable[[str], object], queries: Sequence[str], warmup: int = 3
) -> dict[str, float | None]:
    for query in queries[:warmup]:
        run(query)
    return _summary(_timed(run, queries))


def _timed(run: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    """Seconds ``run`` took on each query."""
    times: list[float] = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        times.append(time.perf_counter() - started)
    return times


def _summary(times: Sequence[float]) -> dict[str, float | None]:
    p50, p95 = percentile(times, 50), percentile(times, 95)
    return {
        "p50_ms": None if p50 is None else round(p50 * 1000, 2),
        "p95_ms": None if p95 is None else round(p95 * 1000, 2),
        "n": len(times),
    }


def _warm_latencies(engine: Any, queries: Sequence[str], passes: int = WARM_PASSES) -> dict[str, Any]:
    """Search latency once the index is in memory, with the rescorer and without it (the baseline),
    pass by pass in turn so that both see the same machine."""
    rescorer = engine.rescorer
    times: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(passes):
        for label in ("on", "off") if rescorer is not None else ("on",):
            engine.use_rescorer(rescorer if label == "on" else None)
            times[label] += _timed(lambda q: engine.search(q, top_k=10), queries)
    engine.use_rescorer(rescorer)
    out: dict[str, Any] = {"search_warm": _summary(times["on"])}
    if times["off"]:
        out["search_warm_no_rescore"] = _summary(times["off"])
    return out


# Workers (each in its own process) ---------------------------------------------------------------


def _worker_tracuu_build(corpus: Path, index_dir: Path) -> dict[str, Any]:
    from index.builder import build_index

    started = time.perf_counter()
    report = build_index(corpus, index_dir, full=True)
    seconds = time.perf_counter() - started
    return {
        "documents": report.documents,
        "chunks": report.chunks,
        "build_s": round(seconds, 2),
        "chunks_per_s": round(report.chunks / seconds, 1) if seconds else None,
        "index_mb": round(dir_bytes(index_dir) / 2**20, 2),
        "build_peak_rss_mb": proc_memory_mb().get("peak_rss_mb"),
        "encoder": report.encoder,
    }


def _worker_tracuu_query(index_dir: Path, queries: list[str], ask: bool, ann: bool) -> dict[str, Any]:
    from index.engine import SearchEngine

    started = time.perf_counter()
    engine = SearchEngine.open(index_dir)
    result: dict[str, Any] = {"open_s": round(time.perf_counter() - started, 3)}
    result["search"] = _latencies(lambda q: engine.search(q, top_k=10), queries)
    result.update(_warm_latencies(engine, queries))
    if ask:
        from service.answer.factory import create_answerer
        from service.settings import get_settings

        answerer = create_answerer(engine, get_settings())
        result["ask"] = _latencies(lambda q: answerer.answer(q), queries)
    result.update(proc_memory_mb())  # serving memory, before the ANN experiment loads vectors
    if ann:
        result["ann"] = _ann_experiment(engine, index_dir, queries)
    return result


def _dense_search(index: Any, query: Any) -> object:
    return index.search(query, 10)


def _index_vectors(engine: Any, queries: list[str]) -> tuple[Any, Any, str]:
    """(passage vectors, query vectors, encoder id) for the ANN experiment.

    A lexical-only index has no vectors, so the built-in LSA encoder is fitted on its chunks' indexable
    text, as ``tracuu build --model builtin-lsa`` would: it stands in for a model's vectors.
    """
    import numpy as np

    if engine.encoder is not None:
        vectors = np.ascontiguousarray(np.load(engine.directory / "vectors.npy"), dtype=np.float32)
        return vectors, engine.encoder.encode_queries(queries), engine.encoder.encoder_id
    from index.analysis import indexable_text

    texts = [indexable_text(c, d) for d in engine.documents() for c in engine.chunks_of(d.doc_id)]
    return builtin_vectors(texts, queries)


def builtin_vectors(texts: Sequence[str], queries: Sequence[str]) -> tuple[Any, Any, str]:
    """(passage vectors, query vectors, encoder id) of the built-in LSA encoder fitted on ``texts``."""
    import numpy as np

    from index.encoders.builtin import BuiltinLSAEncoder

    encoder = BuiltinLSAEncoder()
    encoder.fit(texts)
    vectors = np.vstack([encoder.encode_passages(texts[i : i + 4096]) for i in range(0, len(texts), 4096)])
    return vectors, encoder.encode_queries(list(queries)), encoder.encoder_id


def _ann_experiment(engine: Any, index_dir: Path, queries: list[str]) -> dict[str, Any]:
    """Exact (flat) vs HNSW over the index's vectors: recall@10 of HNSW and per-query latency of each."""
    import numpy as np

    from index.dense.factory import EXACT_LIMIT, create_dense_index
    from index.dense.recall import recall_of_results

    vectors, query_vectors, encoder_id = _index_vectors(engine, queries)
    ids = np.arange(vectors.shape[0], dtype=np.int64)
    result: dict[str, Any] = {
        "vectors": int(vectors.shape[0]),
        "dim": int(vectors.shape[1]),
        "queries": len(queries),
        "encoder": encoder_id,
    }
    result["index_in_use"] = "flat" if vectors.shape[0] <= EXACT_LIMIT else "hnsw"
    found: dict[str, Any] = {}
    for kind in ("flat", "hnsw"):
        index = create_dense_index(len(ids), vectors.shape[1], kind=kind)
        started = time.perf_counter()
        index.add(ids, vectors)
        result[f"{kind}_build_s"] = round(time.perf_counter() - started, 2)
        found[kind] = np.vstack([index.search(query_vectors[i : i + 1], 10)[1] for i in range(len(queries))])
        rows = [query_vectors[i : i + 1] for i in range(len(queries))]
        result[f"{kind}_search"] = _latencies(partial(_dense_search, index), rows)
    result["hnsw_recall_at_10"] = round(recall_of_results(found["hnsw"], found["flat"]), 4)
    return result


def _baseline_docs(corpus: Path) -> list[Any]:
    """Plain-text files read the way a user's own script would (tracuu's ingestion is not involved)."""
    from corpus.normalize import normalize_text
    from evaluation.baselines import SourceDocument

    docs = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".md")):
        name = str(path.relative_to(corpus))
        docs.append(SourceDocument(name, name, normalize_text(path.read_text("utf-8", errors="replace"))))
    return docs


def _worker_baseline(name: str, corpus: Path, queries: list[str], work: Path) -> dict[str, Any]:
    import warnings

    from evaluation.baselines import Bm25sBaseline, create_baseline, split_documents

    docs = _baseline_docs(corpus)
    # Library imports happen before the clock starts, as tracuu's do.
    split_documents(docs[:1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import bm25s  # noqa: F401
        from langchain_community.retrievers import BM25Retriever  # noqa: F401
    started = time.perf_counter()
    baseline = create_baseline(name, docs)
    seconds = time.perf_counter() - started
    chunks = len(baseline)
    result: dict[str, Any] = {
        "documents": len(docs),
        "chunks": chunks,
        "build_s": round(seconds, 2),
        "chunks_per_s": round(chunks / seconds, 1) if seconds else None,
        "index_mb": None,
    }
    result.update({f"build_{k}": v for k, v in proc_memory_mb().items() if k == "peak_rss_mb"})
    if isinstance(baseline, Bm25sBaseline):
        target = work / f"bm25s-{os.getpid()}"
        baseline.save(target)
        result["index_mb"] = round(dir_bytes(target) / 2**20, 2)
        shutil.rmtree(target, ignore_errors=True)
    result["search"] = _latencies(lambda q: baseline.search(q, 10), queries)
    result.update(proc_memory_mb())
    return result


def _worker_fresh_langchain(corpus: Path, query: str) -> dict[str, Any]:
    from evaluation.baselines import create_baseline

    results = create_baseline("langchain-bm25", _baseline_docs(corpus)).search(query, 10)
    return {"results": len(results)}


def _run_worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.bench --worker")
    parser.add_argument("--worker", required=True)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--query")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--ask", action="store_true")
    parser.add_argument("--ann", action="store_true")
    args = parser.parse_args(argv)
    queries: list[str] = json.loads(args.queries.read_text("utf-8")) if args.queries else []
    if args.worker == "tracuu-build":
        result = _worker_tracuu_build(args.corpus, args.index_dir)
    elif args.worker == "tracuu-query":
        result = _worker_tracuu_query(args.index_dir, queries, args.ask, args.ann)
    elif args.worker == "fresh-langchain":
        result = _worker_fresh_langchain(args.corpus, args.query)
    else:
        result = _worker_baseline(args.worker, args.corpus, queries, args.work)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _spawn(args: list[str], timeout: float = WORKER_TIMEOUT) -> dict[str, Any]:
    command = [sys.executable, "-m", "evaluation.bench", *args]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s"}
    wall = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        return {"error": f"exit {done.returncode}: {' | '.join(tail)}", "wall_s": round(wall, 2)}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = round(wall, 3)
    return result


def _fresh_search_seconds(index_dir: Path, query: str, repeats: int = 3) -> float | None:
    tracuu = Path(sys.executable).with_name("tracuu")
    base = [str(tracuu)] if tracuu.exists() else [sys.executable, "-m", "service.cli"]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(
            [*base, "search", query, "--index", str(index_dir), "--json"],
            cwd=REPO,
            capture_output=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            return None
        times.append(time.perf_counter() - started)
    return percentile(times, 50)


# Orchestration ---------------------------------------------------------------------------------


def _questions(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines() if line.strip()]


def _corpora(max_chunks: int, work: Path) -> list[tuple[str, Path, list[str]]]:
    from evaluation.load import FALLBACK_QUESTIONS
    from evaluation.synth import generate

    dev = _questions(SHARED / "eval" / "dev.jsonl") or list(FALLBACK_QUESTIONS)
    alqac_questions = _questions(SHARED / "external" / "alqac2023" / "test.jsonl")
    corpora = [("bundled", REPO / "corpus" / "documents", dev)]
    alqac = SHARED / "external" / "alqac2023" / "corpus"
    if alqac.is_dir():
        corpora.append(("alqac", alqac, alqac_questions[:60] or dev))
    mixed = [q for pair in zip(dev, alqac_questions, strict=False) for q in pair] or dev
    for size in SYNTH_SIZES:
        if size > max_chunks:
            continue
        folder = work / f"synth-{size}"
        marker = folder / ".complete"
        if not marker.exists():
            shutil.rmtree(folder, ignore_errors=True)
            print(f"generating synthetic corpus of {size} chunks in {folder} ...", file=sys.stderr)
            generate(folder, size)
            marker.write_text("ok\n")
        corpora.append((f"synthetic {size // 1000}k", folder, mixed[:50]))
    return corpora


def _expected_chunks(corpus: Path) -> int:
    """Rough chunk count before anything is built (about 800 characters per chunk)."""
    total = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
    return total // 1000


def _available_mb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _memory_guard(baseline: str, chunks: int) -> str | None:
    """Why ``baseline`` is skipped on a corpus of ``chunks`` chunks (it would not fit in memory), or None."""
    available = _available_mb()
    needed = chunks * BASELINE_KB_PER_CHUNK[baseline] / 1024
    if available is not None and needed > 0.8 * available:
        return f"skipped: needs about {needed / 1024:.1f} GB of memory, {available / 1024:.1f} GB available"
    return None


def run_bench(
    max_chunks: int, work: Path, systems: Sequence[str], ann: bool, only: Sequence[str] = ()
) -> dict[str, Any]:
    """Measure every corpus (or those named in ``only``); returns the JSON-ready results."""
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "corpora": []}
    for name, corpus, queries in _corpora(max_chunks, work):
        if only and name not in only:
            continue
        print(f"[{name}] {corpus}", file=sys.stderr)
        entry: dict[str, Any] = {"name": name, "corpus": str(corpus), "queries": len(queries), "systems": {}}
        with tempfile.TemporaryDirectory(prefix="tracuu-bench-", dir=work) as tmp_name:
            tmp = Path(tmp_name)
            qfile = tmp / "queries.json"
            qfile.write_text(json.dumps(queries, ensure_ascii=False), "utf-8")
            if "tracuu" in systems:
                index_dir = tmp / "index"
                built = _spawn(
                    ["--worker", "tracuu-build", "--corpus", str(corpus), "--index-dir", str(index_dir)]
                )
                tracuu = dict(built)
                if "error" not in built:
                    query_args = [
                        "--worker",
                        "tracuu-query",
                        "--index-dir",
                        str(index_dir),
                        "--queries",
                        str(qfile),
                    ]
                    query_args += ["--ask"]
                    if ann and not name.startswith(("bundled",)):
                        query_args += ["--ann"]
                    queried = _spawn(query_args)
                    tracuu.update({k: v for k, v in queried.items() if k != "wall_s"})
                    tracuu["fresh_search_s"] = _fresh_search_seconds(index_dir, queries[0])
                entry["systems"]["tracuu"] = tracuu
            expected_chunks = int(
                entry["systems"].get("tracuu", {}).get("chunks") or _expected_chunks(corpus)
            )
            for baseline in ("langchain-bm25", "bm25s"):
                if baseline in systems and (skip := _memory_guard(baseline, expected_chunks)):
                    entry["systems"][baseline] = {"error": skip}
                elif baseline in systems:
                    args = [
                        "--worker",
                        baseline,
                        "--corpus",
                        str(corpus),
                        "--queries",
                        str(qfile),
                        "--work",
                        str(tmp),
                    ]
                    entry["systems"][baseline] = _spawn(args)
            if "langchain-bm25" in systems and "error" not in entry["systems"].get("langchain-bm25", {}):
                fresh = _spawn(
                    ["--worker", "fresh-langchain", "--corpus", str(corpus), "--query", queries[0]]
                )
                if "error" not in fresh:
                    entry["systems"].setdefault("langchain-bm25", {})["fresh_search_s"] = fresh.get("wall_s")
        results["corpora"].append(entry)
    return results


def merge_results(previous_path: Path, new: dict[str, Any]) -> dict[str, Any]:
    """``new`` completed from an earlier run: the corpora it did not measure, and for the corpora it did,
    the systems it did not run (each marked with the run it comes from); in corpus-size order."""
    if not previous_path.is_file():
        return new
    previous = json.loads(previous_path.read_text("utf-8"))
    earlier = {entry["name"]: entry for entry in previous.get("corpora", [])}
    measured = {entry["name"] for entry in new["corpora"]}
    corpora = [entry for name, entry in earlier.items() if name not in measured]
    for entry in new["corpora"]:
        old_systems = earlier.get(entry["name"], {}).get("systems", {})
        carried = {
            name: {**result, "from_earlier_run": True}
            for name, result in old_systems.items()
            if name not in entry["systems"]
        }
        corpora.append({**entry, "systems": {**entry["systems"], **carried}})
    merged = dict(new)
    merged["corpora"] = sorted(
        corpora,
        key=lambda e: int(
            e.get("systems", {}).get("tracuu", {}).get("chunks") or _expected_chunks(Path(e["corpus"]))
        ),
    )
    merged["merged_from"] = str(previous_path)
    return merged


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks (or, with ``--worker``, one measurement in this process)."""
    argv = sys.argv[1:] if argv is None else argv
    if "--worker" in argv:
        return _run_worker(argv)
    parser = argparse.ArgumentParser(prog="python -m evaluation.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--max-chunks",
        type=int,
        default=20_000,
        help="largest synthetic corpus: 20000, 100000, 1000000 (0: none)",
    )
    parser.add_argument(
        "--systems", default=",".join(SYSTEMS), help="comma-separated subset of: " + ", ".join(SYSTEMS)
    )
    parser.add_argument("--no-ann", action="store_true", help="skip the exact vs ANN experiment")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="synthetic corpora and scratch space")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--only",
        default="",
        help='comma-separated corpus names to measure (e.g. "synthetic 1000k"); default: all up to --max-chunks',
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="update an existing OUT/bench.json: keep the corpora and systems this run does not measure",
    )
    args = parser.parse_args(argv)
    systems = [s.strip() for s in args.systems.split(",") if s.strip() in SYSTEMS]
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    started = time.perf_counter()
    results = run_bench(args.max_chunks, args.work, systems, not args.no_ann, only)
    results["total_s"] = round(time.perf_counter() - started, 1)
    if args.merge:
        results = merge_results(args.out / "bench.json", results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    markdown = render_markdown(results)
    (args.out / "bench.md").write_text(markdown, "utf-8")
    write_chart(results, args.out / "bench.png")
    print(markdown)
    print(f"written to {args.out}/bench.md, bench.json, bench.png in {results['total_s']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

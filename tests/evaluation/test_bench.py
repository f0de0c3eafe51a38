from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaluation.bench import (
    _latencies,
    _warm_latencies,
    dir_bytes,
    merge_results,
    proc_memory_mb,
    render_markdown,
    run_bench,
    write_chart,
)


def _results() -> dict[str, Any]:
    def system(chunks: int, p50: float, rss: float, **extra: Any) -> dict[str, Any]:
        return {
            "chunks": chunks,
            "chunks_per_s": 1000.0,
            "rss_mb": rss,
            "search": {"p50_ms": p50, "p95_ms": p50 * 2},
            **extra,
        }

    return {
        "cpus": 2,
        "python": "3.11",
        "corpora": [
            {
                "name": "bundled",
                "systems": {
                    "tracuu": system(100, 2.0, 200.0, documents=5, ask={"p50_ms": 9.0, "p95_ms": 12.0}),
                    "langchain-bm25": system(150, 8.0, 100.0, documents=5),
                    "bm25s": {"error": "exit 1: boom"},
                },
            },
            {
                "name": "synthetic 100k",
                "systems": {
                    "tracuu": system(100_000, 20.0, 900.0),
                    "langchain-bm25": system(120_000, 800.0, 2500.0),
                },
            },
        ],
    }


def test_markdown_puts_each_figure_next_to_the_baselines_with_ratios() -> None:
    text = render_markdown(_results())
    assert "| search p50 (ms) | 2.00 | 8.00 | 0.25× | – | – |" in text
    assert "| RSS while serving (MB) | 200 | 100 | 2.00× |" in text
    assert "| ask p50 (ms) | 9.00 | – | – |" in text
    assert "bm25s failed: exit 1: boom" in text
    assert "## synthetic 100k" in text


def test_chart_and_helpers(tmp_path: Path) -> None:
    write_chart(_results(), tmp_path / "bench.png")
    assert (tmp_path / "bench.png").read_bytes()[:4] == b"\x89PNG"
    memory = proc_memory_mb()
    assert memory["rss_mb"] > 10 and memory["peak_rss_mb"] >= memory["rss_mb"]
    assert dir_bytes(tmp_path) == (tmp_path / "bench.png").stat().st_size
    calls: list[str] = []
    stats = _latencies(calls.append, ["a", "b", "c", "d"], warmup=2)
    assert stats["n"] == 4 and calls == ["a", "b", "a", "b", "c", "d"]
    assert stats["p50_ms"] is not None and stats["p95_ms"] is not None


def test_merge_keeps_what_the_new_run_did_not_measure(tmp_path: Path) -> None:
    earlier = _results()
    (tmp_path / "bench.json").write_text(json.dumps(earlier), "utf-8")
    rerun = {
        "corpora": [{"name": "synthetic 100k", "systems": {"tracuu": {"chunks": 100_000, "rss_mb": 700.0}}}]
    }
    merged = merge_results(tmp_path / "bench.json", rerun)
    assert [entry["name"] for entry in merged["corpora"]] == ["bundled", "synthetic 100k"]
    systems = merged["corpora"][1]["systems"]
    assert systems["tracuu"] == {"chunks": 100_000, "rss_mb": 700.0}  # the new measurement wins
    assert systems["langchain-bm25"]["search"]["p50_ms"] == 800.0  # the baseline not re-run is kept...
    assert systems["langchain-bm25"]["from_earlier_run"] is True  # ...and says so
    assert merged["corpora"][0] == earlier["corpora"][0]
    assert "langchain-bm25: figures from an earlier run" in render_markdown(merged)
    assert merge_results(tmp_path / "missing.json", rerun) == rerun


@pytest.mark.slow
def test_baseline_bench_on_the_real_corpora(tmp_path: Path) -> None:
    results = run_bench(0, tmp_path, ["bm25s"], ann=False)
    names = [entry["name"] for entry in results["corpora"]]
    assert names[:2] == ["bundled", "alqac"]
    alqac = results["corpora"][1]["systems"]["bm25s"]
    assert "error" not in alqac, alqac
    assert alqac["documents"] == 17 and alqac["chunks"] > 2000
    assert alqac["index_mb"] > 0 and alqac["rss_mb"] > 0
    assert alqac["search"]["n"] == 60
    json.dumps(results)


def test_warm_latency_is_measured_with_and_without_rescoring(seeds_dir: Path, tmp_path: Path) -> None:
    from index.builder import build_index
    from index.engine import SearchEngine

    build_index(seeds_dir, tmp_path / "index")
    engine = SearchEngine.open(tmp_path / "index")
    rescorer = engine.rescorer
    assert rescorer is not None  # a lexical-only index is rescored
    queries = ["so nao phu trach nha o xa hoi", "Ai chủ trì cải cách hành chính ở Lạng Sơn?"]
    warm = _warm_latencies(engine, queries, passes=2)
    assert warm["search_warm"]["n"] == 4 and warm["search_warm_no_rescore"]["n"] == 4
    assert engine.rescorer is rescorer  # put back
    entry = {"tracuu": {"chunks": 138, "search": {"p50_ms": 2.0, "p95_ms": 3.0}, **warm}}
    text = render_markdown({"corpora": [{"name": "bundled", "queries": 2, "systems": entry}]})
    assert "| search p50 / p95, warm (ms) |" in text and "| … without rescoring, same passes (ms) |" in text
    engine.close()

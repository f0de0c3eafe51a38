"""Markdown tables and the latency chart of :mod:`evaluation.bench` results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["SYSTEMS", "render_markdown", "write_chart"]

SYSTEMS = ("tracuu", "langchain-bm25", "bm25s")


_ROWS: tuple[tuple[str, Callable[[dict[str, Any]], Any], str], ...] = (
    ("chunks", lambda s: s.get("chunks"), ""),
    ("build throughput (chunks/s)", lambda s: s.get("chunks_per_s"), "higher"),
    ("index size on disk (MB)", lambda s: s.get("index_mb"), "lower"),
    ("RSS while serving (MB)", lambda s: s.get("rss_mb"), "lower"),
    ("… of which private (MB)", lambda s: s.get("rss_anon_mb"), "lower"),
    ("… of which mapped index files (MB)", lambda s: s.get("rss_file_mb"), "lower"),
    ("peak RSS while building (MB)", lambda s: s.get("build_peak_rss_mb"), "lower"),
    ("search p50 (ms)", lambda s: (s.get("search") or {}).get("p50_ms"), "lower"),
    ("search p95 (ms)", lambda s: (s.get("search") or {}).get("p95_ms"), "lower"),
    ("search p50 / p95, warm (ms)", lambda s: _pair(s.get("search_warm")), ""),
    ("… without rescoring, same passes (ms)", lambda s: _pair(s.get("search_warm_no_rescore")), ""),
    ("ask p50 (ms)", lambda s: (s.get("ask") or {}).get("p50_ms"), "lower"),
    ("ask p95 (ms)", lambda s: (s.get("ask") or {}).get("p95_ms"), "lower"),
    ("fresh process search start-to-result (s)", lambda s: s.get("fresh_search_s"), "lower"),
)


def _pair(stats: dict[str, Any] | None) -> str | None:
    """ "p50 / p95" of a latency summary (None when not measured)."""
    if not stats or stats.get("p50_ms") is None:
        return None
    return f"{_num(stats['p50_ms'])} / {_num(stats.get('p95_ms'))}"


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _ratio(ours: Any, theirs: Any) -> str:
    if not isinstance(ours, int | float) or not isinstance(theirs, int | float) or not theirs:
        return "–"
    return f"{ours / theirs:.2f}×"


def render_markdown(results: dict[str, Any]) -> str:
    """Tables per corpus: tracuu next to each baseline, with the tracuu/baseline ratio."""
    lines = [
        "# Benchmarks",
        "",
        f"{results.get('cpus')} CPU cores, Python {results.get('python')}; each system measured in its own "
        "fresh process in the same run. Ratio = tracuu / baseline (lower is better for times and sizes, "
        "higher for throughput). LangChain's BM25Retriever keeps its index in memory only (no pickle-free "
        "persistence), so a fresh process has to rebuild it.",
    ]
    for entry in results["corpora"]:
        systems = entry["systems"]
        tracuu = systems.get("tracuu", {})
        lc = systems.get("langchain-bm25", {})
        bm = systems.get("bm25s", {})
        lines += [
            "",
            f"## {entry['name']} ({_num(tracuu.get('documents') or lc.get('documents'))} documents)",
            "",
        ]
        lines += [
            "| metric | tracuu | LangChain BM25 | ratio | bm25s | ratio |",
            "|---|---|---|---|---|---|",
        ]
        for label, get, _ in _ROWS:
            ours, theirs, other = get(tracuu), get(lc), get(bm)
            lines.append(
                f"| {label} | {_num(ours)} | {_num(theirs)} | {_ratio(ours, theirs)} | {_num(other)} | "
                f"{_ratio(ours, other)} |"
            )
        for name, system in systems.items():
            if "error" in system:
                lines.append(f"\n{name} failed: {system['error']}")
            elif system.get("from_earlier_run"):
                lines.append(
                    f"\n{name}: figures from an earlier run (not re-run with this one; ratios mix runs)."
                )
        ann = tracuu.get("ann")
        if ann:
            lines += _ann_lines(ann)
    return "\n".join(lines) + "\n"


def _ann_lines(ann: dict[str, Any]) -> list[str]:
    flat, hnsw = ann.get("flat_search") or {}, ann.get("hnsw_search") or {}
    return [
        "",
        f"Dense search over {_num(ann.get('vectors'))} vectors of the same chunks (`{ann.get('encoder')}`, "
        f"dim {ann.get('dim')}, {ann.get('queries')} queries; an index with embeddings uses "
        f"`{ann.get('index_in_use')}` at this size): "
        f"HNSW recall@10 vs exact = {ann.get('hnsw_recall_at_10')}",
        "",
        "| dense index | build (s) | search p50 (ms) | search p95 (ms) |",
        "|---|---|---|---|",
        f"| exact (flat) | {_num(ann.get('flat_build_s'))} | {_num(flat.get('p50_ms'))} | {_num(flat.get('p95_ms'))} |",
        f"| HNSW | {_num(ann.get('hnsw_build_s'))} | {_num(hnsw.get('p50_ms'))} | {_num(hnsw.get('p95_ms'))} |",
    ]


def write_chart(results: dict[str, Any], path: Path) -> None:
    """Search latency (p50 and p95) against corpus size (chunks), log-log, per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5), constrained_layout=True)
    for number, (system, marker) in enumerate(zip(SYSTEMS, ("o", "s", "^"), strict=True)):
        for stat, style in (("p50_ms", "-"), ("p95_ms", ":")):
            points = sorted(
                (entry["systems"][system]["chunks"], entry["systems"][system]["search"][stat])
                for entry in results["corpora"]
                if system in entry["systems"]
                and entry["systems"][system].get("chunks")
                and (entry["systems"][system].get("search") or {}).get(stat) is not None
            )
            if points:
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, style, marker=marker, color=f"C{number}", label=f"{system} {stat[:3]}")
    ask = sorted(
        (entry["systems"]["tracuu"]["chunks"], entry["systems"]["tracuu"]["ask"]["p50_ms"])
        for entry in results["corpora"]
        if (entry["systems"].get("tracuu", {}).get("ask") or {}).get("p50_ms") is not None
    )
    if ask:
        xs, ys = zip(*ask, strict=True)
        ax.plot(xs, ys, "--", marker="o", color="grey", label="tracuu ask p50")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("latency (ms, in-process)")
    ax.set_title("Search (and ask) latency vs corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.savefig(path, dpi=110)
    plt.close(fig)

"""Evaluation reports: Markdown tables for people, JSON for machines, PNG charts of the comparison."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from evaluation.results import AnswerBlock, ConfigReport, EvalReport, MetricBlock

__all__ = ["fmt", "render_markdown", "write_chart", "write_report"]

DEFAULT_OUT = Path("var/eval")
_METRICS = (
    ("Hit@1", "hit_at_1"),
    ("Hit@5", "hit_at_5"),
    ("Hit@10", "hit_at_10"),
    ("MRR@10", "mrr_at_10"),
    ("nDCG@10", "ndcg_at_10"),
)


def fmt(value: float | int | None, digits: int = 3) -> str:
    """A number for a table; an en dash when there is none."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _available(report: EvalReport) -> list[ConfigReport]:
    return [c for c in report.configs if c.available and c.overall is not None]


def comparison_table(report: EvalReport) -> list[str]:
    """Overall retrieval metrics, one row per configuration."""
    rows: list[list[str]] = []
    for config in report.configs:
        if not config.available or config.overall is None:
            rows.append([config.label, "–", "–", *["–" for _ in _METRICS], f"unavailable: {config.note}"])
            continue
        block = config.overall
        rows.append(
            [
                config.label,
                fmt(config.units),
                fmt(config.median_unit_chars, 0),
                *[fmt(getattr(block, attr)) for _, attr in _METRICS],
                "",
            ]
        )
    return _table(["configuration", "chunks", "median chars", *[m for m, _ in _METRICS], "note"], rows)


def breakdown_table(report: EvalReport, axis: str) -> list[str]:
    """Hit@5 / MRR@10 per group (``axis`` is "variant" or "type"), one column per configuration."""
    configs = _available(report)
    groups: list[str] = sorted(
        {g for c in configs for g in (c.by_variant if axis == "variant" else c.by_type)},
    )
    rows: list[list[str]] = []
    for group in groups:
        row = [group]
        count = 0
        for config in configs:
            blocks: dict[str, MetricBlock] = config.by_variant if axis == "variant" else config.by_type
            block = blocks.get(group)
            count = max(count, block.n if block else 0)
            row.append(f"{fmt(block.hit_at_5, 2)} / {fmt(block.mrr_at_10, 2)}" if block else "–")
        rows.append([row[0], str(count), *row[1:]])
    return _table([axis, "n", *[f"{c.name} Hit@5 / MRR" for c in configs]], rows)


def _answer_rows(blocks: dict[str, AnswerBlock]) -> list[list[str]]:
    return [[name, str(b.scored), fmt(b.accuracy)] for name, b in blocks.items()]


def answer_section(report: EvalReport) -> list[str]:
    """Answer, abstention and citation metrics of the default configuration."""
    answers = report.answers
    if answers is None:
        return []
    lines = [f"## Answers ({report.default_config}, answerer: {answers.answerer})", ""]
    lines += _table(
        ["metric", "value"],
        [
            [
                "answer accuracy (answerable with a key)",
                f"{fmt(answers.overall.accuracy)} (n={answers.overall.scored})",
            ],
            ["abstention precision", fmt(answers.abstention_precision)],
            ["abstention recall", fmt(answers.abstention_recall)],
            ["false abstentions (answerable)", str(answers.false_abstentions)],
            ["missed abstentions (unanswerable)", str(answers.missed_abstentions)],
            [
                "citation validity",
                f"{fmt(answers.citation_validity)} ({answers.valid_citations}/{answers.citations})",
            ],
            ["citation support", f"{fmt(answers.citation_support)} (n={answers.support_scored})"],
            ["errors", str(answers.errors)],
        ],
    )
    if any(b.scored for b in answers.by_variant.values()):
        lines += ["", "Accuracy by variant (unanswerable: correct = abstained):", ""]
        lines += _table(["variant", "n", "accuracy"], _answer_rows(answers.by_variant))
        lines += ["", "Accuracy by type:", ""]
        lines += _table(["type", "n", "accuracy"], _answer_rows(answers.by_type))
    wrong = [q.id for q in answers.questions if q.correct is False]
    if wrong:
        lines += ["", f"Wrong or missing answers: {', '.join(wrong)}"]
    return lines


def render_markdown(report: EvalReport) -> str:
    """The whole report as Markdown."""
    index = report.index
    lines = [
        f"# Evaluation: {report.qa_file}",
        "",
        f"{report.questions} questions ({', '.join(report.formats)}), {report.answerable} answerable, "
        f"{report.scored} with judged retrieval; metrics at k={report.k} over those.",
        f"Index ({index.get('origin')}): {index.get('documents')} documents, {index.get('chunks')} chunks, "
        f"encoder {index.get('encoder')}"
        + (f", corpus {index['corpus']}" if index.get("corpus") else "")
        + ".",
        "",
        "## Retrieval",
        "",
        *comparison_table(report),
        "",
        "By variant (Hit@5 / MRR@10):",
        "",
        *breakdown_table(report, "variant"),
        "",
        "By question type (Hit@5 / MRR@10):",
        "",
        *breakdown_table(report, "type"),
    ]
    try:
        default = report.config(report.default_config)
    except KeyError:
        default = None
    if default is not None and default.available:
        misses = [q.id for q in default.questions if q.scored and q.first_relevant_rank is None]
        if misses:
            lines += ["", f"No relevant passage in the top {report.k} ({default.name}): {', '.join(misses)}"]
    answer_lines = answer_section(report)
    if answer_lines:
        lines += ["", *answer_lines]
    return "\n".join(lines) + "\n"


def write_chart(report: EvalReport, path: Path) -> Path:
    """Grouped bars of the overall metrics per configuration, and MRR@10 per variant (or type)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    configs = _available(report)
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), constrained_layout=True)
    width = 0.8 / max(1, len(configs))
    for position, config in enumerate(configs):
        block = config.overall
        assert block is not None
        values = [getattr(block, attr) or 0.0 for _, attr in _METRICS]
        xs = [i + position * width for i in range(len(_METRICS))]
        axes[0].bar(xs, values, width, label=config.name)
    axes[0].set_xticks(
        [i + width * (len(configs) - 1) / 2 for i in range(len(_METRICS))], [m for m, _ in _METRICS]
    )
    axes[0].set_ylim(0, 1.05)
    axes[0].set_title(f"Retrieval on {report.qa_file} (n={report.scored})")

    use_variant = len({g for c in configs for g in c.by_variant}) > 1
    groups = sorted({g for c in configs for g in (c.by_variant if use_variant else c.by_type)})
    for position, config in enumerate(configs):
        blocks = config.by_variant if use_variant else config.by_type
        values = [(blocks[g].mrr_at_10 or 0.0) if g in blocks else 0.0 for g in groups]
        xs = [i + position * width for i in range(len(groups))]
        axes[1].bar(xs, values, width, label=config.name)
    axes[1].set_xticks([i + width * (len(configs) - 1) / 2 for i in range(len(groups))], groups, rotation=20)
    axes[1].set_ylim(0, 1.05)
    axes[1].set_title(f"MRR@{report.k} by {'variant' if use_variant else 'question type'}")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=max(1, len(configs)), fontsize=9)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(report: EvalReport, out_dir: Path = DEFAULT_OUT) -> dict[str, Path]:
    """Write ``<set>.md``, ``<set>.json`` and ``<set>.png`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(report.qa_file).stem or "eval"
    if report.formats == ["alqac"] and not stem.startswith("alqac"):
        stem = f"alqac-{stem}"
    paths = {
        "markdown": out_dir / f"{stem}.md",
        "json": out_dir / f"{stem}.json",
        "chart": out_dir / f"{stem}.png",
    }
    paths["markdown"].write_text(render_markdown(report), encoding="utf-8")
    paths["json"].write_text(
        json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    write_chart(report, paths["chart"])
    return paths

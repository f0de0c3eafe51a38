"""`tracuu eval`: arguments and command, called by ``service/cli.py``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evaluation.harness import ALL_CONFIGS, EvalError, run_eval
from evaluation.qa import QAFormatError
from evaluation.report import DEFAULT_OUT, render_markdown, write_report

__all__ = ["add_eval_arguments", "run_eval_command"]


def _configs(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in ALL_CONFIGS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown configuration(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(ALL_CONFIGS)}"
        )
    return names


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `tracuu eval` options to ``parser``."""
    parser.add_argument("--qa", type=Path, required=True, help="QA set (.jsonl, plans or ALQAC format)")
    parser.add_argument(
        "--index", type=Path, default=None, help="index to evaluate (default: TRACUU_INDEX_DIR)"
    )
    parser.add_argument(
        "--corpus", type=Path, default=None, help="evaluate a fresh temporary index of this folder instead"
    )
    parser.add_argument(
        "--model", default=None, help="sentence-transformers model for the hybrid+model configuration"
    )
    parser.add_argument(
        "--reranker",
        default=None,
        help="cross-encoder (name or local path) for the hybrid+rerank configuration (default: TRACUU_RERANKER)",
    )
    parser.add_argument(
        "--configs",
        type=_configs,
        default=list(ALL_CONFIGS),
        help=f"comma-separated configurations to compare (default: all: {','.join(ALL_CONFIGS)})",
    )
    parser.add_argument("--no-answers", action="store_true", help="retrieval metrics only (skip answering)")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"report folder (default: {DEFAULT_OUT})"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON report on stdout")


def run_eval_command(args: argparse.Namespace) -> int:
    """Run `tracuu eval`; 0 on success, 2 when the input cannot be used (message on stderr)."""
    try:
        report = run_eval(
            args.qa,
            index_dir=args.index,
            corpus_dir=args.corpus,
            configs=args.configs,
            answers=not args.no_answers,
            model=args.model,
            reranker=getattr(args, "reranker", None),
            progress=sys.stderr.isatty() and not args.json,
        )
    except (QAFormatError, EvalError, FileNotFoundError) as exc:
        print(f"tracuu eval: {exc}", file=sys.stderr)
        return 2
    paths = write_report(report, args.out)
    if args.json:
        print(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(render_markdown(report))
        print("Reports written: " + ", ".join(str(p) for p in paths.values()))
    return 0

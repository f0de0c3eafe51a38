"""The ``tracuu`` command line: build, serve, search, ask, parse, eval.

Imports are local to each command so that ``tracuu search`` starts fast: torch and
sentence-transformers load only when a configured model needs them.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.settings import Settings

log = logging.getLogger("tracuu")


def _settings(args: argparse.Namespace) -> Settings:
    from service.settings import get_settings

    overrides: dict[str, Any] = {}
    for name in ("index", "corpus", "model", "reranker", "host", "port"):
        value = getattr(args, name, None)
        if value is not None:
            key = {"index": "index_dir", "corpus": "corpus_dir"}.get(name, name)
            overrides[key] = value
    return get_settings().model_copy(update=overrides)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _open_engine(settings: Settings) -> Any:
    from index.engine import SearchEngine

    engine = SearchEngine.open(settings.index_dir)
    if settings.reranker:
        from index.rerank.factory import create_reranker  # loads torch: only with a reranker set

        engine.use_reranker(*create_reranker(settings.reranker))
    return engine


def _build(settings: Settings, *, full: bool, progress: bool) -> int:
    from index.builder import build_index

    report = build_index(
        settings.corpus_dir, settings.index_dir, model=settings.model, full=full, progress=progress
    )
    print(report.summary())
    return 1 if report.failed and report.documents == 0 else 0


def cmd_build(args: argparse.Namespace) -> int:
    """tracuu build."""
    settings = _settings(args)
    return _build(settings, full=args.full, progress=sys.stderr.isatty())


def cmd_serve(args: argparse.Namespace) -> int:
    """tracuu serve."""
    from service.api.server import serve

    serve(_settings(args))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """tracuu search."""
    from index.models import SearchFilters

    settings = _settings(args)
    engine = _open_engine(settings)
    filters = (
        SearchFilters(province=args.province, doc_id=args.doc_id) if (args.province or args.doc_id) else None
    )
    passages = engine.search(args.query, top_k=args.top_k, filters=filters)
    if args.json:
        _print_json({"results": [p.model_dump(mode="json") for p in passages]})
        return 0
    if not passages:
        print("Không tìm thấy đoạn văn bản phù hợp.")
    for rank, passage in enumerate(passages, 1):
        print(f"[{rank}] {passage.score:.4f}  {passage.title[:90]}")
        print(f"    {passage.section}")
        snippet = " ".join(passage.text.split())
        print(f"    {snippet[:300]}{'…' if len(snippet) > 300 else ''}\n")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """tracuu ask."""
    from service.answer.factory import create_answerer

    settings = _settings(args)
    engine = _open_engine(settings)
    answerer = create_answerer(engine, settings)
    answer = answerer.answer(args.question, top_k=args.top_k)
    if args.json:
        _print_json(answer.model_dump(mode="json"))
        return 0
    print(answer.answer)
    if answer.citations:
        print()
        for citation in answer.citations:
            print(f"[{citation.marker}] {citation.title[:80]} › {citation.section}")
            print(f"    “{citation.quote}”")
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    """tracuu parse."""
    from corpus.errors import IngestError
    from corpus.pipeline import parse_file

    try:
        parsed = parse_file(Path(args.file))
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        document = parsed.document.model_dump(mode="json") | {"text": parsed.text}
        _print_json({"document": document, "chunks": [c.model_dump(mode="json") for c in parsed.chunks]})
        return 0
    doc = parsed.document
    for label, value in (
        ("Văn bản", doc.title),
        ("Loại", doc.doc_type),
        ("Số hiệu", doc.number),
        ("Ngày", doc.date),
        ("Cơ quan", doc.issuer),
        ("Tỉnh", doc.province),
        ("Huyện", doc.district),
        ("Người ký", doc.signer),
    ):
        print(f"{label:9}: {value if value is not None else '—'}")
    print(f"{len(parsed.chunks)} đoạn (chunks):")
    for chunk in parsed.chunks:
        words = len(chunk.text.split())
        print(f"  {chunk.chunk_id:>12}  [{chunk.start}:{chunk.end}] {words:4} từ  {chunk.section}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """tracuu eval."""
    from evaluation.cli import run_eval_command

    return run_eval_command(args)


_RERANKER_HELP = (
    "cross-encoder model name or local path that reorders the top passages (default: TRACUU_RERANKER; "
    "unset = no reranking)"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tracuu", description="Tra cứu văn bản: search and ask Vietnamese documents"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build or incrementally update the index")
    build.add_argument("--corpus", type=Path, help="documents folder (default corpus/documents)")
    build.add_argument("--index", type=Path, help="index folder (default var/index)")
    build.add_argument(
        "--model",
        help="sentence-transformers model name or local path for hybrid search; builtin-lsa for the built-in "
        "offline encoder; default: lexical-only",
    )
    build.add_argument("--full", action="store_true", help="rebuild everything from scratch")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="serve the HTTP API and web page (builds first if needed)")
    serve.add_argument("--index", type=Path)
    serve.add_argument("--corpus", type=Path)
    serve.add_argument("--model")
    serve.add_argument("--reranker", help=_RERANKER_HELP)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=cmd_serve)

    search = sub.add_parser("search", help="ranked passages for a query")
    search.add_argument("query")
    search.add_argument("--index", type=Path)
    search.add_argument("--top-k", type=int, default=10)
    search.add_argument("--province")
    search.add_argument("--doc-id")
    search.add_argument("--reranker", help=_RERANKER_HELP)
    search.add_argument("--json", action="store_true", help="print the HTTP response body")
    search.set_defaults(func=cmd_search)

    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question")
    ask.add_argument("--index", type=Path)
    ask.add_argument("--top-k", type=int, default=None)
    ask.add_argument("--reranker", help=_RERANKER_HELP)
    ask.add_argument("--json", action="store_true", help="print the HTTP response body")
    ask.set_defaults(func=cmd_ask)

    parse = sub.add_parser("parse", help="show what ingestion makes of one file")
    parse.add_argument("file")
    parse.add_argument("--json", action="store_true")
    parse.set_defaults(func=cmd_parse)

    evaluate = sub.add_parser("eval", help="quality metrics on a QA set")
    try:
        from evaluation.cli import add_eval_arguments
    except ImportError:  # evaluation extras not installed
        evaluate.add_argument("--qa", required=True, type=Path)
    else:
        add_eval_arguments(evaluate)
    evaluate.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tracuu`` command."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from corpus.errors import IngestError
    from index.errors import TracuuIndexError

    try:
        return int(args.func(args))
    except (TracuuIndexError, IngestError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

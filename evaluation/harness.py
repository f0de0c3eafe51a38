"""Run a QA set through tracuu (and the outside baselines) and measure it.

``run_eval`` compares retrieval configurations on the same questions in one deterministic run:

* ``lexical``, ``dense``, ``hybrid``: the index's own modes (``SearchEngine.search(..., mode=...)``).
  ``lexical`` is what the service uses without a model (the default); ``dense`` and ``hybrid`` need
  embeddings, so on a lexical-only index they run over a second index built with the built-in LSA
  encoder (the ablation that decided the default);
* ``hybrid+model``: hybrid over an index built with the configured sentence-transformers model
  (``--model`` / ``TRACUU_MODEL``), when one is configured and loads;
* ``hybrid+rerank``: the default engine (the index evaluated, in its default mode) with the configured
  cross-encoder (``--reranker`` / ``TRACUU_RERANKER``) reordering its top passages, when one is configured
  and loads;
* ``langchain-bm25`` and ``bm25s``: what a user would assemble instead (see :mod:`evaluation.baselines`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from evaluation import metrics
from evaluation.baselines import (
    BASELINES,
    create_baseline,
    documents_from_retriever,
    split_documents,
)
from evaluation.qa import QAItem, load_qa
from evaluation.relevance import ArticleSpans, RetrievedUnit, article_spans, n_targets
from evaluation.results import AnswerReport, ConfigReport, EvalReport
from evaluation.scoring import EngineSystem, K, all_chunks, evaluate_answers, score_system, variant_key

__all__ = ["ALL_CONFIGS", "DEFAULT_CONFIG", "EvalError", "run_eval", "variant_key"]

DEFAULT_CONFIG = "lexical"
ENGINE_MODES = ("lexical", "dense", "hybrid")
MODEL_CONFIG = "hybrid+model"
RERANK_CONFIG = "hybrid+rerank"
ALL_CONFIGS: tuple[str, ...] = (*ENGINE_MODES, MODEL_CONFIG, RERANK_CONFIG, *BASELINES)

_LABELS = {
    "lexical": "tracuu lexical",
    "dense": "tracuu dense",
    "hybrid": "tracuu hybrid",
    MODEL_CONFIG: "tracuu hybrid + model",
    RERANK_CONFIG: "tracuu hybrid + reranker",
    "langchain-bm25": "LangChain splitter + BM25Retriever",
    "bm25s": "LangChain splitter + bm25s",
}


class EvalError(RuntimeError):
    """An evaluation that cannot run; the message names what is missing and the fix."""


# Index handling ------------------------------------------------------------------------------------


@dataclass
class _Opened:
    engine: Any
    origin: str  # "existing" or "temporary"
    corpus_dir: Path | None
    failed: int = 0


def _build_and_open(corpus_dir: Path, root: Path, model: str | None, progress: bool) -> tuple[Any, Any]:
    from index.builder import build_index
    from index.engine import SearchEngine

    if not corpus_dir.is_dir():
        raise EvalError(f"corpus folder not found: {corpus_dir} (pass an existing folder with --corpus)")
    report = build_index(corpus_dir, root, model=model, full=True, progress=progress)
    if report.documents == 0:
        raise EvalError(f"no document of {corpus_dir} could be indexed; check the files (tracuu parse FILE)")
    return SearchEngine.open(root, model=model), report


def _open_main(
    index_dir: Path | None, corpus_dir: Path | None, settings: Any, tmp: Path, progress: bool
) -> _Opened:
    from index.engine import SearchEngine
    from index.errors import IndexNotFoundError

    if corpus_dir is None and index_dir is not None:
        # A missing index is built on the fly; a broken one is the user's to fix, so its error propagates.
        try:
            engine = SearchEngine.open(index_dir)
        except IndexNotFoundError:
            pass
        else:
            corpus = engine.manifest.get("corpus", {}).get("dir")
            return _Opened(engine, "existing", Path(corpus) if corpus else None)
    source = corpus_dir if corpus_dir is not None else Path(settings.corpus_dir)
    engine, report = _build_and_open(source, tmp / "index", None, progress)
    return _Opened(engine, "temporary", source, failed=len(report.failed))


# Entry point ---------------------------------------------------------------------------------------


def _check_configs(configs: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(c.strip() for c in configs if c.strip()))
    unknown = [c for c in chosen if c not in ALL_CONFIGS]
    if unknown:
        raise EvalError(
            f"unknown configuration(s) {', '.join(unknown)}; choose from {', '.join(ALL_CONFIGS)}"
        )
    if not chosen:
        raise EvalError(f"no configuration selected; choose from {', '.join(ALL_CONFIGS)}")
    return chosen


def _unavailable(name: str, note: str) -> ConfigReport:
    return ConfigReport(name=name, label=_LABELS[name], kind="tracuu", available=False, note=note)


def run_eval(
    qa_path: Path,
    *,
    index_dir: Path | None = None,
    corpus_dir: Path | None = None,
    configs: Sequence[str] = ALL_CONFIGS,
    answers: bool = True,
    model: str | None = None,
    reranker: str | None = None,
    settings: Any = None,
    progress: bool = False,
) -> EvalReport:
    """Evaluate ``qa_path`` (plans or ALQAC format) and compare retrieval configurations.

    Args:
        qa_path: JSON-lines QA set.
        index_dir: Live index to evaluate; built in a temporary folder from the corpus when it does not exist.
        corpus_dir: Evaluate a fresh temporary index of this folder instead (``--corpus``).
        configs: Configurations to compare (see :data:`ALL_CONFIGS`).
        answers: Also ask every question with the default answerer and score answers and citations.
        model: sentence-transformers model for ``hybrid+model`` (default: the configured ``settings.model``).
        reranker: cross-encoder for ``hybrid+rerank`` (default: the configured ``settings.reranker``).
        settings: Service settings (default: :func:`service.settings.get_settings`).
        progress: Show build progress on stderr.

    Returns:
        The :class:`EvalReport`; the same inputs give the same report.
    """
    if settings is None:
        from service.settings import get_settings

        settings = get_settings()
    chosen = _check_configs(configs)
    items = load_qa(Path(qa_path))
    model = model or getattr(settings, "model", None)
    reranker = reranker or getattr(settings, "reranker", None)
    if index_dir is None and corpus_dir is None:
        index_dir = Path(settings.index_dir)

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tracuu-eval-")))
        opened = _open_main(index_dir, corpus_dir, settings, tmp, progress)
        engine = opened.engine
        stack.callback(engine.close)
        docs = documents_from_retriever(engine)
        spans: dict[tuple[str, str], tuple[int, int]] = {}
        if any(i.format == "alqac" for i in items):
            for doc in docs:
                spans.update(article_spans(doc.text, doc.source))
        chunk_lengths = [float(len(c.text)) for c in all_chunks(engine)]
        baseline_units: list[RetrievedUnit] | None = None

        default_config = DEFAULT_CONFIG if engine.info.retrieval == "lexical" else "hybrid"
        dense_engine: Any = engine if engine.info.retrieval == "hybrid" else None
        reports: list[ConfigReport] = []
        for name in chosen:
            if name in ENGINE_MODES:
                mode: Literal["lexical", "dense", "hybrid"] = name  # type: ignore[assignment]
                used = engine
                if name != "lexical":
                    if dense_engine is None:
                        dense_engine = _builtin_engine(opened, tmp, progress, stack)
                    if dense_engine is None:
                        reports.append(
                            _unavailable(name, "the corpus of the index is unknown; pass --corpus")
                        )
                        continue
                    used = dense_engine
                system = EngineSystem(used, mode, name)
                label = _LABELS[name]
                if name != "lexical":
                    label += f" [{used.info.encoder}]"
                if name == default_config:
                    label += " (default)"
                report = score_system(system, items, kind="tracuu", by="section", spans=spans, label=label)
                report.units = len(chunk_lengths)
                report.median_unit_chars = metrics.median(chunk_lengths)
            elif name == MODEL_CONFIG:
                report = _model_config(model, opened, tmp, items, spans, progress, stack)
            elif name == RERANK_CONFIG:
                report = _rerank_config(reranker, opened, items, spans, stack)
            else:
                if baseline_units is None:
                    baseline_units = split_documents(docs)
                baseline = create_baseline(name, docs, units=baseline_units)
                report = score_system(
                    baseline, items, kind="baseline", by="span", spans=spans, label=_LABELS[name]
                )
                report.units = len(baseline_units)
                report.median_unit_chars = metrics.median(float(len(u.text)) for u in baseline_units)
            reports.append(report)

        answer_report: AnswerReport | None = None
        if answers:
            from service.answer.factory import create_answerer

            answer_report = evaluate_answers(create_answerer(engine, settings), engine, items)

        info = engine.info
        return EvalReport(
            qa_file=Path(qa_path).name,
            formats=sorted({i.format for i in items}),
            questions=len(items),
            answerable=sum(1 for i in items if i.answerable),
            scored=sum(1 for i in items if i.answerable and n_targets(i) > 0),
            k=K,
            index={
                "origin": opened.origin,
                "corpus": opened.corpus_dir.name if opened.corpus_dir else None,
                "documents": info.documents,
                "chunks": info.chunks,
                "encoder": info.encoder,
                "encoder_kind": info.encoder_kind,
                "failed_files": opened.failed,
            },
            default_config=default_config,
            configs=reports,
            answers=answer_report,
        )


def _builtin_engine(opened: _Opened, tmp: Path, progress: bool, stack: ExitStack) -> Any:
    """A second index of the same corpus with the built-in LSA encoder (None when the corpus is unknown)."""
    from index.encoders.factory import BUILTIN_MODEL

    if opened.corpus_dir is None or not opened.corpus_dir.is_dir():
        return None
    engine, _ = _build_and_open(opened.corpus_dir, tmp / "index-lsa", BUILTIN_MODEL, progress)
    stack.callback(engine.close)
    return engine


def _model_config(
    model: str | None,
    opened: _Opened,
    tmp: Path,
    items: Sequence[QAItem],
    spans: ArticleSpans,
    progress: bool,
    stack: ExitStack,
) -> ConfigReport:
    if not model:
        return _unavailable(
            MODEL_CONFIG, "no sentence-transformers model configured (--model or TRACUU_MODEL)"
        )
    if opened.corpus_dir is None or not opened.corpus_dir.is_dir():
        return _unavailable(MODEL_CONFIG, "the corpus of the index is unknown; pass --corpus DIR")
    engine, build = _build_and_open(opened.corpus_dir, tmp / "index-model", model, progress)
    stack.callback(engine.close)
    if build.fallback_reason or engine.info.encoder_kind != "sentence-transformers":
        return _unavailable(
            MODEL_CONFIG, f"model {model!r} not usable: {build.fallback_reason or 'not loaded'}"
        )
    return _score_hybrid(engine, MODEL_CONFIG, f"{_LABELS[MODEL_CONFIG]} [{model}]", items, spans)


def _rerank_config(
    reranker: str | None, opened: _Opened, items: Sequence[QAItem], spans: ArticleSpans, stack: ExitStack
) -> ConfigReport:
    """The default engine with ``reranker`` reordering its top passages (a second engine on the same index)."""
    if not reranker:
        return _unavailable(RERANK_CONFIG, "no reranker configured (--reranker or TRACUU_RERANKER)")
    from index.engine import RERANK_DEPTH, SearchEngine
    from index.rerank.factory import create_reranker

    loaded, reason = create_reranker(reranker)
    if loaded is None:
        return _unavailable(RERANK_CONFIG, f"reranker {reranker!r} not usable: {reason or 'not loaded'}")
    engine = SearchEngine.open_version(opened.engine.directory, reranker=loaded)
    stack.callback(engine.close)
    first_stage = engine.info.retrieval
    label = f"{_LABELS[RERANK_CONFIG]} [{first_stage} top {RERANK_DEPTH} → {loaded.reranker_id}]"
    return _score_hybrid(engine, RERANK_CONFIG, label, items, spans)


def _score_hybrid(
    engine: Any, name: str, label: str, items: Sequence[QAItem], spans: ArticleSpans
) -> ConfigReport:
    """Score an engine of its own (another index or a reranker) in hybrid mode, with its chunk sizes."""
    report = score_system(
        EngineSystem(engine, "hybrid", name), items, kind="tracuu", by="section", spans=spans, label=label
    )
    lengths = [float(len(c.text)) for c in all_chunks(engine)]
    report.units = len(lengths)
    report.median_unit_chars = metrics.median(lengths)
    return report

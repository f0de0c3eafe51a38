"""THE CI quality gate: the full dev set through the real pipeline, and ALQAC retrieval.

Builds an index of the bundled corpus in a temporary folder with the offline defaults (lexical-only index,
extractive answers) and fails when a headline metric drops below its threshold. Never skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.harness import DEFAULT_CONFIG, run_eval
from evaluation.results import EvalReport
from service.settings import Settings

HIT_AT_5 = 0.95
MRR_AT_10 = 0.90
ANSWER_ACCURACY = 0.90
CITATION_SUPPORT = 0.95
MAX_MEDIAN_PASSAGE_CHARS = 1200
# The index issue asks for MRR@10 >= 0.82 and Hit@5 >= 0.92 on ALQAC test. MRR@10 is met with room (0.871);
# Hit@5 is not yet (0.918, 101/110): this gate holds the level reached, so any regression fails CI, and the
# README and the issue say the 0.92 target is still open. Raise it when retrieval gets there.
ALQAC_MRR_AT_10 = 0.86
ALQAC_HIT_AT_5 = 0.91

pytestmark = pytest.mark.slow


def offline_settings(tmp_path: Path) -> Settings:
    """The defaults a fresh install runs with, whatever the environment says."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        index_dir=tmp_path / "unused-index",
        model=None,
        llm_base_url=None,
        llm_api_key=None,
    )


@pytest.fixture(scope="module")
def dev_report(dev_qa: Path, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> EvalReport:
    settings = offline_settings(tmp_path_factory.mktemp("gate"))
    return run_eval(dev_qa, corpus_dir=seeds_dir, configs=(DEFAULT_CONFIG,), answers=True, settings=settings)


def _misses(report: EvalReport, limit: int) -> list[str]:
    return [
        f"{q.id} (rank {q.first_relevant_rank})"
        for q in report.config(DEFAULT_CONFIG).questions
        if q.scored and (q.first_relevant_rank is None or q.first_relevant_rank > limit)
    ]


def test_retrieval_hit_at_5_and_mrr(dev_report: EvalReport) -> None:
    block = dev_report.config(DEFAULT_CONFIG).overall
    assert block is not None and block.n == dev_report.scored == 33
    assert block.hit_at_5 is not None and block.hit_at_5 >= HIT_AT_5, (
        f"Hit@5 {block.hit_at_5:.3f}: {_misses(dev_report, 5)}"
    )
    assert block.mrr_at_10 is not None and block.mrr_at_10 >= MRR_AT_10, (
        f"MRR@10 {block.mrr_at_10:.3f}; not first: {_misses(dev_report, 1)}"
    )


def test_answer_accuracy(dev_report: EvalReport) -> None:
    answers = dev_report.answers
    assert answers is not None and answers.overall.scored == 33
    wrong = [
        f"{q.id}: {q.answer[:120]!r}" for q in answers.questions if not q.should_abstain and not q.correct
    ]
    assert answers.overall.accuracy is not None and answers.overall.accuracy >= ANSWER_ACCURACY, "\n".join(
        wrong
    )
    assert answers.errors == 0, [q.error for q in answers.questions if q.error]


def test_abstention_is_exact(dev_report: EvalReport) -> None:
    answers = dev_report.answers
    assert answers is not None
    missed = [q.id for q in answers.questions if q.should_abstain and not q.abstained]
    false = [q.id for q in answers.questions if not q.should_abstain and q.abstained]
    assert not missed, f"answered unanswerable questions: {missed}"
    assert not false, f"abstained on answerable questions: {false}"
    assert answers.abstention_recall == 1.0 and answers.abstention_precision == 1.0


def test_citations_are_valid_and_supported(dev_report: EvalReport) -> None:
    answers = dev_report.answers
    assert answers is not None
    assert answers.citations > 0
    invalid = [q.id for q in answers.questions if q.valid_citations != q.citations]
    assert answers.citation_validity == 1.0, f"invalid citations in {invalid}"
    unsupported = [q.id for q in answers.questions if q.supported is False]
    assert answers.citation_support is not None and answers.citation_support >= CITATION_SUPPORT, (
        f"citation support {answers.citation_support:.3f}; unsupported: {unsupported}"
    )
    assert not any(q.citations for q in answers.questions if q.abstained)


def test_passages_are_short(dev_report: EvalReport) -> None:
    hybrid = dev_report.config(DEFAULT_CONFIG)
    assert hybrid.median_unit_chars is not None and hybrid.median_unit_chars < MAX_MEDIAN_PASSAGE_CHARS
    assert (
        hybrid.median_returned_chars is not None and hybrid.median_returned_chars < MAX_MEDIAN_PASSAGE_CHARS
    )


def test_alqac_retrieval(alqac_dir: Path, tmp_path: Path) -> None:
    report = run_eval(
        alqac_dir / "test.jsonl",
        corpus_dir=alqac_dir / "corpus",
        configs=(DEFAULT_CONFIG,),
        answers=False,
        settings=offline_settings(tmp_path),
    )
    assert report.index["documents"] == 17 and report.index["failed_files"] == 0
    block = report.config(DEFAULT_CONFIG).overall
    assert block is not None and block.n == 110
    assert block.mrr_at_10 is not None and block.mrr_at_10 >= ALQAC_MRR_AT_10, (
        f"ALQAC test MRR@10 {block.mrr_at_10:.3f}"
    )
    assert block.hit_at_5 is not None and block.hit_at_5 >= ALQAC_HIT_AT_5, (
        f"ALQAC test Hit@5 {block.hit_at_5:.3f}"
    )

from __future__ import annotations

import json
from pathlib import Path

from evaluation.report import fmt, render_markdown, write_report
from evaluation.results import (
    AnswerBlock,
    AnsweredQuestion,
    AnswerReport,
    ConfigReport,
    EvalReport,
    MetricBlock,
    RankedQuestion,
)


def _report() -> EvalReport:
    hybrid = ConfigReport(
        name="hybrid",
        label="tracuu hybrid (default)",
        kind="tracuu",
        units=120,
        median_unit_chars=640.0,
        overall=MetricBlock(n=2, hit_at_1=0.5, hit_at_5=1.0, hit_at_10=1.0, mrr_at_10=0.75, ndcg_at_10=0.8),
        by_variant={"plain": MetricBlock(n=1, hit_at_5=1.0, mrr_at_10=1.0)},
        by_type={"responsible": MetricBlock(n=2, hit_at_5=1.0, mrr_at_10=0.75)},
        questions=[
            RankedQuestion(id="q1", type="responsible", variant="plain", scored=True, first_relevant_rank=1),
            RankedQuestion(
                id="q2", type="responsible", variant="english", scored=True, first_relevant_rank=None
            ),
        ],
    )
    lc = ConfigReport(
        name="langchain-bm25",
        label="LangChain splitter + BM25Retriever",
        kind="baseline",
        units=300,
        median_unit_chars=990.0,
        overall=MetricBlock(n=2, hit_at_1=0.0, hit_at_5=0.5, hit_at_10=0.5, mrr_at_10=0.25, ndcg_at_10=0.3),
        by_variant={"plain": MetricBlock(n=1, hit_at_5=0.0, mrr_at_10=0.0)},
        by_type={"responsible": MetricBlock(n=2, hit_at_5=0.5, mrr_at_10=0.25)},
    )
    model = ConfigReport(
        name="hybrid+model", label="tracuu hybrid + model", kind="tracuu", available=False, note="no model"
    )
    answers = AnswerReport(
        answerer="extractive",
        overall=AnswerBlock(n=2, scored=2, accuracy=0.5),
        by_variant={"plain": AnswerBlock(n=1, scored=1, accuracy=1.0)},
        by_type={"responsible": AnswerBlock(n=2, scored=2, accuracy=0.5)},
        citations=3,
        valid_citations=3,
        citation_validity=1.0,
        questions=[
            AnsweredQuestion(
                id="q2",
                type="responsible",
                variant="english",
                should_abstain=False,
                abstained=True,
                correct=False,
            ),
        ],
    )
    return EvalReport(
        qa_file="dev.jsonl",
        formats=["plans"],
        questions=3,
        answerable=2,
        scored=2,
        index={"origin": "temporary", "documents": 5, "chunks": 120, "encoder": "st:model"},
        default_config="hybrid",
        configs=[hybrid, model, lc],
        answers=answers,
    )


def test_markdown_has_comparison_breakdowns_answers_and_misses() -> None:
    text = render_markdown(_report())
    assert "| tracuu hybrid (default) | 120 | 640 | 0.500 | 1.000 | 1.000 | 0.750 | 0.800 |" in text
    assert "unavailable: no model" in text
    assert "| plain | 1 | 1.00 / 1.00 | 0.00 / 0.00 |" in text
    assert "No relevant passage in the top 10 (hybrid): q2" in text
    assert "| citation validity | 1.000 (3/3) |" in text
    assert "Wrong or missing answers: q2" in text


def test_write_report_files(tmp_path: Path) -> None:
    paths = write_report(_report(), tmp_path / "out")
    assert paths["markdown"].name == "dev.md"
    back = EvalReport.model_validate(json.loads(paths["json"].read_text("utf-8")))
    assert back == _report()
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    alqac = _report().model_copy(update={"qa_file": "test.jsonl", "formats": ["alqac"]})
    assert write_report(alqac, tmp_path / "out")["json"].name == "alqac-test.json"


def test_fmt() -> None:
    assert fmt(None) == "–"
    assert fmt(3) == "3"
    assert fmt(0.12345) == "0.123"
    assert fmt(640.4, 0) == "640"

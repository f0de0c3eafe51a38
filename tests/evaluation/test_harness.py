"""The harness end to end on a small real corpus: configurations, breakdowns, determinism, the CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from evaluation.cli import add_eval_arguments, run_eval_command
from evaluation.harness import ALL_CONFIGS, EvalError, run_eval
from evaluation.results import EvalReport
from service.settings import Settings
from tests.evaluation.small_set import small_eval_set

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, dev_qa: Path) -> dict[str, Path]:
    ids = ("dev-04", "dev-05", "dev-15", "dev-19", "dev-24", "dev-26", "dev-27", "dev-32", "dev-33")
    return small_eval_set(tmp_path_factory.mktemp("small"), seeds_dir, dev_qa, ids)


def _settings(root: Path) -> Settings:
    return Settings(_env_file=None, index_dir=root / "no-index", model=None, llm_base_url=None)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def report(small: dict[str, Path]) -> EvalReport:
    return run_eval(small["qa"], corpus_dir=small["corpus"], settings=_settings(small["root"]))


def test_all_configurations_compared_on_the_same_set(report: EvalReport) -> None:
    assert [c.name for c in report.configs] == list(ALL_CONFIGS)
    assert report.questions == 9 and report.answerable == 8 and report.scored == 8
    assert report.index["origin"] == "temporary" and report.index["documents"] == 2
    model = report.config("hybrid+model")
    assert not model.available and "no sentence-transformers model" in (model.note or "")
    for name in ("lexical", "dense", "hybrid", "langchain-bm25", "bm25s"):
        config = report.config(name)
        assert config.available and config.overall is not None and config.overall.n == 8
        assert config.units and config.median_unit_chars
        assert len(config.questions) == 9
        assert all(len(q.top) <= 10 for q in config.questions)
    assert report.config("langchain-bm25").kind == "baseline"
    assert report.config("hybrid").overall.hit_at_10 is not None  # type: ignore[union-attr]
    # The default index is lexical-only; dense and hybrid run over a built-in LSA index of the same corpus.
    assert report.default_config == "lexical" and report.index["encoder"] == "none"
    assert report.config("lexical").label == "tracuu lexical (default)"
    for name in ("dense", "hybrid"):
        assert "[builtin-lsa:" in report.config(name).label


def test_breakdowns_by_type_and_variant(report: EvalReport) -> None:
    hybrid = report.config("hybrid")
    assert set(hybrid.by_variant) == {"plain", "no_diacritics", "english"}
    assert set(hybrid.by_type) == {"responsible", "number", "metadata"}
    assert sum(b.n for b in hybrid.by_variant.values()) == 8
    answers = report.answers
    assert answers is not None
    assert set(answers.by_variant) == {"plain", "no_diacritics", "english", "unanswerable"}
    assert answers.by_variant["unanswerable"].scored == 1
    assert answers.overall.scored == 8


def test_relevance_marks_agree_with_the_ranks(report: EvalReport) -> None:
    for config in report.configs:
        for question in config.questions:
            expected = question.relevant_ranks[0] if question.relevant_ranks else None
            assert question.first_relevant_rank == expected
            assert all(1 <= rank <= len(question.top) for rank in question.relevant_ranks)


def test_runs_are_deterministic(small: dict[str, Path], report: EvalReport) -> None:
    again = run_eval(small["qa"], corpus_dir=small["corpus"], settings=_settings(small["root"]))
    assert again.model_dump() == report.model_dump()


def test_existing_index_is_used_and_missing_one_is_built(small: dict[str, Path]) -> None:
    from index.builder import build_index

    index_dir = small["root"] / "index"
    build_index(small["corpus"], index_dir)
    existing = run_eval(
        small["qa"],
        index_dir=index_dir,
        configs=("hybrid",),
        answers=False,
        settings=_settings(small["root"]),
    )
    assert existing.index["origin"] == "existing" and existing.answers is None
    settings = _settings(small["root"]).model_copy(update={"corpus_dir": small["corpus"]})
    missing = run_eval(
        small["qa"],
        index_dir=small["root"] / "nothing-here",
        configs=("lexical",),
        answers=False,
        settings=settings,
    )
    assert missing.index["origin"] == "temporary"
    assert (
        existing.config("hybrid").overall
        == run_eval(
            small["qa"],
            corpus_dir=small["corpus"],
            configs=("hybrid",),
            answers=False,
            settings=_settings(small["root"]),
        )
        .config("hybrid")
        .overall
    )


def test_bad_configuration_and_corpus(small: dict[str, Path]) -> None:
    with pytest.raises(EvalError, match="unknown configuration"):
        run_eval(
            small["qa"],
            corpus_dir=small["corpus"],
            configs=("hybrid", "magic"),
            settings=_settings(small["root"]),
        )
    with pytest.raises(EvalError, match="corpus folder not found"):
        run_eval(
            small["qa"],
            corpus_dir=small["root"] / "nope",
            configs=("hybrid",),
            settings=_settings(small["root"]),
        )


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_eval_arguments(parser)
    return parser.parse_args(argv)


def test_cli_json_and_report_files(
    small: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACUU_MODEL", "")
    out = small["root"] / "out"
    args = _parse(
        [
            "--qa",
            str(small["qa"]),
            "--corpus",
            str(small["corpus"]),
            "--json",
            "--out",
            str(out),
            "--configs",
            "hybrid,bm25s",
            "--no-answers",
        ]
    )
    assert run_eval_command(args) == 0
    printed = EvalReport.model_validate(json.loads(capsys.readouterr().out))
    assert [c.name for c in printed.configs] == ["hybrid", "bm25s"]
    assert {p.name for p in out.iterdir()} == {"small.md", "small.json", "small.png"}
    args = _parse(
        [
            "--qa",
            str(small["qa"]),
            "--corpus",
            str(small["corpus"]),
            "--out",
            str(out),
            "--configs",
            "lexical",
            "--no-answers",
        ]
    )
    assert run_eval_command(args) == 0
    assert "| tracuu lexical (default) |" in capsys.readouterr().out


def test_cli_input_errors(small: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["--qa", str(small["root"] / "missing.jsonl"), "--corpus", str(small["corpus"])])
    assert run_eval_command(args) == 2
    assert "QA file not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _parse(["--qa", "x.jsonl", "--configs", "hybrid,magic"])


@pytest.mark.model
def test_hybrid_with_a_configured_sentence_transformers_model(small: dict[str, Path]) -> None:
    from tests.fixtures.tiny_model import build_tiny_model

    model = build_tiny_model(small["root"] / "tiny-st")
    report = run_eval(
        small["qa"],
        corpus_dir=small["corpus"],
        configs=("hybrid", "hybrid+model"),
        answers=False,
        model=str(model),
        settings=_settings(small["root"]),
    )
    config = report.config("hybrid+model")
    assert config.available, config.note
    assert str(model) in config.label
    assert config.overall is not None and config.overall.n == 8
    assert config.units == report.config("hybrid").units
    assert report.index["encoder_kind"] == "none"  # the default index is untouched


@pytest.mark.model
def test_an_unloadable_model_is_reported_not_fatal(small: dict[str, Path]) -> None:
    report = run_eval(
        small["qa"],
        corpus_dir=small["corpus"],
        configs=("hybrid+model",),
        answers=False,
        model=str(small["root"] / "no-such-model"),
        settings=_settings(small["root"]),
    )
    config = report.config("hybrid+model")
    assert not config.available and "not usable" in (config.note or "")

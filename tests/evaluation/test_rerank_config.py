"""The ``hybrid+rerank`` configuration of the harness: available with a reranker, reported unavailable without."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from evaluation.cli import add_eval_arguments, run_eval_command
from evaluation.harness import ALL_CONFIGS, run_eval
from evaluation.results import EvalReport
from service.settings import Settings
from tests.evaluation.small_set import small_eval_set

WANTED = ("dev-04", "dev-05", "dev-15", "dev-19", "dev-24")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path, dev_qa: Path) -> dict[str, Path]:
    return small_eval_set(tmp_path_factory.mktemp("small-rerank"), seeds_dir, dev_qa, WANTED)


def _settings(root: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "index_dir": root / "no-index",
        "model": None,
        "reranker": None,
        "llm_base_url": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_rerank_config_is_listed_and_unavailable_without_a_reranker(small: dict[str, Path]) -> None:
    assert "hybrid+rerank" in ALL_CONFIGS
    report = run_eval(
        small["qa"],
        corpus_dir=small["corpus"],
        configs=("lexical", "hybrid+rerank"),
        answers=False,
        settings=_settings(small["root"]),
    )
    config = report.config("hybrid+rerank")
    assert not config.available and config.overall is None
    assert "no reranker configured (--reranker or TRACUU_RERANKER)" in (config.note or "")
    assert report.config("lexical").available


def test_an_unloadable_reranker_is_reported_not_fatal(small: dict[str, Path]) -> None:
    missing = str(small["root"] / "no-such-reranker")
    report = run_eval(
        small["qa"],
        corpus_dir=small["corpus"],
        configs=("hybrid+rerank",),
        answers=False,
        settings=_settings(small["root"], reranker=missing),
    )
    config = report.config("hybrid+rerank")
    assert not config.available and "not usable" in (config.note or "") and missing in (config.note or "")


@pytest.mark.model
@pytest.mark.slow
def test_rerank_config_runs_with_the_tiny_cross_encoder(
    small: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fixtures.tiny_cross_encoder import build_tiny_cross_encoder

    reranker = build_tiny_cross_encoder(small["root"] / "tiny-ce")
    parser = argparse.ArgumentParser()
    add_eval_arguments(parser)
    args = parser.parse_args(
        [
            "--qa",
            str(small["qa"]),
            "--corpus",
            str(small["corpus"]),
            "--configs",
            "lexical,hybrid+rerank",
            "--reranker",
            str(reranker),
            "--no-answers",
            "--json",
            "--out",
            str(small["root"] / "out"),
        ]
    )
    assert run_eval_command(args) == 0
    report = EvalReport.model_validate(json.loads(capsys.readouterr().out))
    config = report.config("hybrid+rerank")
    assert config.available, config.note
    assert "ce:tiny-ce:" in config.label and "lexical top 30" in config.label
    lexical = report.config("lexical")
    assert config.overall is not None and lexical.overall is not None
    assert config.overall.n == lexical.overall.n == len(WANTED)
    assert config.units == lexical.units
    # Every question is ranked by both; the reranked lists are as long as the first-stage ones.
    assert [(q.id, len(q.top)) for q in config.questions] == [(q.id, len(q.top)) for q in lexical.questions]
    assert report.index["encoder_kind"] == "none"  # the default engine is untouched

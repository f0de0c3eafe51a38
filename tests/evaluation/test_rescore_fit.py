"""The rescorer's fitting script (evaluation.rescore_fit) on the real sets: the bundled weights are what it
fits, and they beat the first-stage order on the questions they were fitted on, also held out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evaluation import rescore_fit
from index.rescore import default_rescorer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def questions(
    dev_qa: Path, seeds_dir: Path, alqac_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[rescore_fit.Question]:
    work = tmp_path_factory.mktemp("rescore-fit")
    rescorer = default_rescorer()
    dev = rescore_fit.prepare(rescore_fit._engine(seeds_dir, work / "dev"), dev_qa, rescorer)
    alqac = rescore_fit._engine(alqac_dir / "corpus", work / "alqac")
    train = rescore_fit.prepare(alqac, alqac_dir / "train.jsonl", rescorer)
    assert len(dev) == 33 and len(train) == 100
    return dev + train


def test_bundled_weights_are_what_the_script_fits(questions: list[rescore_fit.Question]) -> None:
    bundled = json.loads(rescore_fit.MODEL_PATH.read_text(encoding="utf-8"))
    weights = rescore_fit.fit(rescore_fit.truncate(questions, bundled["depth"]), bundled["C"])
    assert weights == pytest.approx(np.asarray(bundled["weights"]), abs=0.01), (
        "index/data/rescore.json is stale: run `python -m evaluation.rescore_fit --write`"
    )


def test_rescoring_beats_the_first_stage(questions: list[rescore_fit.Question]) -> None:
    model = default_rescorer().model
    head = rescore_fit.truncate(questions, model.depth)
    before_mrr, before_hit = rescore_fit.measure(questions, None)
    after_mrr, after_hit = rescore_fit.measure(head, np.asarray(model.weights))
    assert after_mrr > before_mrr + 0.005 and after_hit >= before_hit
    bundled = json.loads(rescore_fit.MODEL_PATH.read_text(encoding="utf-8"))
    held_mrr, held_hit = rescore_fit.repeated_cv(head, bundled["C"])  # on questions the fit did not see
    assert held_mrr > before_mrr and held_hit >= before_hit
    assert [round(held_mrr, 4), round(held_hit, 4)] == bundled["cv_mrr10_hit5"]


def test_pairs_contrast_relevant_with_irrelevant_rows() -> None:
    features = np.array([[0.0, 0.2], [0.7, 0.9], [1.1, 0.1]])
    question = rescore_fit.Question(features, np.array([False, True, False]))
    x, y = rescore_fit.pairs([question])
    assert x == pytest.approx(np.array([[0.7, 0.7], [-0.4, 0.8], [-0.7, -0.7], [0.4, -0.8]]))
    assert y.tolist() == [1, 1, 0, 0]
    assert rescore_fit.measure([question], None) == (0.5, 1.0)
    assert rescore_fit.measure([question], np.array([0.0, 1.0])) == (1.0, 1.0)

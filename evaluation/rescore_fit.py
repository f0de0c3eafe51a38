"""Fit the rescorer's weights (:mod:`index.rescore`): ``python -m evaluation.rescore_fit [--write]``.

For every question of the dev set and ALQAC train, the first-stage candidates (what the engine ranks
before rescoring and boosts) get their feature rows and relevance labels. A pairwise logistic
regression (relevant minus irrelevant feature rows, both signs, no intercept) learns the weights; its
regularisation and the depth are chosen by 5-fold cross-validation over those questions, repeated over
five shuffles (MRR@10 of the held-out folds).
ALQAC test is only reported, never used to choose. ``--write`` saves the model to
``index/data/rescore.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

from evaluation.metrics import hit_at_k, reciprocal_rank
from evaluation.qa import load_qa
from evaluation.relevance import RetrievedUnit, judge, n_targets
from index.builder import build_index
from index.engine import MIN_CANDIDATES, SearchEngine
from index.fusion import top_rows
from index.manifest import has_index
from index.query import analyze_query
from index.rescore import FEATURES, RescoreModel, Rescorer, default_rescorer

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MODEL_PATH = REPO / "index" / "data" / "rescore.json"
REGULARISATION = (0.01, 0.1, 1.0, 10.0)
DEPTHS = (20, 30, 50)  # candidates rescored: fewer cost less time per search
FOLDS = 5
REPEATS = 5
POSITIVES = 3  # per question: the first relevant candidates …
NEGATIVES = 20  # … each paired with the best-ranked irrelevant ones


@dataclass
class Question:
    """One question's first-stage candidates: feature rows (first-stage order) and relevance."""

    features: npt.NDArray[np.float64]
    relevant: npt.NDArray[np.bool_]


def prepare(
    engine: SearchEngine, qa_path: Path, rescorer: Rescorer, depth: int = max(DEPTHS)
) -> list[Question]:
    """Feature rows and labels of the ``depth`` best candidates of each answerable question in ``qa_path``."""
    engine.use_rescorer(None)
    sources = {d.doc_id: d.source for d in engine.documents()}
    out = []
    for item in load_qa(qa_path):
        if n_targets(item) == 0:
            continue
        text = analyze_query(item.question).expanded
        head = top_rows(engine.first_stage(text, max(MIN_CANDIDATES, depth)), depth)
        chunks = engine.store.chunks_by_rows(row for row, _ in head)
        kept = [row for row, _ in head if row in chunks]
        if not kept:
            continue
        labels = np.array(
            [bool(judge(item, RetrievedUnit.from_chunk(chunks[r], sources[chunks[r].doc_id]))) for r in kept]
        )
        headings = engine.store.own_headings(kept)
        rows = np.asarray(kept, dtype=np.int64)
        out.append(
            Question(rescorer.features(text, [headings[r] for r in kept], rows, engine.lexical), labels)
        )
    return out


def truncate(questions: Sequence[Question], depth: int) -> list[Question]:
    """The questions with only their ``depth`` best first-stage candidates."""
    return [Question(q.features[:depth], q.relevant[:depth]) for q in questions]


def pairs(questions: Sequence[Question]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Difference rows (relevant − irrelevant, label 1, and the reverse, label 0)."""
    rows: list[npt.NDArray[np.float64]] = []
    for q in questions:
        good, bad = q.features[q.relevant][:POSITIVES], q.features[~q.relevant][:NEGATIVES]
        if len(good) and len(bad):
            rows.extend(g - bad for g in good)
    diffs = np.vstack(rows)
    return np.vstack([diffs, -diffs]), np.concatenate([np.ones(len(diffs)), np.zeros(len(diffs))]).astype(
        np.int64
    )


def fit(questions: Sequence[Question], c: float) -> npt.NDArray[np.float64]:
    """Weights of the pairwise logistic regression with inverse regularisation ``c``."""
    x, y = pairs(questions)
    return np.asarray(LogisticRegression(C=c, fit_intercept=False, max_iter=5000).fit(x, y).coef_[0])


def measure(questions: Sequence[Question], weights: npt.NDArray[np.float64] | None) -> tuple[float, float]:
    """(MRR@10, Hit@5) with the candidates ordered by ``weights`` (None: first-stage order)."""
    mrr = hits = 0.0
    for q in questions:
        order = (
            np.arange(len(q.relevant))
            if weights is None
            else np.argsort(-(q.features @ weights), kind="stable")
        )
        ranking = [frozenset({"x"}) if q.relevant[i] else frozenset() for i in order]
        mrr += reciprocal_rank(ranking, 10)
        hits += hit_at_k(ranking, 5)
    return mrr / len(questions), hits / len(questions)


def cross_validate(questions: Sequence[Question], c: float, seed: int = 0) -> tuple[float, float]:
    """(MRR@10, Hit@5) of held-out folds, the questions shuffled into folds with ``seed``."""
    order = list(range(len(questions)))
    random.Random(seed).shuffle(order)
    held: list[Question] = []
    scores = np.zeros(2)
    for fold in range(FOLDS):
        test = set(order[fold::FOLDS])
        weights = fit([q for i, q in enumerate(questions) if i not in test], c)
        part = [questions[i] for i in sorted(test)]
        scores += np.array(measure(part, weights)) * len(part)
        held.extend(part)
    mrr, hit = scores / len(held)
    return float(mrr), float(hit)


def repeated_cv(questions: Sequence[Question], c: float) -> tuple[float, float]:
    """:func:`cross_validate` averaged over :data:`REPEATS` shuffles: one split's noise (±0.005 MRR@10
    on these 133 questions) is as large as the differences between settings."""
    runs = np.array([cross_validate(questions, c, seed) for seed in range(REPEATS)])
    mrr, hit = runs.mean(axis=0)
    return float(mrr), float(hit)


def _engine(corpus: Path, root: Path) -> SearchEngine:
    if not has_index(root):
        build_index(corpus, root)
    return SearchEngine.open(root)


def main(argv: list[str] | None = None) -> int:
    """Print the cross-validation table and the fitted model; ``--write`` saves it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, help="folder for the two indexes (default: a temporary one)")
    parser.add_argument("--write", action="store_true", help=f"save the model to {MODEL_PATH}")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="tracuu-rescore-"))
    rescorer = default_rescorer()
    dev_engine = _engine(REPO / "corpus" / "documents", work / "dev")
    alqac_engine = _engine(SHARED / "external" / "alqac2023" / "corpus", work / "alqac")
    dev = prepare(dev_engine, SHARED / "eval" / "dev.jsonl", rescorer)
    train = prepare(alqac_engine, SHARED / "external/alqac2023/train.jsonl", rescorer)
    test = prepare(alqac_engine, SHARED / "external/alqac2023/test.jsonl", rescorer)
    pool = dev + train
    print(f"features: {', '.join(FEATURES)}")
    print("| depth | C | cross-validated MRR@10 / Hit@5 (dev + ALQAC train) |\n|---|---|---|")
    print("| | first stage | {:.3f} / {:.3f} |".format(*measure(pool, None)))
    cv = {(d, c): repeated_cv(truncate(pool, d), c) for d in DEPTHS for c in REGULARISATION}
    for (depth, c), (mrr, hit) in cv.items():
        print(f"| {depth} | {c:g} | {mrr:.3f} / {hit:.3f} |")
    # Best held-out MRR@10 (to three places); ties go to the shallower depth (faster), then stronger
    # regularisation.
    depth, best = max(cv, key=lambda key: (round(cv[key][0], 3), -key[0], -key[1]))
    weights = fit(truncate(pool, depth), best)
    named = ", ".join(f"{n} {w:.3f}" for n, w in zip(FEATURES, weights, strict=True))
    print(f"\ndepth {depth}, C = {best:g}: weights {named}")
    print("| set | first stage | rescored |\n|---|---|---|")
    for name, questions in (("dev", dev), ("ALQAC train", train), ("ALQAC test (reported only)", test)):
        before, after = measure(questions, None), measure(truncate(questions, depth), weights)
        print(f"| {name} | {before[0]:.3f} / {before[1]:.3f} | {after[0]:.3f} / {after[1]:.3f} |")
    if args.write:
        model = RescoreModel(tuple(float(w) for w in weights), depth)
        fitted = {
            "fitted_on": "dev + ALQAC train",
            "C": best,
            "cv_mrr10_hit5": [round(v, 4) for v in cv[(depth, best)]],
        }
        MODEL_PATH.write_text(json.dumps(model.to_json(**fitted), indent=2) + "\n", encoding="utf-8")
        print(f"written {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

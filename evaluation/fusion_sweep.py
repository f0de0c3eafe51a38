"""Choose the hybrid fusion and the heading-title weight by measurement: ``python -m evaluation.fusion_sweep``.

Candidates of both retrievers (and the heading-title bonus of each lexical candidate) are computed once per
question; every setting is then scored on the dev set and on ALQAC train (for choosing) and ALQAC test
(reported, never used to choose).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from corpus.models import Chunk
from corpus.normalize import fold
from evaluation.metrics import hit_at_k, reciprocal_rank
from evaluation.qa import QAItem, load_qa
from evaluation.relevance import RetrievedUnit, judge, n_targets
from index.builder import build_index
from index.encoders.factory import BUILTIN_MODEL
from index.engine import HEADING_WEIGHT, MIN_CANDIDATES, PROVINCE_BOOST, SearchEngine
from index.fusion import Candidates, FusionConfig, add_bonus, apply_boost, fuse, top_rows
from index.manifest import has_index
from index.query import analyze_query

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@dataclass
class Prepared:
    """One question with its candidate lists and the relevance of every candidate row."""

    item: QAItem
    lexical: Candidates  # BM25 scores, before the heading-title bonus
    heading_bonus: npt.NDArray[np.float32]  # per lexical candidate
    dense: Candidates
    provinces: list[str]
    relevant: dict[int, frozenset[str]]


def prepare(engine: SearchEngine, items: Sequence[QAItem]) -> list[Prepared]:
    """Retrieve candidates once per question."""
    prepared = []
    documents = {d.doc_id: d for d in engine.documents()}
    for item in items:
        if n_targets(item) == 0:
            continue
        info = analyze_query(item.question)
        lexical = engine.lexical.search(info.expanded, MIN_CANDIDATES * 2)
        _, dense = engine.candidates(info.expanded, MIN_CANDIDATES * 2, mode="dense")
        assert dense is not None and engine.headings is not None
        bonus = engine.headings.bonus(info.expanded, lexical[1])
        rows = {int(r) for r in lexical[1] if r >= 0} | {int(r) for r in dense[1] if r >= 0}
        chunks: dict[int, Chunk] = engine.store.chunks_by_rows(rows)
        relevant = {
            row: judge(item, RetrievedUnit.from_chunk(chunk, documents[chunk.doc_id].source))
            for row, chunk in chunks.items()
        }
        prepared.append(Prepared(item, lexical, bonus, dense, info.provinces, relevant))
    return prepared


def score(
    engine: SearchEngine,
    prepared: Sequence[Prepared],
    config: FusionConfig | None,
    heading_weight: float = HEADING_WEIGHT,
) -> tuple[float, float]:
    """(MRR@10, Hit@5) of one fusion setting (None: lexical only) and heading-title weight."""
    mrr = hits = 0.0
    for p in prepared:
        lexical = add_bonus(p.lexical, p.heading_bonus, heading_weight)
        fused = fuse(lexical, None if config is None else p.dense, config or FusionConfig())
        if p.provinces:
            wanted = {fold(name) for name in p.provinces}
            boosted = {r for r in fused if engine.province_of_row(r) in wanted}
            fused = apply_boost(fused, boosted, PROVINCE_BOOST)
        ranking = [p.relevant.get(row, frozenset()) for row, _ in top_rows(fused, 10)]
        mrr += reciprocal_rank(ranking, 10)
        hits += hit_at_k(ranking, 5)
    return mrr / len(prepared), hits / len(prepared)


HEADING_WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)


def configs() -> list[FusionConfig]:
    """The settings compared."""
    grid = [FusionConfig("rrf", 1.0, 0.0)]
    for k in (10.0, 30.0, 60.0):
        for dense_weight in (0.25, 0.5, 0.75, 1.0):
            grid.append(FusionConfig("rrf", 1.0, dense_weight, rrf_k=k))
    for dense_weight in (0.1, 0.2, 0.3, 0.4, 0.5):
        grid.append(FusionConfig("score", 1.0 - dense_weight, dense_weight))
    return grid


def _engine(corpus: Path, root: Path, model: str) -> SearchEngine:
    if not has_index(root):
        build_index(corpus, root, model=model)
    return SearchEngine.open(root)


def main(argv: list[str] | None = None) -> int:
    """Print a table of fusion settings on dev, ALQAC train and ALQAC test."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, help="folder for the two indexes (default: a temporary one)")
    parser.add_argument(
        "--model", default=BUILTIN_MODEL, help="encoder of the dense side (default: the built-in LSA encoder)"
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="tracuu-sweep-"))
    dev_engine = _engine(REPO / "corpus" / "documents", work / "dev", args.model)
    alqac_engine = _engine(SHARED / "external" / "alqac2023" / "corpus", work / "alqac", args.model)
    sets = {
        "dev": (dev_engine, prepare(dev_engine, load_qa(SHARED / "eval" / "dev.jsonl"))),
        "alqac-train": (
            alqac_engine,
            prepare(alqac_engine, load_qa(SHARED / "external/alqac2023/train.jsonl")),
        ),
        "alqac-test": (
            alqac_engine,
            prepare(alqac_engine, load_qa(SHARED / "external/alqac2023/test.jsonl")),
        ),
    }
    header = " | ".join(f"{name} MRR@10 / Hit@5" for name in sets)
    print("| lexical only, heading-title weight | " + header + " |")
    print("|---|" + "---|" * len(sets))
    for weight in HEADING_WEIGHTS:
        cells = [" / ".join(f"{v:.3f}" for v in score(e, p, None, weight)) for e, p in sets.values()]
        print(f"| {weight:g} | " + " | ".join(cells) + " |")
    print()
    print(f"| fusion (heading-title weight {HEADING_WEIGHT:g}) | " + header + " |")
    print("|---|" + "---|" * len(sets))
    for config in configs():
        label = f"{config.method} lex={config.lexical_weight:g} dense={config.dense_weight:g}"
        if config.method == "rrf":
            label += f" k={config.rrf_k:g}"
        cells = []
        for engine, prepared in sets.values():
            mrr, hit = score(engine, prepared, config)
            cells.append(f"{mrr:.3f} / {hit:.3f}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

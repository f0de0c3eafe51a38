"""The exact-vs-HNSW sweep runs on a lexical-only index (built-in LSA vectors of its chunks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.ann_sweep import main
from index.builder import build_index

REPO = Path(__file__).resolve().parents[2]


def test_sweep_prints_recall_per_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_index(REPO / "corpus" / "documents", tmp_path / "idx")
    cache = tmp_path / "vectors.npy"
    assert main(["--index", str(tmp_path / "idx"), "--cache", str(cache), "--ef-search", "16,256"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("138 vectors") or "vectors, dim" in lines[0]
    recalls = [float(line.split("recall@10 ")[1].split(",")[0]) for line in lines[1:]]
    assert len(recalls) == 2 and all(0.0 < r <= 1.0 for r in recalls)
    assert cache.is_file()  # a re-run reuses the vectors

"""Fixtures of the evaluation tests: the real QA sets and corpora (shared data next to the repository)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TRACUU_SHARED_DIR", REPO.parent / "shared"))
SEEDS_DIR = REPO / "corpus" / "documents"
DEV_QA = SHARED / "eval" / "dev.jsonl"
ALQAC_DIR = SHARED / "external" / "alqac2023"


def _need(path: Path) -> Path:
    # Missing data must fail loudly: a quality gate that skips is no gate.
    if not path.exists():
        pytest.fail(f"evaluation data missing: {path} (set TRACUU_SHARED_DIR to the shared data folder)")
    return path


@pytest.fixture(scope="session")
def dev_qa() -> Path:
    """The plans dev set (35 questions)."""
    return _need(DEV_QA)


@pytest.fixture(scope="session")
def alqac_dir() -> Path:
    """ALQAC 2023: corpus/, train.jsonl, test.jsonl."""
    return _need(ALQAC_DIR)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The bundled seed documents."""
    return _need(SEEDS_DIR)

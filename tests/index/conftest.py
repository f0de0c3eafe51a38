"""Shared fixtures of the index tests: seed passages and the tiny local sentence-transformers model."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from index.builder import build_index
from index.engine import SearchEngine
from index.manager import IndexManager
from tests.fixtures.tiny_model import CORPUS_DIR, build_tiny_model


def seed_paragraphs(limit_chars: int = 700) -> list[str]:
    """Passages of the bundled seed plans: consecutive lines grouped up to about ``limit_chars``."""
    passages: list[str] = []
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            lines: list[str] = []
            size = 0
            for line in block.splitlines():
                if lines and size + len(line) > limit_chars:
                    passages.append("\n".join(lines))
                    lines, size = [], 0
                if line.strip():
                    lines.append(line.strip())
                    size += len(line) + 1
            if lines:
                passages.append("\n".join(lines))
    return [p for p in passages if len(p) > 40]


@pytest.fixture(scope="session")
def seed_passages() -> list[str]:
    """Passages of the five bundled plans (real Vietnamese administrative text)."""
    return seed_paragraphs()


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real SentenceTransformer folder (2-layer BERT, random weights), built once per session."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-model") / "tiny-st")


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def seed_engine(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    """The default (lexical-only) index of the bundled plans, built once per session; do not modify it."""
    root = tmp_path_factory.mktemp("seed-index")
    build_index(REPO / "corpus" / "documents", root)
    return SearchEngine.open(root)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Corpus copy + built index, made once per module and copied by each test."""
    root = tmp_path_factory.mktemp("template")
    shutil.copytree(REPO / "corpus" / "documents", root / "docs")
    IndexManager(root / "idx", root / "docs").ensure_built()
    return root


@pytest.fixture
def manager(template: Path, tmp_path: Path) -> IndexManager:
    shutil.copytree(template / "docs", tmp_path / "docs")
    shutil.copytree(template / "idx", tmp_path / "idx")
    built = IndexManager(tmp_path / "idx", tmp_path / "docs")
    built.ensure_built()
    return built

"""Shared fixtures for corpus tests: the bundled seed plans and real PDF/DOCX files made from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.make_files import make_docx, make_pdf

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = REPO_ROOT / "corpus" / "documents"
SEED_PLAN = SEED_DIR / "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The directory of bundled seed documents."""
    return SEED_DIR


@pytest.fixture(scope="session")
def seed_plan_text() -> str:
    """Raw text of the Lạng Sơn plan 46/KH-UBND."""
    return SEED_PLAN.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_plan_pdf(tmp_path_factory: pytest.TempPathFactory, seed_plan_text: str) -> Path:
    """The Lạng Sơn plan printed to a multi-page PDF (DejaVuSans, wrapped lines)."""
    path = tmp_path_factory.mktemp("seed-pdf") / "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.pdf"
    make_pdf(seed_plan_text, path, title="Kế hoạch 46/KH-UBND", author="UBND tỉnh Lạng Sơn")
    return path


@pytest.fixture(scope="session")
def seed_plan_docx(tmp_path_factory: pytest.TempPathFactory, seed_plan_text: str) -> Path:
    """The Lạng Sơn plan as a Word document, one paragraph per line of the seed."""
    path = tmp_path_factory.mktemp("seed-docx") / "lang-son-46-kh-ubnd-phuc-hoi-kinh-te.docx"
    make_docx(
        [line for line in seed_plan_text.split("\n") if line.strip()], path, title="Kế hoạch 46/KH-UBND"
    )
    return path

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.normalize import fold, normalize_text
from evaluation.synth import AGENCIES, DISTRICTS, PROVINCES, generate, load_pools

_WORD = re.compile(r"[^\W\d_]+")


def _vocabulary(*folders: Path) -> set[str]:
    words: set[str] = set()
    for folder in folders:
        for path in folder.glob("*.txt"):
            words.update(fold(w) for w in _WORD.findall(normalize_text(path.read_text("utf-8"))))
    for name in (*PROVINCES, *DISTRICTS, *AGENCIES):
        words.update(fold(w) for w in _WORD.findall(name))
    return words


def test_synthetic_corpus_is_made_of_real_text(tmp_path: Path, seeds_dir: Path, alqac_dir: Path) -> None:
    report = generate(tmp_path / "synth", 400, seed=3, seeds_dir=seeds_dir, alqac_dir=alqac_dir / "corpus")
    files = sorted((tmp_path / "synth").rglob("*.txt"))
    assert report.documents == len(files) == 10
    assert report.sections == 400
    vocabulary = _vocabulary(seeds_dir, alqac_dir / "corpus")
    words = [fold(w) for path in files for w in _WORD.findall(path.read_text("utf-8"))]
    unknown = [w for w in words if w not in vocabulary]
    # Only the few generator words (e.g. "tong", "hop" are real too) may be new: no random strings.
    assert len(unknown) / len(words) < 0.002, sorted(set(unknown))[:20]
    texts = [path.read_text("utf-8") for path in files]
    assert len(set(texts)) == len(texts)
    assert any(t.startswith("ỦY BAN NHÂN DÂN") for t in texts)
    assert any("\nĐiều 1. " in t for t in texts)
    # Sections are sized like chunks.
    mean_section = report.chars / report.sections
    assert 400 < mean_section < 1200


def test_generation_is_deterministic_and_varies_with_the_seed(tmp_path: Path, seeds_dir: Path) -> None:
    first = generate(tmp_path / "a", 80, seed=1, seeds_dir=seeds_dir, alqac_dir=None)
    generate(tmp_path / "b", 80, seed=1, seeds_dir=seeds_dir, alqac_dir=None)
    generate(tmp_path / "c", 80, seed=2, seeds_dir=seeds_dir, alqac_dir=None)
    a = [p.read_bytes() for p in sorted((tmp_path / "a").rglob("*.txt"))]
    b = [p.read_bytes() for p in sorted((tmp_path / "b").rglob("*.txt"))]
    c = [p.read_bytes() for p in sorted((tmp_path / "c").rglob("*.txt"))]
    assert a == b and a != c
    assert first.documents == 2  # 40 sections per document
    assert all(t.decode().startswith("ỦY BAN NHÂN DÂN") for t in a)  # no ALQAC: plans only


def test_numbers_vary_but_named_numbers_and_year_order_stay(seeds_dir: Path) -> None:
    import random

    from evaluation.synth import _vary_numbers

    text = "phòng, chống dịch COVID-19 giai đoạn 2021-2025, trước ngày 01/12 hằng năm, đạt 100%"
    varied = _vary_numbers(text, random.Random(0), year_shift=3)
    assert "COVID-19" in varied and "2024-2028" in varied
    assert "01/12" not in varied or "100%" not in varied
    assert re.search(r"ngày \d\d/\d\d hằng", varied)
    assert load_pools(seeds_dir, None).sentences


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, 0)
    with pytest.raises(FileNotFoundError):
        generate(tmp_path / "x", 10, seeds_dir=tmp_path / "nothing", alqac_dir=None)

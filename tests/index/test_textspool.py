"""The on-disk text spool a build reads its chunks' text from."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.textspool import TextSpool

TEXTS = [
    "Sở Xây dựng chủ trì.",
    "",
    "ở\nnhà ở xã hội",
    "Điều 159. Quyền khác đối với tài sản",
    "y tế " * 3000,
]


def test_reads_back_what_was_written(tmp_path: Path) -> None:
    spool = TextSpool(tmp_path / "spool")
    for text in TEXTS:
        spool.append(text)
    assert len(spool) == len(TEXTS)
    spool.finish()
    assert list(spool) == TEXTS
    assert [spool[i] for i in range(len(TEXTS))] == TEXTS
    assert spool[-1] == TEXTS[-1] and spool[1:4] == TEXTS[1:4] and spool[::2] == TEXTS[::2]
    assert spool[3:1] == []
    with pytest.raises(IndexError):
        spool[len(TEXTS)]
    spool.remove()
    assert not (tmp_path / "spool").exists()


def test_iterates_across_read_blocks(tmp_path: Path) -> None:
    spool = TextSpool(tmp_path / "spool")
    texts = [f"chunk {i} ữ" for i in range(10_000)]
    for text in texts:
        spool.append(text)
    spool.finish()
    assert list(spool) == texts and spool[4095:4098] == texts[4095:4098]


def test_reading_before_finish_is_an_error(tmp_path: Path) -> None:
    spool = TextSpool(tmp_path / "spool")
    spool.append("a")
    with pytest.raises(RuntimeError, match="finish"):
        spool[0]
    spool.remove()

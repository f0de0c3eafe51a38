"""Faults an administrator meets: a full disk mid-build, racing uploads of one document."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

import pytest

from index import builder
from index.engine import SearchEngine
from index.manager import IndexManager

REPO = Path(__file__).resolve().parents[2]


def _disk_full(*_: object, **__: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_while_writing_keeps_the_previous_index(
    manager: IndexManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = manager.version
    files = sorted(p.name for p in manager.corpus_dir.iterdir())
    monkeypatch.setattr(builder.np, "save", _disk_full)
    with pytest.raises(OSError, match="No space left"):
        manager.add_document(
            "moi.txt", "KẾ HOẠCH\nThử nghiệm\n\n1. Sở Y tế chủ trì tiêm chủng mở rộng.\n".encode()
        )
    monkeypatch.undo()
    # Nothing half-done is visible: same live version, same files, no partial document in search.
    assert manager.version == version
    assert sorted(p.name for p in manager.corpus_dir.iterdir() if not p.name.startswith(".")) == files
    fresh = SearchEngine.open(manager.index_root)
    assert fresh.info.version == version and fresh.document("moi") is None
    manager.add_document(
        "moi.txt", "KẾ HOẠCH\nThử nghiệm\n\n1. Sở Y tế chủ trì tiêm chủng mở rộng.\n".encode()
    )
    assert manager.engine.document("moi") is not None
    assert not list((manager.index_root / "versions").glob(".tmp-*"))


def test_concurrent_uploads_of_one_document_last_writer_wins(manager: IndexManager) -> None:
    bodies = [
        f"KẾ HOẠCH\nBản {i}\n\n1. Sở Nội vụ chủ trì phương án số {i} về tinh giản biên chế.\n"
        for i in range(4)
    ]

    def upload(i: int) -> None:
        manager.add_document("dua.txt", bodies[i].encode())

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Whichever upload landed last, the file on disk and the index agree on it.
    on_disk = (manager.corpus_dir / "dua.txt").read_text(encoding="utf-8")
    last = bodies.index(on_disk)
    chunks = manager.engine.chunks_of("dua")
    assert chunks and all(f"phương án số {last} " in c.text or f"Bản {last}" in c.text for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    hits = [p for p in manager.engine.search("tinh giản biên chế", top_k=20) if p.doc_id == "dua"]
    assert len({p.chunk_id for p in hits}) == len(hits)

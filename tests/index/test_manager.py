"""The live index of a service: uploads, deletes and rebuilds swap atomically and fail cleanly."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from corpus.errors import IngestError, UnsupportedFormatError
from index.errors import IncompatibleIndexError
from index.manager import IndexManager, safe_filename
from index.manifest import current_version_dir

REPO = Path(__file__).resolve().parents[2]

NEW_PLAN = (
    "KẾ HOẠCH\nPhát triển du lịch cộng đồng huyện Mèo Vạc\n\nI. NHIỆM VỤ\n"
    "1. Phòng Văn hóa và Thông tin huyện chủ trì xây dựng làng du lịch cộng đồng Pả Vi.\n"
)


def _state(manager: IndexManager) -> tuple[list[str], list[str], list[str]]:
    docs = sorted(d.doc_id for d in manager.engine.documents())
    hits = [p.chunk_id for p in manager.engine.search("nhà ở xã hội", top_k=5)]
    files = sorted(p.name for p in manager.corpus_dir.iterdir())
    return docs, hits, files


def test_upload_is_searchable_then_delete_removes_it(manager: IndexManager) -> None:
    document = manager.add_document("meo-vac.txt", NEW_PLAN.encode())
    assert document.doc_id == "meo-vac"
    assert manager.engine.search("lang du lich cong dong Pa Vi", top_k=1)[0].doc_id == "meo-vac"
    manager.delete_document("meo-vac")
    assert manager.engine.document("meo-vac") is None
    assert all(p.doc_id != "meo-vac" for p in manager.engine.search("lang du lich cong dong Pa Vi", top_k=10))
    with pytest.raises(KeyError):
        manager.delete_document("meo-vac")


def test_reupload_replaces_without_duplicates(manager: IndexManager) -> None:
    manager.add_document("meo-vac.txt", NEW_PLAN.encode())
    manager.add_document("meo-vac.txt", NEW_PLAN.replace("Pả Vi", "Tả Lủng").encode())
    hits = manager.engine.search("lang du lich cong dong", top_k=10)
    texts = [p.text for p in hits if p.doc_id == "meo-vac"]
    assert texts and all("Tả Lủng" in t and "Pả Vi" not in t for t in texts)
    assert len(manager.engine.chunks_of("meo-vac")) == len(
        set(c.chunk_id for c in manager.engine.chunks_of("meo-vac"))
    )


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("virus.exe", b"MZ\x90\x00", UnsupportedFormatError),
        ("hong.pdf", b"%PDF-1.7\n garbage", IngestError),
        ("rong.txt", b"", IngestError),
        ("nhi-phan.txt", bytes(range(256)) * 4, IngestError),
    ],
)
def test_bad_upload_changes_nothing(
    manager: IndexManager, name: str, data: bytes, error: type[Exception]
) -> None:
    before, version = _state(manager), manager.version
    with pytest.raises(error):
        manager.add_document(name, data)
    assert _state(manager) == before and manager.version == version


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\x.md", "x.md"),
        ("Kế hoạch 46.PDF", "Kế hoạch 46.pdf"),
    ],
)
def test_upload_names_cannot_escape_the_corpus(given: str, expected: str) -> None:
    assert safe_filename(given) == expected


def test_rebuild_swaps_while_readers_keep_reading(manager: IndexManager) -> None:
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                assert manager.engine.search("nhà ở xã hội", top_k=3)
            except BaseException as exc:
                errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    old = manager.version
    job_id = manager.start_rebuild()
    deadline = time.monotonic() + 120
    while manager.job(job_id).status == "running" and time.monotonic() < deadline:  # type: ignore[union-attr]
        time.sleep(0.05)
    stop.set()
    for thread in readers:
        thread.join()
    job = manager.job(job_id)
    assert job is not None and job.status == "done", job
    assert manager.version != old
    assert not errors


def test_index_of_another_tracuu_version_is_rebuilt_at_start(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(Path(__file__).resolve().parents[2] / "corpus" / "documents", docs)
    first = IndexManager(tmp_path / "idx", docs)
    first.ensure_built()
    old_version = first.version
    params = current_version_dir(tmp_path / "idx") / "lexical" / "params.json"
    meta = json.loads(params.read_text(encoding="utf-8"))
    meta["analysis_version"] = "0+older"  # what an upgrade of the analysis chain leaves behind
    params.write_text(json.dumps(meta), encoding="utf-8")
    restarted = IndexManager(tmp_path / "idx", docs)
    report = restarted.ensure_built()
    assert report is not None and report.full and restarted.version != old_version
    assert restarted.engine.search("nhà ở xã hội", top_k=3)
    # An index of other documents is never replaced by one of the configured corpus: that is the admin's call.
    params = current_version_dir(tmp_path / "idx") / "lexical" / "params.json"
    meta = json.loads(params.read_text(encoding="utf-8"))
    meta["analysis_version"] = "0+older"
    params.write_text(json.dumps(meta), encoding="utf-8")
    other = tmp_path / "other-docs"
    other.mkdir()
    with pytest.raises(IncompatibleIndexError, match="tracuu build --full"):
        IndexManager(tmp_path / "idx", other).ensure_built()

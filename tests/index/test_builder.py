"""Building, incremental updates, atomic switching and clear errors on damaged indexes."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.builder import build_index
from index.encoders.factory import BUILTIN_MODEL
from index.engine import SearchEngine
from index.errors import CorruptIndexError, IncompatibleIndexError, IndexNotFoundError
from index.manifest import FORMAT_VERSION, current_version_dir, read_manifest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "corpus" / "documents"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "docs"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seeds with embeddings, built once per module; tests that damage it work on a copy."""
    root = tmp_path_factory.mktemp("built") / "idx"
    build_index(SEEDS, root, model=BUILTIN_MODEL)
    return root


@pytest.fixture
def index_copy(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "idx"
    shutil.copytree(built, target)
    return target


def test_build_writes_a_complete_manifest(corpus: Path, tmp_path: Path) -> None:
    report = build_index(corpus, tmp_path / "idx", progress=True)
    directory = current_version_dir(tmp_path / "idx")
    manifest = read_manifest(directory)
    assert report.documents == 5 and report.chunks == manifest["counts"]["chunks"] > 20
    assert manifest["format_version"] == FORMAT_VERSION == 2
    # Without a model the index is lexical-only: no encoder, no vectors, nothing embedded.
    assert manifest["encoder"] == {"kind": "none", "id": "none", "dim": 0} and report.encoder == "none"
    assert manifest["dense"] is None and manifest["vectors"] is None and report.embedded == 0
    assert not (directory / "dense.faiss").exists() and not (directory / "vectors.npy").exists()
    assert not (directory / ".texts.spool").exists()  # build scratch is gone before the switch
    assert len(manifest["corpus"]["fingerprint"]) == 64
    assert set(manifest["corpus"]["documents"]) == {p.stem for p in corpus.iterdir()}
    assert {"python", "numpy", "faiss-cpu"} <= set(manifest["libraries"])
    assert manifest["built_at"] and manifest["analysis_version"] and manifest["pipeline_version"]
    assert not report.failed
    assert report.summary().startswith(f"index {report.version} (full)")
    assert "lexical only (no embedding model)" in report.summary()


def test_builtin_encoder_build_writes_vectors(built: Path) -> None:
    directory = current_version_dir(built)
    manifest = read_manifest(directory)
    assert manifest["encoder"]["kind"] == BUILTIN_MODEL and manifest["encoder"]["dim"] > 0
    assert manifest["dense"]["count"] == manifest["counts"]["chunks"]
    assert (directory / "dense.faiss").is_file() and (directory / "vectors.npy").is_file()
    assert SearchEngine.open(built).info.retrieval == "hybrid"


@pytest.mark.parametrize("model", [None, BUILTIN_MODEL])
def test_incremental_build_reuses_unchanged_documents(
    corpus: Path, tmp_path: Path, model: str | None
) -> None:
    root = tmp_path / "idx"
    first = build_index(corpus, root, model=model)
    changed = corpus / "tuyen-quang-208-kh-ubnd-ket-cau-ha-tang.txt"
    original = changed.read_text(encoding="utf-8")
    anchor = "Tập trung hoàn thiện hệ thống các cấp độ Quy hoạch"
    assert anchor in original
    changed.write_text(
        original.replace(anchor, "Phấn đấu hoàn thành cầu treo Thác Bà mới trước quý IV/2026. " + anchor),
        encoding="utf-8",
    )
    (corpus / "van-quan-xa-hoi-hoa-2024-2030.txt").unlink()
    (corpus / "ghi-chu-moi.md").write_text(
        "KẾ HOẠCH\nThí điểm chuyển đổi số\n\nI. NHIỆM VỤ\n1. Sở Thông tin và Truyền thông chủ trì số hóa hồ sơ lưu trữ.\n",
        encoding="utf-8",
    )
    second = build_index(corpus, root, model=model)
    assert second.version != first.version
    assert (second.parsed, second.reused, second.removed) == (2, 3, 1)
    new_chunks = sum(len(SearchEngine.open(root).chunks_of(d)) for d in ("ghi-chu-moi", changed.stem))
    assert second.embedded == (new_chunks if model else 0)
    assert not second.full
    engine = SearchEngine.open(root)
    assert engine.document("van-quan-xa-hoi-hoa-2024-2030") is None
    top = engine.search("cầu treo Thác Bà", top_k=3)
    assert top and "Thác Bà" in top[0].text
    assert any("số hóa hồ sơ lưu trữ" in p.text for p in engine.search("so hoa ho so luu tru", top_k=3))
    # Unchanged documents keep identical chunks (ids and offsets).
    old = SearchEngine.open_version(first.version_dir)
    doc = "lang-son-46-kh-ubnd-phuc-hoi-kinh-te"
    assert [c.model_dump() for c in old.chunks_of(doc)] == [c.model_dump() for c in engine.chunks_of(doc)]


def test_full_rebuild_refits(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "idx"
    build_index(corpus, root)
    again = build_index(corpus, root, full=True)
    assert again.full and again.parsed == 5 and again.reused == 0


def test_bad_file_does_not_stop_the_build(corpus: Path, tmp_path: Path) -> None:
    (corpus / "hong.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 10)
    report = build_index(corpus, tmp_path / "idx")
    assert report.documents == 5
    assert sorted(f.source for f in report.failed) == ["binary.txt", "hong.pdf"]
    assert all(f.error for f in report.failed)


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="tracuu build"):
        SearchEngine.open(tmp_path / "nothing")


@pytest.mark.parametrize("damage", ["dense", "store", "lexical", "manifest", "pointer"])
def test_corrupt_files_name_the_file_and_the_fix(index_copy: Path, damage: str) -> None:
    root = index_copy
    directory = current_version_dir(root)
    if damage == "dense":
        target = directory / "dense.faiss"
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "store":
        (directory / "chunks.sqlite").write_bytes(b"not a database" * 100)
    elif damage == "lexical":
        for path in (directory / "lexical").iterdir():
            path.write_bytes(b"\x00" * 10)
    elif damage == "manifest":
        (directory / "manifest.json").write_text("{ truncated", encoding="utf-8")
    else:
        (root / "CURRENT").write_text("../../etc", encoding="utf-8")
    with pytest.raises((CorruptIndexError, IncompatibleIndexError)) as caught:
        SearchEngine.open(root)
    assert "tracuu build --full" in str(caught.value)


def test_future_format_and_other_encoder_are_refused(index_copy: Path) -> None:
    root = index_copy
    with pytest.raises(IncompatibleIndexError, match="built with encoder"):
        SearchEngine.open(root, model="intfloat/multilingual-e5-small")
    manifest_path = current_version_dir(root) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format_version"] = 99
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IncompatibleIndexError, match="newer than this tracuu supports"):
        SearchEngine.open(root)


_BUILD = (
    "import sys; from pathlib import Path; from index.builder import build_index; "
    "build_index(Path(sys.argv[1]), Path(sys.argv[2]), full=True)"
)


@pytest.mark.slow
def test_killed_builds_leave_the_previous_index_serving(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "idx"
    first = build_index(corpus, root)
    before = [p.chunk_id for p in SearchEngine.open(root).search("nhà ở xã hội", top_k=5)]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", _BUILD, str(corpus), str(root)], cwd=REPO, check=True)
    whole = time.perf_counter() - started  # a complete build as a subprocess, imports included
    for seed in (1, 2, 3):  # kill points spread over the whole build: parsing, embedding, writing, switching
        proc = subprocess.Popen([sys.executable, "-c", _BUILD, str(corpus), str(root)], cwd=REPO)
        time.sleep(random.Random(seed).uniform(0.2, whole))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        engine = SearchEngine.open(root)  # whatever the kill point: a complete version is live
        assert engine.info.chunks == first.chunks
        assert [p.chunk_id for p in engine.search("nhà ở xã hội", top_k=5)] == before
    after = build_index(corpus, root, full=True)
    assert SearchEngine.open(root).info.version == after.version

"""Model fallback, reopening indexes with their exact encoder, and the guard against mixing encoders."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.encoders.builtin import BuiltinLSAEncoder
from index.encoders.errors import EncoderMismatchError, EncoderStateError, EncoderUnavailableError
from index.encoders.factory import BUILTIN_MODEL, check_compatible, create_encoder, encoder_from_manifest
from index.encoders.sentence_transformer import SentenceTransformerEncoder
from index.errors import TracuuIndexError

REPO_ROOT = Path(__file__).resolve().parents[2]
MISSING_NAME = "tracuu-tests/no-such-model-anywhere"


def _fitted(passages: list[str]) -> BuiltinLSAEncoder:
    encoder = BuiltinLSAEncoder(dim=32)
    encoder.fit(passages)
    return encoder


def test_no_model_means_lexical_only() -> None:
    for model in (None, "", "  "):
        encoder, reason = create_encoder(model)
        assert encoder is None and reason is None


def test_builtin_model_name_selects_the_builtin_encoder() -> None:
    encoder, reason = create_encoder(BUILTIN_MODEL)
    assert isinstance(encoder, BuiltinLSAEncoder) and reason is None


def test_missing_local_model_falls_back_with_a_reason(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="index.encoders.factory"):
        encoder, reason = create_encoder("/nonexistent/model")
    assert encoder is None
    assert reason is not None and "/nonexistent/model" in reason
    assert "could not load model /nonexistent/model" in caplog.text
    assert "falling back to lexical-only search" in caplog.text


@pytest.mark.model  # goes as far as importing sentence-transformers
def test_folder_that_is_not_a_model_falls_back(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    encoder, reason = create_encoder(str(tmp_path))
    assert encoder is None
    assert reason is not None and str(tmp_path) in reason


@pytest.mark.parametrize("offline", [True, False], ids=["HF_HUB_OFFLINE", "hub-probe"])
def test_uncached_model_name_falls_back(offline: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without HF_HUB_OFFLINE the hub is probed first: unreachable here, or a 404 where there is network.
    if offline:
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    else:
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    encoder, reason = create_encoder(MISSING_NAME)
    assert encoder is None
    assert reason is not None and MISSING_NAME in reason
    if offline:
        assert "HF_HUB_OFFLINE" in reason


def test_downloads_can_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    encoder, reason = create_encoder(MISSING_NAME, allow_download=False)
    assert encoder is None
    assert reason is not None and "downloads are disabled" in reason


def test_reopening_an_index_whose_model_is_gone(tmp_path: Path) -> None:
    fields = {
        "kind": "sentence-transformers",
        "id": "st:gone:0123456789",
        "dim": 8,
        "model": str(tmp_path / "gone"),
    }
    with pytest.raises(EncoderUnavailableError) as caught:
        encoder_from_manifest(fields, tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "gone") in message and "tracuu build --full" in message
    assert isinstance(caught.value, TracuuIndexError)
    with pytest.raises(EncoderStateError, match="unknown encoder kind"):
        encoder_from_manifest({"kind": "word2vec", "id": "x"}, tmp_path)


def test_mismatch_is_refused(seed_passages: list[str], tmp_path: Path) -> None:
    first = _fitted(seed_passages)
    second = _fitted(seed_passages[:20])
    check_compatible(first.encoder_id, first)
    with pytest.raises(EncoderMismatchError) as caught:
        check_compatible(first.encoder_id, second)
    assert first.encoder_id in str(caught.value) and second.encoder_id in str(caught.value)
    # A manifest recording one fitted state cannot be reopened with another.
    fields = {"kind": first.kind, "id": second.encoder_id, **first.save(tmp_path)}
    with pytest.raises(EncoderMismatchError):
        encoder_from_manifest(fields, tmp_path)


def test_damaged_builtin_state_is_reported(seed_passages: list[str], tmp_path: Path) -> None:
    encoder = _fitted(seed_passages)
    fields = {"kind": encoder.kind, "id": encoder.encoder_id, **encoder.save(tmp_path)}
    (tmp_path / "lsa_projection.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(EncoderStateError, match="built-in encoder state"):
        encoder_from_manifest(fields, tmp_path)
    (tmp_path / "lsa_projection.npy").unlink()
    with pytest.raises(EncoderStateError, match=str(tmp_path)):
        encoder_from_manifest(fields, tmp_path)


@pytest.mark.model
def test_model_files_changed_since_build(tiny_model_path: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(tiny_model_path, copy)
    built = SentenceTransformerEncoder(str(copy))
    fields = {"kind": built.kind, "id": built.encoder_id, **built.save(tmp_path)}
    assert encoder_from_manifest(fields, tmp_path).encoder_id == built.encoder_id
    with (copy / "config.json").open("a", encoding="utf-8") as handle:
        handle.write("\n")  # another model now lives at the same path
    with pytest.raises(EncoderMismatchError):
        encoder_from_manifest(fields, tmp_path)


def test_importing_the_factories_and_the_engine_does_not_load_torch() -> None:
    code = (
        "import sys\n"
        "import index.encoders.factory, index.dense.factory, index.rerank.factory, index.engine, index.manager\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'pyvi') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert result.stdout.strip() == ""

"""Any sentence-transformers model, by hub name or local path, behind the :class:`Encoder` interface.

torch and sentence-transformers are imported in one place only (:meth:`SentenceTransformerEncoder.load_model`),
so processes that never use a model (``tracuu search`` with the built-in encoder) start fast.

Loading never hangs on an unreachable hub: a local path is read with ``local_files_only``; a hub name is
first looked up in the local Hugging Face cache, and only fetched online when downloads are allowed,
``HF_HUB_OFFLINE`` is not set and the hub answers a quick connection probe.

Model conventions applied to inputs:

* prompts saved with the model (``config_sentence_transformers.json``: "query", "passage"/"document");
* otherwise e5 models ("e5" in the name): ``"query: "`` / ``"passage: "`` prefixes;
* PhoBERT-based models (``vinai/phobert-*``, ``bkai-foundation-models/vietnamese-bi-encoder``, or a
  ``PhobertTokenizer`` in the model folder): pyvi word segmentation (``học sinh`` → ``học_sinh``);
* bge-m3, AITeamVN/Vietnamese_Embedding and others: text as is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from index.encoders.base import Encoder, Vectors
from index.encoders.errors import ModelLoadError
from index.encoders.lsa_math import l2_normalize_rows

__all__ = ["ModelConventions", "SentenceTransformerEncoder", "detect_conventions", "load_by_name_or_path"]

log = logging.getLogger(__name__)

HUB_PROBE_TIMEOUT_S = 3.0
_E5 = re.compile(r"(?<![a-z0-9])e5(?![a-z0-9])")
_PHOBERT_NAMES = ("phobert", "vietnamese-bi-encoder")
# Files that make up a model's identity (weights, config, tokenizer); sizes stand in for contents.
_IGNORED_FILES = {"README.md", ".gitattributes"}


@dataclass(frozen=True)
class ModelConventions:
    """How inputs are prepared for one model."""

    query_prefix: str = ""
    passage_prefix: str = ""
    word_segmentation: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (recorded in manifests)."""
        return {
            "query_prefix": self.query_prefix,
            "passage_prefix": self.passage_prefix,
            "word_segmentation": self.word_segmentation,
        }


def detect_conventions(
    name: str, model_dir: Path | None = None, prompts: dict[str, str] | None = None
) -> ModelConventions:
    """Prefixes and segmentation for a model, from its saved prompts, name and folder.

    Args:
        name: Hub name or path as given by the user.
        model_dir: Local folder of the model, when known (its tokenizer config is inspected).
        prompts: Prompts saved with the model (``SentenceTransformer.prompts``).
    """
    lowered = name.lower()
    segmentation = any(marker in lowered for marker in _PHOBERT_NAMES) or _has_phobert_tokenizer(model_dir)
    prompts = {key: value for key, value in (prompts or {}).items() if value}
    if "query" in prompts or "passage" in prompts or "document" in prompts:
        return ModelConventions(
            prompts.get("query", ""), prompts.get("passage", prompts.get("document", "")), segmentation
        )
    if _E5.search(lowered):
        return ModelConventions("query: ", "passage: ", segmentation)
    return ModelConventions("", "", segmentation)


def _has_phobert_tokenizer(model_dir: Path | None) -> bool:
    if model_dir is None:
        return False
    for config in (model_dir / "tokenizer_config.json", *model_dir.glob("*/tokenizer_config.json")):
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if "phobert" in str(data.get("tokenizer_class", "")).lower():
            return True
    return False


def model_fingerprint(model_dir: Path) -> str:
    """Short hash of the names and sizes of a model folder's files (a different model → a different hash)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(model_dir)
        if relative.name in _IGNORED_FILES or any(part.startswith(".") for part in relative.parts):
            continue
        digest.update(f"{relative.as_posix()}\x00{path.stat().st_size}\n".encode())
    return digest.hexdigest()[:10]


def _looks_like_path(model: str) -> bool:
    return model.startswith(("/", "./", "../", "~", "\\")) or Path(model).expanduser().exists()


def hub_reachable(timeout: float = HUB_PROBE_TIMEOUT_S) -> bool:
    """True when a TCP connection to the Hugging Face endpoint opens within ``timeout`` seconds.

    DNS lookups ignore socket timeouts, so the probe runs in a daemon thread that is abandoned if slow.
    """
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (80 if endpoint.scheme == "http" else 443)
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True, name="hf-hub-probe")
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def _offline_env() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _cached_snapshot(name: str) -> Path | None:
    """Local folder of a hub model already in the Hugging Face cache, without touching the network."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # not cached, or an invalid repo name
        return None


def load_by_name_or_path(
    model: str, construct: Callable[..., Any], *, allow_download: bool
) -> tuple[Any, Path | None, str]:
    """Load a hub model by name or a local folder: (model, its folder when known, label).

    ``construct(source, local_only=...)`` builds the library object. A local folder or a cached snapshot
    never touches the network; a name that is not cached is fetched only when downloads are allowed,
    ``HF_HUB_OFFLINE`` is unset and the hub answers. Shared by encoders and rerankers.

    Raises:
        ModelLoadError: with the reason, when the model cannot be had.
    """
    if _looks_like_path(model):
        folder = Path(model).expanduser().resolve()
        if not folder.is_dir():
            raise ModelLoadError(model, f"no such model folder {folder}")
        return construct(str(folder), local_only=True), folder, folder.name
    cached = _cached_snapshot(model)
    if cached is not None:
        return construct(model, local_only=True), cached, model
    if _offline_env():
        raise ModelLoadError(model, "not in the local Hugging Face cache and HF_HUB_OFFLINE is set")
    if not allow_download:
        raise ModelLoadError(model, "not in the local Hugging Face cache and downloads are disabled")
    if not hub_reachable():
        raise ModelLoadError(
            model, "not in the local Hugging Face cache and the Hugging Face hub is unreachable"
        )
    return construct(model, local_only=False), _cached_snapshot(model), model


class SentenceTransformerEncoder(Encoder):
    """A sentence-transformers model: batched, L2-normalized float32 vectors.

    Args:
        model: Hub name (``bkai-foundation-models/vietnamese-bi-encoder``) or local folder.
        device: torch device.
        allow_download: Fetch a hub model that is not cached (only if the hub is reachable).
        batch_size: Default encoding batch size.
    """

    kind = "sentence-transformers"

    def __init__(
        self, model: str, *, device: str = "cpu", allow_download: bool = True, batch_size: int = 32
    ) -> None:
        self.model_name = model
        self.device = device
        self.allow_download = allow_download
        self.batch_size = batch_size
        self._model: Any = None
        self._model_dir: Path | None = None
        self._label = ""
        self._fingerprint = ""
        self._dim = 0
        self._conventions = ModelConventions()
        self._segmenter: Callable[[str], str] | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ loading (the one heavy place)
    @property
    def loaded(self) -> bool:
        """True once the model is in memory."""
        return self._model is not None

    def load_model(self) -> None:
        """Load the model now (idempotent).

        Raises:
            ModelLoadError: the path does not exist, the name is neither cached nor downloadable, or the
                files do not make a loadable model.
        """
        with self._lock:
            if self._model is not None:
                return
            model, model_dir, label = self._load()
            self._model, self._model_dir, self._label = model, model_dir, label
            self._fingerprint = model_fingerprint(model_dir) if model_dir is not None else "unknown"
            self._conventions = detect_conventions(
                self.model_name, model_dir, dict(getattr(model, "prompts", None) or {})
            )
            self._dim = self._embedding_dimension(model)
            if self._conventions.word_segmentation:
                self._segmenter = _pyvi_segmenter()
            log.info(
                "loaded sentence-transformers model %s (dim %d, %s)",
                self.model_name,
                self._dim,
                self._conventions.as_dict(),
            )

    def _load(self) -> tuple[Any, Path | None, str]:
        return load_by_name_or_path(self.model_name, self._construct, allow_download=self.allow_download)

    def _construct(self, source: str, *, local_only: bool) -> Any:
        try:
            from sentence_transformers import SentenceTransformer

            return SentenceTransformer(source, device=self.device, local_files_only=local_only)
        except ModelLoadError:
            raise
        except Exception as exc:  # library errors vary (OSError, ValueError, HF errors)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(self.model_name, first) from exc

    @staticmethod
    def _embedding_dimension(model: Any) -> int:
        for getter in ("get_embedding_dimension", "get_sentence_embedding_dimension"):
            method = getattr(model, getter, None)
            if method is not None:
                value = method()
                if value:
                    return int(value)
        probe = model.encode(["a"], convert_to_numpy=True, show_progress_bar=False)
        return int(np.asarray(probe).shape[1])

    def _require_model(self) -> Any:
        if self._model is None:
            self.load_model()
        return self._model

    # ------------------------------------------------------------------ identity
    @property
    def encoder_id(self) -> str:
        """``st:<name or folder name>:<hash of file names and sizes>``."""
        self._require_model()
        return f"st:{self._label}:{self._fingerprint}"

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        self._require_model()
        return self._dim

    @property
    def conventions(self) -> ModelConventions:
        """Prefixes and segmentation in use."""
        self._require_model()
        return self._conventions

    # ------------------------------------------------------------------ encoding
    def _prepare(self, texts: Sequence[str], prefix: str) -> list[str]:
        segment = self._segmenter
        return [prefix + (segment(text) if segment is not None else text) for text in texts]

    def _encode(self, texts: list[str], batch_size: int) -> Vectors:
        model = self._require_model()
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        # One encode at a time: fast tokenizers are not safe to share across threads.
        with self._lock:
            vectors = model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return l2_normalize_rows(np.asarray(vectors, dtype=np.float32))

    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> Vectors:
        """Unit vectors of passages (passage prefix, segmentation as the model expects)."""
        self._require_model()
        return self._encode(self._prepare(texts, self._conventions.passage_prefix), batch_size)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors of queries (query prefix, segmentation as the model expects)."""
        self._require_model()
        return self._encode(self._prepare(texts, self._conventions.query_prefix), self.batch_size)

    # ------------------------------------------------------------------ persistence
    def save(self, directory: Path) -> dict[str, Any]:
        """Nothing to write (the model lives outside the index); return what reopens it."""
        self._require_model()
        folder = self._model_dir if _looks_like_path(self.model_name) else None
        return {
            "model": str(folder) if folder is not None else self.model_name,
            "conventions": self._conventions.as_dict(),
        }


def _pyvi_segmenter() -> Callable[[str], str]:
    from pyvi import ViTokenizer

    def segment(text: str) -> str:
        return str(ViTokenizer.tokenize(text))

    return segment

"""Any sentence-transformers ``CrossEncoder`` (by hub name or local folder) behind the :class:`Reranker` interface.

torch and sentence-transformers are imported in :meth:`CrossEncoderReranker.load_model` only, so a process
without a reranker configured never loads them.

Loading follows the encoders' rules (:mod:`index.encoders.sentence_transformer`): a local folder is read with
``local_files_only``; a hub name is looked up in the local Hugging Face cache first and fetched online only
when downloads are allowed, ``HF_HUB_OFFLINE`` is not set and the hub answers a quick probe, so an
unreachable hub never hangs a start.

PhoBERT-based rerankers (``itdainb/PhoRanker``, or a ``PhobertTokenizer`` in the folder) get pyvi word
segmentation of query and passage, as they were trained on it; others (``BAAI/bge-reranker-v2-m3``) see the
text as is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.encoders.errors import ModelLoadError
from index.encoders.sentence_transformer import (
    _pyvi_segmenter,
    detect_conventions,
    load_by_name_or_path,
    model_fingerprint,
)
from index.rerank.base import Reranker

__all__ = ["MAX_LENGTH", "CrossEncoderReranker"]

log = logging.getLogger(__name__)

#: Token limit per (query, passage) pair: chunks are a few hundred words, and long inputs dominate CPU time.
MAX_LENGTH = 512
_PHORANKER = "phoranker"


class CrossEncoderReranker(Reranker):
    """A cross-encoder scoring (query, passage) pairs on CPU, in batches.

    Args:
        model: Hub name (``BAAI/bge-reranker-v2-m3``) or local folder.
        device: torch device.
        allow_download: Fetch a hub model that is not cached (only if the hub is reachable).
        batch_size: Pairs per forward pass.
        max_length: Token limit per pair (capped by the model's own limit).
    """

    kind = "cross-encoder"

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        allow_download: bool = True,
        batch_size: int = 16,
        max_length: int = MAX_LENGTH,
    ) -> None:
        self.model_name = model
        self.device = device
        self.allow_download = allow_download
        self.batch_size = batch_size
        self.max_length = max_length
        self._model: Any = None
        self._label = ""
        self._fingerprint = ""
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
            ModelLoadError: the folder does not exist, the name is neither cached nor downloadable, or the
                files do not make a loadable cross-encoder.
        """
        with self._lock:
            if self._model is not None:
                return
            model, model_dir, label = self._load()
            self._cap_length(model)
            segment = _PHORANKER in self.model_name.lower() or (
                detect_conventions(self.model_name, model_dir).word_segmentation
            )
            self._segmenter = _pyvi_segmenter() if segment else None
            self._fingerprint = model_fingerprint(model_dir) if model_dir is not None else "unknown"
            self._model, self._label = model, label
            log.info("loaded cross-encoder %s (segmentation %s)", self.model_name, segment)

    def _load(self) -> tuple[Any, Path | None, str]:
        return load_by_name_or_path(self.model_name, self._construct, allow_download=self.allow_download)

    def _construct(self, source: str, *, local_only: bool) -> Any:
        try:
            from sentence_transformers import CrossEncoder

            return CrossEncoder(source, device=self.device, local_files_only=local_only)
        except Exception as exc:  # library errors vary (OSError, ValueError, HF errors)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(self.model_name, first) from exc

    def _cap_length(self, model: Any) -> None:
        # The attribute was renamed (max_length → max_seq_length) in sentence-transformers 6.
        attribute = "max_seq_length" if hasattr(model, "max_seq_length") else "max_length"
        current = getattr(model, attribute, None)
        if current is None or current > self.max_length:
            try:
                setattr(model, attribute, self.max_length)
            except (AttributeError, TypeError):  # read-only in some versions: the model's own limit holds
                log.debug("cannot cap the cross-encoder input length at %d", self.max_length)

    def _require_model(self) -> Any:
        if self._model is None:
            self.load_model()
        return self._model

    # ------------------------------------------------------------------ identity
    @property
    def reranker_id(self) -> str:
        """``ce:<name or folder name>:<hash of file names and sizes>``."""
        self._require_model()
        return f"ce:{self._label}:{self._fingerprint}"

    # ------------------------------------------------------------------ scoring
    def rerank(self, query: str, texts: Sequence[str]) -> list[float]:
        """One score per text (the model's relevance score; higher is better)."""
        model = self._require_model()
        if not texts:
            return []
        segment = self._segmenter
        if segment is not None:
            query, texts = segment(query), [segment(text) for text in texts]
        pairs = [(query, text) for text in texts]
        # One prediction at a time: fast tokenizers are not safe to share across threads.
        with self._lock:
            scores = model.predict(
                pairs, batch_size=self.batch_size, show_progress_bar=False, convert_to_numpy=True
            )
        return [float(s) for s in np.asarray(scores, dtype=np.float64).reshape(len(pairs), -1)[:, 0]]

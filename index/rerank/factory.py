"""Chooses and loads the reranker of a search engine; a reranker that cannot load means no reranking."""

from __future__ import annotations

import logging

from index.encoders.errors import ModelLoadError
from index.rerank.base import Reranker
from index.rerank.cross_encoder import CrossEncoderReranker

__all__ = ["RERANKER_KINDS", "create_reranker"]

log = logging.getLogger(__name__)

RERANKER_KINDS = (CrossEncoderReranker.kind,)


def create_reranker(
    name: str | None, *, device: str = "cpu", allow_download: bool = True
) -> tuple[Reranker | None, str | None]:
    """The reranker for ``name``, loaded, or None for no reranking.

    Args:
        name: Cross-encoder hub name or local folder; None (or blank) for no reranking (the default).
        device: torch device.
        allow_download: Let a hub name that is not cached be fetched (only when the hub answers).

    Returns:
        (reranker or None, fallback reason). The reason is None unless ``name`` was set and could not be
        loaded, in which case a WARNING is logged and search runs without reranking.
    """
    if name is None or not name.strip():
        return None, None
    reranker = CrossEncoderReranker(name.strip(), device=device, allow_download=allow_download)
    try:
        reranker.load_model()
    except ModelLoadError as exc:
        reason = f"could not load reranker {name.strip()}: {exc.reason}"
        log.warning("%s; searching without reranking", reason)
        return None, reason
    return reranker, None

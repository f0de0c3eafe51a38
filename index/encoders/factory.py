"""Chooses, creates and reopens encoders; guarantees one index never mixes two encoders' vectors."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from index.encoders.base import Encoder
from index.encoders.builtin import BuiltinLSAEncoder
from index.encoders.errors import (
    EncoderMismatchError,
    EncoderStateError,
    EncoderUnavailableError,
    ModelLoadError,
)
from index.encoders.sentence_transformer import SentenceTransformerEncoder

__all__ = [
    "BUILTIN_MODEL",
    "NO_ENCODER",
    "check_compatible",
    "create_encoder",
    "encoder_from_manifest",
    "encoder_kinds",
]

log = logging.getLogger(__name__)

#: The model setting that selects the built-in LSA encoder (no download).
BUILTIN_MODEL = BuiltinLSAEncoder.kind
#: What a lexical-only index records as its encoder kind and id.
NO_ENCODER = "none"


def encoder_kinds() -> list[str]:
    """Every encoder kind an index may record."""
    return [BuiltinLSAEncoder.kind, SentenceTransformerEncoder.kind]


def create_encoder(
    model: str | None, *, device: str = "cpu", allow_download: bool = True
) -> tuple[Encoder | None, str | None]:
    """The encoder for a build, or None for a lexical-only index.

    Without a pretrained model the offline default is lexical-only: the built-in LSA encoder did not
    beat lexical ranking on the dev set or ALQAC (README, "Retrieval ablation"), so it is opt-in.

    Args:
        model: sentence-transformers hub name or local path; :data:`BUILTIN_MODEL` for the built-in LSA
            encoder; None (or blank) for no encoder.
        device: torch device for a model.
        allow_download: Let a hub name that is not cached be fetched (only when the hub answers).

    Returns:
        (encoder or None, fallback reason). The reason is None unless ``model`` was set and could not be
        loaded, in which case a WARNING is logged and the index is lexical-only.
    """
    if model is None or not model.strip():
        return None, None
    if model.strip() == BUILTIN_MODEL:
        return BuiltinLSAEncoder(), None
    encoder = SentenceTransformerEncoder(model.strip(), device=device, allow_download=allow_download)
    try:
        encoder.load_model()
    except ModelLoadError as exc:
        reason = f"could not load model {model}: {exc.reason}"
        log.warning("%s; falling back to lexical-only search (no embeddings)", reason)
        return None, reason
    return encoder, None


def encoder_from_manifest(fields: dict[str, Any], directory: Path, *, device: str = "cpu") -> Encoder:
    """Reopen exactly the encoder an index was built with.

    Args:
        fields: The manifest's encoder entry: ``kind``, ``id`` and what :meth:`Encoder.save` returned.
        directory: The folder :meth:`Encoder.save` wrote into.
        device: torch device for a model.

    Raises:
        EncoderStateError: the built-in encoder's fitted state is missing or unreadable.
        EncoderUnavailableError: the model the index was built with cannot be loaded here.
        EncoderMismatchError: the encoder reopened is not the one recorded (e.g. the model files changed).
    """
    kind = fields.get("kind")
    encoder: Encoder
    if kind == BuiltinLSAEncoder.kind:
        encoder = BuiltinLSAEncoder.from_directory(Path(directory))
    elif kind == SentenceTransformerEncoder.kind:
        model = fields.get("model")
        if not model:
            raise EncoderStateError("the index manifest names no model for its sentence-transformers encoder")
        # Reopening never downloads: the index must be usable offline exactly as it was built.
        st = SentenceTransformerEncoder(str(model), device=device, allow_download=False)
        try:
            st.load_model()
        except ModelLoadError as exc:
            raise EncoderUnavailableError(str(model), exc.reason) from exc
        encoder = st
    else:
        raise EncoderStateError(f"unknown encoder kind {kind!r} in the index manifest")
    expected = fields.get("id", fields.get("encoder_id"))
    if expected is not None:
        check_compatible(str(expected), encoder)
    return encoder


def check_compatible(manifest_encoder_id: str, encoder: Encoder) -> None:
    """Raise :class:`EncoderMismatchError` unless ``encoder`` is the one that made the index's vectors."""
    if encoder.encoder_id != manifest_encoder_id:
        raise EncoderMismatchError(manifest_encoder_id, encoder.encoder_id)

"""The dense half of a build: fit the encoder if it learns from the corpus, embed, write the vectors."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.dense.factory import create_dense_index, set_faiss_threads
from index.encoders.base import Encoder
from index.layout import DENSE, ENCODER_DIR, VECTORS

__all__ = ["DenseWritten", "write_dense"]

_BATCH = 256


@dataclass(frozen=True)
class DenseWritten:
    """Manifest entries of the dense part and how many chunks were embedded."""

    encoder: dict[str, Any]
    dense: dict[str, Any]
    embedded: int


def write_dense(
    directory: Path,
    encoder: Encoder,
    texts: Sequence[str],
    documents: Sequence[tuple[Sequence[int] | None, int]],
    previous_vectors: npt.NDArray[np.float32] | None,
    fitted: bool,
    progress: bool = False,
) -> DenseWritten:
    """Embed ``texts`` (one per chunk row) and write vectors, dense index and encoder state.

    Args:
        directory: The new version directory.
        encoder: The encoder; fitted here first if it learns from the corpus and is not fitted yet.
        texts: Indexable text of every row, in row order.
        documents: Per document in row order: its rows in the previous version (None when it was
            re-parsed) and its chunk count.
        previous_vectors: The previous version's vectors, reused for unchanged documents when the
            encoder is the same fitted one (``fitted``); None otherwise.
        fitted: The encoder is the previous version's, already fitted.
        progress: Show a progress bar on stderr.
    """
    if not fitted and encoder.trainable:
        encoder.fit(texts)
    total = len(texts)
    vectors = np.zeros((total, encoder.dim), dtype=np.float32)
    to_embed: list[int] = []
    position = 0
    for old_rows, count in documents:
        if fitted and old_rows is not None and previous_vectors is not None:
            vectors[position : position + count] = previous_vectors[list(old_rows)]
        else:
            to_embed.extend(range(position, position + count))
        position += count
    steps: Any = range(0, len(to_embed), _BATCH)
    if progress and to_embed:
        from tqdm import tqdm

        steps = tqdm(steps, desc="embedding", unit="batch", file=sys.stderr)
    for offset in steps:
        rows = to_embed[offset : offset + _BATCH]
        contiguous = rows[-1] - rows[0] == len(rows) - 1  # the usual case: read the batch in one go
        batch = list(texts[rows[0] : rows[-1] + 1]) if contiguous else [texts[r] for r in rows]
        vectors[rows] = encoder.encode_passages(batch)
    np.save(directory / VECTORS, vectors)
    dense = create_dense_index(total, encoder.dim)
    if total:
        set_faiss_threads(os.cpu_count() or 1)
        dense.add(np.arange(total, dtype=np.int64), vectors)
    dense.save(directory / DENSE)
    (directory / ENCODER_DIR).mkdir()
    fields = encoder.save(directory / ENCODER_DIR)
    return DenseWritten(
        encoder={"kind": encoder.kind, "id": encoder.encoder_id, "dim": encoder.dim, **fields},
        dense={"kind": dense.kind, "file": DENSE, "count": len(dense)},
        embedded=len(to_embed),
    )

"""File names inside an index version directory (shared by the builder and the engine)."""

from __future__ import annotations

VECTORS = "vectors.npy"
DENSE = "dense.faiss"
LEXICAL_DIR = "lexical"
ENCODER_DIR = "encoder"
STORE = "chunks.sqlite"
LEADS = "leads.npy"
HEADINGS = "headings.npz"  # heading-title keys per row (index.headings)
HEADINGS_KEYS = "headings.json"
SPOOL = ".texts.spool"  # build scratch: indexable text of every chunk, deleted before the switch

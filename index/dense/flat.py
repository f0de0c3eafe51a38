"""Exact inner-product search (``faiss.IndexFlatIP``): the default below a few hundred thousand vectors."""

from __future__ import annotations

from typing import Any

import faiss

from index.dense.base import Ids, Vectors
from index.dense.faiss_idmap import FAISS, FaissIDMapIndex, Scores

__all__ = ["FlatIPIndex"]


class FlatIPIndex(FaissIDMapIndex):
    """Brute-force inner product over all vectors; filters are exact through an id selector."""

    kind = "flat"
    base_class = faiss.IndexFlatIP

    def _make_base(self, dim: int) -> Any:
        return faiss.IndexFlatIP(dim)

    def _search_selected(self, queries: Vectors, k: int, allowed: Ids) -> tuple[Scores, Ids]:
        params = FAISS.SearchParameters(sel=FAISS.IDSelectorBatch(allowed))
        scores, ids = self._index.search(queries, k, params=params)
        return scores, ids

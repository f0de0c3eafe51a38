"""The search engine over one index version: hybrid lexical + dense retrieval with metadata filters."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from corpus.models import Chunk, Document
from corpus.normalize import fold
from index.analysis import indexable_text
from index.api import IndexInfo
from index.dense.base import DenseIndex
from index.dense.factory import load_dense_index, set_faiss_threads
from index.encoders.base import Encoder
from index.encoders.factory import NO_ENCODER, encoder_from_manifest
from index.errors import CorruptIndexError, DenseUnavailableError, IncompatibleIndexError
from index.fusion import Candidates, FusionConfig, add_bonus, apply_boost, fuse, top_rows
from index.headings import HeadingTitles
from index.layout import DENSE, ENCODER_DIR, LEADS, LEXICAL_DIR, STORE
from index.lexical.base import LexicalIndex
from index.lexical.factory import load_lexical_index
from index.manifest import current_version_dir, read_manifest
from index.models import Passage, SearchFilters
from index.query import analyze_query
from index.rerank.base import Reranker
from index.rerank.ordering import reorder
from index.rescore import Rescorer, default_rescorer
from index.store import Store

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "lexical", "dense"]
Ids = npt.NDArray[np.int64]

#: Fusion per encoder kind, chosen by `python -m evaluation.fusion_sweep` (dev set + ALQAC train).
#: The built-in LSA encoder (opt-in, ``--model builtin-lsa``) never beat lexical-only ranking there
#: (README, "Retrieval ablation"), so it only orders what lexical search does not find; a pretrained model
#: gets equal-weight RRF.
FUSION: dict[str, FusionConfig] = {
    "builtin-lsa": FusionConfig(method="rrf", lexical_weight=1.0, dense_weight=1e-6, rrf_k=60.0),
}
DEFAULT_FUSION = FusionConfig(method="rrf", lexical_weight=1.0, dense_weight=1.0, rrf_k=60.0)
PROVINCE_BOOST = 1.5
#: For "who is responsible" questions, chunks whose lead agency ("chủ trì") is of the kind asked for ("Sở
#: nào": a Sở; "cơ quan nào", "ai": any) are preferred (index.leads).
LEAD_BOOST = 1.1
MIN_CANDIDATES = 50
#: Weight of a quoted heading title (:mod:`index.headings`) against the BM25 score: a quoted title of
#: eight syllables or more counts 1.5× a matched term of the same rarity in the accented field. Chosen on
#: ALQAC train + dev (`python -m evaluation.fusion_sweep`, README "Retrieval ablation"); 1.5 to 3 tie.
HEADING_WEIGHT = 1.5
#: Fused candidates a configured reranker reorders: enough to lift a passage from deep in the first-stage
#: list, few enough for a cross-encoder on 2 CPU cores (one forward pass per candidate and query).
RERANK_DEPTH = 30
#: Encoder kinds whose indexes get the learned rescoring (:mod:`index.rescore`): it was fitted on lexical
#: first-stage rankings (the built-in encoder barely moves them, see ``FUSION``). A pretrained model's
#: fused ranking is another matter, and the rescorer could not be fitted or measured with one here.
RESCORED_KINDS = frozenset({NO_ENCODER, "builtin-lsa"})


class SearchEngine:
    """Read-only search over one index version; safe to share between threads."""

    def __init__(
        self,
        directory: Path,
        manifest: dict[str, Any],
        store: Store,
        lexical: LexicalIndex,
        dense: DenseIndex | None,
        encoder: Encoder | None,
        leads: npt.NDArray[np.uint8],
        headings: HeadingTitles | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.directory = directory
        self.manifest = manifest
        self.store = store
        self.lexical = lexical
        self.dense = dense
        self.encoder = encoder
        self.leads = leads
        self.headings = headings
        self.reranker: Reranker | None = None
        self.rescorer: Rescorer | None = None
        if dense is not None:
            set_faiss_threads(1)  # one query per request: parallelism comes from concurrent requests
        kind = encoder.kind if encoder is not None else NO_ENCODER
        self.fusion = FUSION.get(kind, DEFAULT_FUSION)
        if kind in RESCORED_KINDS:
            self.rescorer = default_rescorer()
        documents = store.documents
        self._province_of_doc = [fold(d.province) if d.province else "" for d in documents]
        self._info = IndexInfo(
            version=str(manifest["version"]),
            documents=len(documents),
            chunks=len(store),
            encoder=encoder.encoder_id if encoder is not None else NO_ENCODER,
            encoder_kind=kind,
            retrieval="hybrid" if dense is not None else "lexical",
            configured_model=manifest.get("configured_model"),
            fallback_reason=manifest.get("fallback_reason"),
            built_at=str(manifest.get("built_at", "")),
        )
        if reranker is not None:
            self.use_reranker(reranker)

    @classmethod
    def open(
        cls, index_root: Path, *, model: str | None = None, reranker: Reranker | None = None
    ) -> SearchEngine:
        """Open the live version under ``index_root`` (``reranker``: an optional, loaded second stage).

        Raises:
            IndexNotFoundError: nothing built yet.
            CorruptIndexError / IncompatibleIndexError: with the file at fault and the fix.
        """
        return cls.open_version(current_version_dir(Path(index_root)), model=model, reranker=reranker)

    @classmethod
    def open_version(
        cls, directory: Path, *, model: str | None = None, reranker: Reranker | None = None
    ) -> SearchEngine:
        """Open one version directory."""
        manifest = read_manifest(directory)
        if model is not None and manifest.get("configured_model") != model:
            raise IncompatibleIndexError(
                directory / "manifest.json",
                f"the index was built with encoder {manifest['encoder']['id']} "
                f"(model setting {manifest.get('configured_model')!r}), not with {model!r}",
            )
        encoder: Encoder | None = None
        dense: DenseIndex | None = None
        try:
            if manifest["encoder"]["kind"] != NO_ENCODER:
                encoder = encoder_from_manifest(manifest["encoder"], directory / ENCODER_DIR)
                dense = load_dense_index(manifest["dense"]["kind"], directory / DENSE)
            lexical_kind = manifest["lexical"]["kind"]
        except (KeyError, TypeError) as exc:
            raise CorruptIndexError(directory / "manifest.json", f"manifest lacks {exc}") from exc
        store = Store(directory / STORE)
        lexical = load_lexical_index(lexical_kind, directory / LEXICAL_DIR)
        try:
            leads = np.load(directory / LEADS, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise CorruptIndexError(directory / LEADS, f"unreadable ({exc})") from exc
        if leads.dtype != np.uint8 or leads.ndim != 1:
            raise CorruptIndexError(directory / LEADS, f"expected a 1-d uint8 array, found {leads.dtype}")
        headings = HeadingTitles.load(directory, len(store))
        counts = manifest.get("counts", {})
        n_dense = len(dense) if dense is not None else len(store)
        if not (len(store) == len(lexical) == n_dense == len(leads) == counts.get("chunks")):
            raise CorruptIndexError(
                directory,
                f"index parts disagree (store {len(store)}, lexical {len(lexical)}, dense {n_dense}, "
                f"manifest {counts.get('chunks')})",
            )
        if manifest.get("fallback_reason"):
            log.warning("index %s is lexical-only: %s", directory.name, manifest["fallback_reason"])
        return cls(directory, manifest, store, lexical, dense, encoder, leads, headings, reranker)

    @property
    def info(self) -> IndexInfo:
        """Facts about this index."""
        return self._info

    def use_reranker(self, reranker: Reranker | None, fallback_reason: str | None = None) -> None:
        """Reorder the top :data:`RERANK_DEPTH` passages of every search with ``reranker`` (None: stop).

        Call before the engine is shared between threads (the service does so before publishing it).
        ``fallback_reason`` says why a configured reranker is not in use; it is shown by ``info``.
        """
        self.reranker = reranker
        self._info = self._info.model_copy(
            update={
                "reranker": reranker.reranker_id if reranker is not None else None,
                "reranker_fallback_reason": fallback_reason,
            }
        )

    def use_rescorer(self, rescorer: Rescorer | None) -> None:
        """Rescore with ``rescorer`` (None: first-stage order only, for ablations and fitting)."""
        self.rescorer = rescorer

    # Retriever protocol ---------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        """All documents."""
        return self.store.documents

    def document(self, doc_id: str) -> Document | None:
        """One document's metadata."""
        return self.store.document(doc_id)

    def document_text(self, doc_id: str) -> str | None:
        """Normalized text of a document."""
        return self.store.document_text(doc_id)

    def chunk(self, chunk_id: str) -> Chunk | None:
        """One chunk."""
        return self.store.chunk(chunk_id)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order."""
        return self.store.chunks_of(doc_id)

    def search(
        self,
        query: str,
        top_k: int = 10,
        filters: SearchFilters | None = None,
        mode: Mode = "hybrid",
    ) -> list[Passage]:
        """Ranked passages for ``query``.

        Args:
            query: Free text, with or without diacritics, Vietnamese or English.
            top_k: Number of passages.
            filters: Hard filters (province, doc_id).
            mode: "hybrid" (default), "lexical" or "dense" (for evaluation). On a lexical-only index
                "hybrid" is lexical.

        Raises:
            DenseUnavailableError: ``mode`` is "dense" and the index has no embeddings.
        """
        if top_k <= 0 or not query.strip() or len(self.store) == 0:
            return []
        allowed = self._allowed_rows(filters)
        if allowed is not None and allowed.size == 0:
            return []
        info = analyze_query(query)
        fused = self.first_stage(info.expanded, max(MIN_CANDIDATES, top_k * 5), allowed, mode)
        if self.rescorer is not None and mode != "dense":
            head = top_rows(fused, self.rescorer.depth)
            headings = self.store.own_headings(row for row, _ in head)
            fused.update(self.rescorer.rescore(info.expanded, head, headings, self.lexical))
        if info.asks_who:
            kinds = info.lead_kinds
            fused = apply_boost(fused, {row for row in fused if int(self.leads[row]) & kinds}, LEAD_BOOST)
        if info.provinces and (filters is None or filters.province is None):
            fused = apply_boost(fused, self._rows_in_provinces(fused, info.provinces), PROVINCE_BOOST)
        best = top_rows(fused, max(top_k, RERANK_DEPTH) if self.reranker is not None else top_k)
        chunks = self.store.chunks_by_rows(row for row, _ in best)
        if self.reranker is not None:
            best = self._rerank(self.reranker, query, best, chunks)[:top_k]
        return [
            Passage(**chunks[row].model_dump(), score=round(score, 6)) for row, score in best if row in chunks
        ]

    def first_stage(
        self, text: str, k: int, allowed: Ids | None = None, mode: Mode = "hybrid"
    ) -> dict[int, float]:
        """Fused scores of the retrievers' candidates for the analysed query ``text``, before rescoring
        and boosts (``python -m evaluation.rescore_fit`` fits the rescorer on this ranking)."""
        lexical, dense = self.candidates(text, k, allowed, mode)
        return fuse(lexical, dense, self.fusion)

    def candidates(
        self, text: str, k: int, allowed: Ids | None = None, mode: Mode = "hybrid"
    ) -> tuple[Candidates | None, Candidates | None]:
        """Raw (scores, ids) lists of the lexical and dense retrievers (None for a retriever not used).

        Raises:
            DenseUnavailableError: ``mode`` is "dense" and the index has no embeddings.
        """
        if mode == "dense" and (self.dense is None or self.encoder is None):
            raise DenseUnavailableError(self.directory)
        lexical = dense = None
        if mode in ("hybrid", "lexical"):
            lexical = self.lexical.search(text, k, allowed)
            if self.headings is not None:
                lexical = add_bonus(lexical, self.headings.bonus(text, lexical[1]), HEADING_WEIGHT)
        if mode in ("hybrid", "dense") and self.dense is not None and self.encoder is not None:
            scores, ids = self.dense.search(self.encoder.encode_queries([text]), k, allowed)
            dense = (scores[0], ids[0])
        return lexical, dense

    # Helpers --------------------------------------------------------------------------------------

    def _rerank(
        self, reranker: Reranker, query: str, best: list[tuple[int, float]], chunks: dict[int, Chunk]
    ) -> list[tuple[int, float]]:
        """``best`` with its first :data:`RERANK_DEPTH` rows in the reranker's order.

        Boosts (province, lead agency) were applied before: they work on the first-stage score scale and so
        decide which passages enter the depth, while the cross-encoder, which sees the title, heading and
        text of each passage, orders them. A reranker failing at query time costs the reordering, not the
        search.
        """
        head = [(row, score) for row, score in best[:RERANK_DEPTH] if row in chunks]
        try:
            scores = reranker.rerank(query, [indexable_text(chunks[row]) for row, _ in head])
            reordered = reorder(head, scores)
        except Exception as exc:
            log.warning("reranker %s failed, first-stage order kept: %s", reranker.reranker_id, exc)
            return best
        return reordered + best[RERANK_DEPTH:]

    def _allowed_rows(self, filters: SearchFilters | None) -> Ids | None:
        if filters is None or (filters.province is None and filters.doc_id is None):
            return None
        keep = np.ones(len(self.store), dtype=bool)
        if filters.doc_id is not None:
            ordinal = self.store.doc_ordinal(filters.doc_id)
            if ordinal is None:
                return np.empty(0, dtype=np.int64)
            keep &= self.store.doc_of_row == ordinal
        if filters.province is not None:
            wanted = fold(filters.province).removeprefix("tinh ").strip()
            ordinals = [i for i, p in enumerate(self._province_of_doc) if p == wanted]
            keep &= np.isin(self.store.doc_of_row, np.asarray(ordinals, dtype=np.int32))
        return np.flatnonzero(keep).astype(np.int64)

    def province_of_row(self, row: int) -> str:
        """Folded province of the document a chunk row belongs to ('' when unknown)."""
        return self._province_of_doc[int(self.store.doc_of_row[row])]

    def _rows_in_provinces(self, rows: dict[int, float], provinces: list[str]) -> set[int]:
        wanted = {fold(p) for p in provinces}
        ordinals = {i for i, p in enumerate(self._province_of_doc) if p in wanted}
        if not ordinals:
            return set()
        doc_of_row = self.store.doc_of_row
        return {row for row in rows if int(doc_of_row[row]) in ordinals}

    def close(self) -> None:
        """Release the store connection."""
        self.store.close()

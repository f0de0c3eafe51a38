"""Multi-field BM25 with precomputed weights in term-major (CSC) sparse arrays.

Each field of :class:`index.analysis.Analyzed` (accented syllables, folded syllables, folded bigrams) has
its own vocabulary and a CSC matrix (column = term, row = indexed chunk) holding the final BM25 weight of
every posting. A query is the weighted sum of its terms' columns, accumulated in place with ``np.add.at``;
there is no Python loop over rows. Posting lists longer than ``max_postings`` are stored as their strongest
postings first, then the rest, so huge corpora are searched in two phases (see :meth:`BM25Index.search`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.analysis import ANALYSIS_VERSION, Analyzed, Analyzer
from index.errors import CorruptIndexError, IncompatibleIndexError
from index.lexical.base import Ids, LexicalIndex, Scores
from index.lexical.fields import Field, FieldBuilder
from index.lexical.files import read_array, read_field, read_json, write_field
from index.lexical.scoring import IDF_VARIANTS, accumulate, lookup, top_k

FIELDS: tuple[str, ...] = ("accented", "folded", "bigrams")
FORMAT_VERSION = 1
PARAMS_FILE = "params.json"
VOCAB_FILE = "vocab.json"
IDS_FILE = "ids.npy"
_MAX_QUERY_TOKENS = 512  # per field, after de-duplication
_Slice = tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]
_Tail = tuple[npt.NDArray[np.int32], npt.NDArray[np.float32], np.float32]
_RESCORE = 1_000  # candidates rescored exactly when some query term has more than max_postings rows


@dataclass
class BM25Params:
    """Ranking parameters, chosen by MRR@10 on ALQAC (210 questions, 2,653 chunks) and the dev plans
    (31 questions), each with and without diacritics: k1 ∈ {0.6 … 1.5} × b ∈ {0.5 … 1.0} and a grid of
    field weights. The surface is flat near the optimum (±0.005 MRR); bigrams matter most (+0.06/+0.10).

    ``max_postings`` and ``max_scan`` only matter on corpora where a term occurs in more than
    ``max_postings`` rows: such posting lists are read in two phases (see ``search``); results stay exact
    unless that would mean scanning more than ``max_scan`` tail postings for one query.
    """

    k1: float = 1.2
    b: float = 0.75
    idf: str = "lucene"
    weights: dict[str, float] = field(
        default_factory=lambda: {"accented": 1.5, "folded": 0.5, "bigrams": 0.5}
    )
    max_postings: int = 50_000
    max_scan: int = 3_000_000


class BM25Index(LexicalIndex):
    """Vietnamese multi-field BM25 (see module docstring)."""

    kind = "bm25"

    def __init__(self, params: BM25Params | None = None, analyzer: Analyzer | None = None) -> None:
        self.params = params or BM25Params()
        self.analyzer = analyzer or Analyzer()
        self._fields: dict[str, Field] = {}
        self._ids: Ids = np.empty(0, dtype=np.int64)
        self._id_order: npt.NDArray[np.intp] | None = None
        self._identity_ids = True

    # ----------------------------------------------------------------- build
    def fit(self, texts: Sequence[str], ids: Ids) -> None:
        """Index ``texts`` under ``ids`` in one streaming pass (token lists are dropped row by row)."""
        ids, builders = self._accumulate(texts, ids)
        self._fields = {name: builders[name].finish(self.params) for name in FIELDS}
        self._set_ids(ids)

    def fit_save(self, texts: Sequence[str], ids: Ids, directory: Path) -> None:
        """:meth:`fit` and :meth:`save` with a lower peak: each field is written as soon as it is finished
        and then memory-mapped, so finished postings never wait in memory for the others.

        Fields are finished smallest first: the first finish runs while every builder is still held, so
        it should add the least.
        """
        ids, builders = self._accumulate(texts, ids)
        directory.mkdir(parents=True, exist_ok=True)
        fields: dict[str, Field] = {}
        for name in sorted(FIELDS, key=lambda name: builders[name].size):
            finished = builders.pop(name).finish(self.params)
            write_field(directory, name, finished)
            fields[name] = read_field(directory, name, finished.vocab, finished.avg_len, mmap=True)
            del finished
        self._fields = {name: fields[name] for name in FIELDS}
        self._set_ids(ids)
        self._write_meta(directory)

    def _accumulate(self, texts: Sequence[str], ids: Ids) -> tuple[Ids, dict[str, FieldBuilder]]:
        ids = np.asarray(ids, dtype=np.int64)
        if len(texts) != ids.shape[0]:
            raise ValueError(f"fit got {len(texts)} texts but {ids.shape[0]} ids")
        if np.unique(ids).size != ids.size:
            raise ValueError("fit got duplicate ids")
        builders = {name: FieldBuilder() for name in FIELDS}
        for text in texts:
            self._add_row(builders, self.analyzer.analyze(text))
        return ids, builders

    @staticmethod
    def _add_row(builders: dict[str, FieldBuilder], analyzed: Analyzed) -> None:
        builders["accented"].add(analyzed.accented)
        builders["folded"].add(analyzed.folded)
        builders["bigrams"].add(analyzed.bigrams)

    def _set_ids(self, ids: Ids) -> None:
        self._ids = ids
        self._identity_ids = bool(np.array_equal(ids, np.arange(ids.size, dtype=np.int64)))
        self._id_order = None

    def __len__(self) -> int:
        return int(self._ids.size)

    # ----------------------------------------------------------------- search
    def query_tokens(self, query: str) -> dict[str, list[str]]:
        """De-duplicated query tokens per field (what :meth:`search` looks up)."""
        analyzed = self.analyzer.analyze_query(query)
        per_field = {
            "accented": analyzed.accented,
            "folded": analyzed.folded,
            "bigrams": analyzed.bigrams,
        }
        return {name: list(dict.fromkeys(tokens))[:_MAX_QUERY_TOKENS] for name, tokens in per_field.items()}

    def search(self, query: str, k: int, allowed: Ids | None = None) -> tuple[Scores, Ids]:
        """Top-``k`` (scores, ids), best first; ``allowed`` restricts to those ids.

        Exact on corpora where no query term occurs in more than ``max_postings`` rows. Beyond that,
        such terms are read in two phases: their strongest ``max_postings`` postings score every row,
        then their remaining postings are looked up for the best ``_RESCORE`` candidates (or for every
        allowed row, when few are allowed). If a row outside the candidates could still reach the top
        ``k`` (bounded by the tails' largest weights), the tails are read in full, unless that would
        scan more than ``max_scan`` postings; long queries over that budget also drop their least
        selective terms. On a 1M-chunk corpus this keeps 99% of the exact top 10 (see the report).
        """
        empty = (np.empty(0, dtype=np.float32), np.empty(0, dtype=np.int64))
        n_rows = len(self)
        if k <= 0 or n_rows == 0:
            return empty
        heads, tails, bound = self._postings(self.query_tokens(query))
        if not heads:
            return empty
        scores = accumulate([rows for rows, _ in heads], [weights for _, weights in heads], n_rows)
        rows = None if allowed is None else self._rows_of(np.asarray(allowed, dtype=np.int64))
        if tails:
            if rows is not None and rows.size <= _RESCORE:
                pool, unseen = rows, 0.0
            else:
                ranked = top_k(scores, _RESCORE) if rows is None else rows[top_k(scores[rows], _RESCORE)]
                pool = np.sort(ranked)  # sorted keys keep the binary searches cache-friendly
                full = ranked.size == _RESCORE
                unseen = bound + (float(scores[ranked[-1]]) if full else 0.0)
            exact = scores[pool]
            keys = pool.astype(np.int32)
            for tail_rows, tail_weights, weight in tails:
                exact += lookup(tail_rows, tail_weights, keys) * weight
            best = top_k(exact, k)
            kth = float(exact[best[-1]]) if best.size == k else 0.0
            scanned = sum(r.size for r, _ in heads) + sum(r.size for r, _, _ in tails)
            if kth >= unseen or scanned > self.params.max_scan:
                return exact[best].astype(np.float32), self._ids[pool[best]]
            # A row outside the candidates might still make the top k: read the tails in full.
            scores += accumulate([r for r, _, _ in tails], [w * f for _, w, f in tails], n_rows)
        best = top_k(scores, k) if rows is None else rows[top_k(scores[rows], k)]
        return scores[best].astype(np.float32), self._ids[best]

    def idf(self, tokens: Sequence[str], field: str) -> Scores:
        """Idf of ``tokens`` in ``field`` with the index's idf variant (unknown tokens: document frequency 0).

        Raises:
            KeyError: ``field`` is not one of :data:`FIELDS`.
        """
        fld = self._fields[field]
        df = np.zeros(len(tokens), dtype=np.int64)
        for position, token in enumerate(tokens):
            col = fld.vocab.get(token)
            if col is not None:
                df[position] = int(fld.indptr[col + 1] - fld.indptr[col])
        return IDF_VARIANTS[self.params.idf](df, len(self)).astype(np.float32)

    def contains(self, tokens: Sequence[str], field: str, ids: Ids) -> npt.NDArray[np.bool_]:
        """See :meth:`LexicalIndex.contains`; binary searches in the (row-sorted) head and tail of each column.

        Raises:
            KeyError: ``field`` is not one of :data:`FIELDS`.
        """
        fld = self._fields[field]
        rows = self._aligned_rows(np.asarray(ids, dtype=np.int64))
        out = np.zeros((rows.size, len(tokens)), dtype=bool)
        if rows.size == 0:
            return out
        for position, token in enumerate(tokens):
            col = fld.vocab.get(token)
            if col is None:
                continue
            start, end = int(fld.indptr[col]), int(fld.indptr[col + 1])
            split = min(end, start + self.params.max_postings)
            for low, high in ((start, split), (split, end)):
                if low < high:
                    part = fld.rows[low:high]
                    found = np.minimum(np.searchsorted(part, rows), high - low - 1)
                    out[:, position] |= part[found] == rows
        return out

    def _aligned_rows(self, ids: Ids) -> npt.NDArray[np.int64]:
        """The row of each id, in order (-1 for an unknown id)."""
        if self._identity_ids:
            return np.where((ids >= 0) & (ids < len(self)), ids, -1)
        if self._id_order is None:
            self._id_order = np.argsort(self._ids, kind="stable")
        sorted_ids = self._ids[self._id_order]
        if sorted_ids.size == 0:
            return np.full(ids.size, -1, dtype=np.int64)
        found = np.minimum(np.searchsorted(sorted_ids, ids), sorted_ids.size - 1)
        return np.where(sorted_ids[found] == ids, self._id_order[found], -1).astype(np.int64)

    def _postings(self, tokens: dict[str, list[str]]) -> tuple[list[_Slice], list[_Tail], float]:
        """Posting slices of the query's terms: (weighted heads, tails with their field weight, bound).

        ``bound`` is the most the tails can add to a row: the sum of their largest weights. When the
        heads alone exceed ``max_scan`` postings (long queries on huge corpora), the least selective
        terms (lowest idf × field weight) are left out.
        """
        head = self.params.max_postings
        n_rows = len(self)
        terms: list[tuple[float, Field, np.float32, int, int, int, int]] = []
        for name, field_tokens in tokens.items():
            weight = np.float32(self.params.weights.get(name, 0.0))
            fld = self._fields.get(name)
            if weight <= 0 or fld is None:
                continue
            for col in fld.columns(field_tokens):
                start, end = int(fld.indptr[col]), int(fld.indptr[col + 1])
                impact = math.log1p((n_rows - (end - start) + 0.5) / (end - start + 0.5)) * float(weight)
                terms.append((impact, fld, weight, col, start, min(end, start + head), end))
        if sum(term[5] - term[4] for term in terms) > self.params.max_scan:
            terms.sort(key=lambda term: -term[0])
            budget = self.params.max_scan
            kept: list[tuple[float, Field, np.float32, int, int, int, int]] = []
            for term in terms:
                budget -= term[5] - term[4]
                if budget < 0 and kept:
                    break
                kept.append(term)
            terms = kept
        heads: list[_Slice] = []
        tails: list[_Tail] = []
        bound = 0.0
        for _, fld, weight, col, start, split, end in terms:
            heads.append((fld.rows[start:split], fld.weights[start:split] * weight))
            if split < end:
                tails.append((fld.rows[split:end], fld.weights[split:end], weight))
                bound += float(fld.cutoff[col]) * float(weight)
        return heads, tails, bound

    def _rows_of(self, ids: Ids) -> npt.NDArray[np.intp]:
        """Rows holding the given ids (unknown ids are ignored)."""
        ids = np.unique(ids)
        if self._identity_ids:
            return ids[(ids >= 0) & (ids < len(self))].astype(np.intp)
        if self._id_order is None:
            self._id_order = np.argsort(self._ids, kind="stable")
        sorted_ids = self._ids[self._id_order]
        pos = np.searchsorted(sorted_ids, ids)
        pos = np.minimum(pos, sorted_ids.size - 1)
        found = sorted_ids[pos] == ids
        return self._id_order[pos[found]]

    # ----------------------------------------------------------------- persistence
    def save(self, directory: Path) -> None:
        """Write params/vocabulary JSON and .npy arrays into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        for name, fld in self._fields.items():
            write_field(directory, name, fld)
        self._write_meta(directory)

    def _write_meta(self, directory: Path) -> None:
        """Everything but the fields' arrays: ids, vocabularies, parameters."""
        vocab: dict[str, list[str]] = {}
        fields_meta: dict[str, dict[str, Any]] = {}
        for name, fld in self._fields.items():
            terms = [""] * len(fld.vocab)
            for token, col in fld.vocab.items():
                terms[col] = token
            vocab[name] = terms
            fields_meta[name] = {"terms": len(terms), "postings": int(fld.rows.size), "avg_len": fld.avg_len}
        np.save(directory / IDS_FILE, self._ids)
        with (directory / VOCAB_FILE).open("w", encoding="utf-8") as handle:
            json.dump(vocab, handle, ensure_ascii=False, separators=(",", ":"))
        meta = {
            "kind": self.kind,
            "format": FORMAT_VERSION,
            "analysis_version": ANALYSIS_VERSION,
            "analyzer": {
                "aliases": self.analyzer.use_aliases,
                "bigrams": self.analyzer.use_bigrams,
                "query_stopwords": self.analyzer.query_stopwords,
            },
            "params": asdict(self.params),
            "rows": len(self),
            "fields": fields_meta,
        }
        with (directory / PARAMS_FILE).open("w", encoding="utf-8") as handle:
            json.dump(meta, handle, ensure_ascii=False, indent=2)

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = True) -> BM25Index:
        """Read what :meth:`save` wrote; large arrays are memory-mapped by default.

        Raises:
            CorruptIndexError: a file is missing, truncated or inconsistent with the others.
            IncompatibleIndexError: written by another format or analysis version.
        """
        meta = read_json(directory / PARAMS_FILE)
        if not isinstance(meta, dict) or meta.get("kind") != cls.kind:
            raise CorruptIndexError(directory / PARAMS_FILE, f"not a {cls.kind} lexical index")
        if meta.get("format") != FORMAT_VERSION:
            raise IncompatibleIndexError(
                directory / PARAMS_FILE, f"lexical format {meta.get('format')}, expected {FORMAT_VERSION}"
            )
        if meta.get("analysis_version") != ANALYSIS_VERSION:
            raise IncompatibleIndexError(
                directory / PARAMS_FILE,
                f"built with analysis {meta.get('analysis_version')}, this code uses {ANALYSIS_VERSION}",
            )
        try:
            params = BM25Params(**meta["params"])
            options = meta["analyzer"]
            analyzer = Analyzer(
                aliases=bool(options["aliases"]),
                bigrams=bool(options["bigrams"]),
                query_stopwords=bool(options["query_stopwords"]),
            )
            n_rows = int(meta["rows"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CorruptIndexError(directory / PARAMS_FILE, f"bad parameters ({exc})") from exc
        vocab = read_json(directory / VOCAB_FILE)
        index = cls(params, analyzer)
        ids = read_array(directory / IDS_FILE, np.int64, mmap=False)
        if ids.shape != (n_rows,):
            raise CorruptIndexError(directory / IDS_FILE, f"{ids.shape[0]} ids for {n_rows} rows")
        for name in FIELDS:
            terms = vocab.get(name) if isinstance(vocab, dict) else None
            if not isinstance(terms, list):
                raise CorruptIndexError(directory / VOCAB_FILE, f"no vocabulary for field {name!r}")
            try:
                avg_len = float(meta["fields"][name]["avg_len"])
            except (KeyError, TypeError, ValueError) as exc:
                raise CorruptIndexError(
                    directory / PARAMS_FILE, f"no length statistics for {name!r}"
                ) from exc
            vocab_map = {term: column for column, term in enumerate(terms)}
            index._fields[name] = read_field(directory, name, vocab_map, avg_len, mmap=mmap)
        index._set_ids(ids)
        return index

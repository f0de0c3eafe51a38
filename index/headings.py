"""Heading titles quoted by a question: a lexical signal that bag-of-words BM25 does not see.

Officials and law students phrase questions with the title of the section that answers them: "Quyền
hưởng dụng là một loại *quyền khác đối với tài sản*?" (Điều 159, "Quyền khác đối với tài sản"), "*Sở Xây
dựng* có nhiệm vụ gì?" (the sections under "1. Sở Xây dựng"). BM25 credits those words one by one, and a
shorter passage that repeats one of them often outranks the section so named. Here every heading of a
chunk's path contributes the canonical key of its title (numbering dropped, folded, abbreviations
expanded, see :func:`index.analysis.canonical_key`); a chunk whose title occurs as a whole in the query
gains a bonus that grows with the title's rarity (idf over rows) and its length (a two-syllable title is
weaker evidence than an eight-syllable one).

Persisted as ``headings.npz`` (CSR offsets and key ids, one row per chunk) and ``headings.json`` (the keys).
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from corpus.structure import match_heading
from index.analysis import canonical_key
from index.errors import CorruptIndexError
from index.layout import HEADINGS, HEADINGS_KEYS
from index.lexical.scoring import idf_lucene

__all__ = ["HeadingTitles", "HeadingTitlesBuilder", "title_bonus", "title_key"]

#: Titles shorter than this are too generic to be evidence ("Điều 7. Bầu cử" is one word of law);
#: longer ones are sentences, not titles.
MIN_SYLLABLES = 2
MAX_SYLLABLES = 12
#: Titles of this many syllables or more get the full bonus.
FULL_LENGTH = 8

Ids = npt.NDArray[np.int64]


def title_key(label: str) -> str:
    """Canonical key of the title in a heading label ("Điều 159. Quyền khác…" → "quyen khac doi voi tai san").

    Returns "" for labels without a usable title: a bare marker ("Điều 5"), a truncated sentence ("…"), or
    a title outside :data:`MIN_SYLLABLES`..:data:`MAX_SYLLABLES`.
    """
    match = match_heading(label.strip())
    title = match.rest if match is not None else label
    if not title or title.endswith("…"):
        return ""
    key = canonical_key(title)
    return key if MIN_SYLLABLES <= key.count(" ") + 1 <= MAX_SYLLABLES else ""


def title_bonus(idf: npt.NDArray[np.float32], lengths: npt.NDArray[np.int32]) -> npt.NDArray[np.float32]:
    """Bonus of matched titles: ``idf × min(length, FULL_LENGTH) / FULL_LENGTH``."""
    return (idf * np.minimum(lengths, FULL_LENGTH).astype(np.float32) / np.float32(FULL_LENGTH)).astype(
        np.float32
    )


class HeadingTitlesBuilder:
    """Collects the title keys of each row in order (labels repeat across chunks, so keys are cached)."""

    def __init__(self) -> None:
        self._key_ids: dict[str, int] = {}
        self._label_keys: dict[str, int] = {}  # label → key id, -1 when it has no usable title
        self._indptr = array("q", [0])  # compact: one entry per chunk of a corpus of a million
        self._keys = array("i")

    def add(self, heading_path: Sequence[str]) -> None:
        """Add the next row, given its heading path (outermost first)."""
        row: set[int] = set()
        for label in heading_path:
            key_id = self._label_keys.get(label)
            if key_id is None:
                key = title_key(label)
                key_id = self._key_ids.setdefault(key, len(self._key_ids)) if key else -1
                self._label_keys[label] = key_id
            if key_id >= 0:
                row.add(key_id)
        self._keys.extend(sorted(row))
        self._indptr.append(len(self._keys))

    def finish(self) -> HeadingTitles:
        """The titles of every row added."""
        keys = [""] * len(self._key_ids)
        for key, key_id in self._key_ids.items():
            keys[key_id] = key
        return HeadingTitles(
            keys,
            np.frombuffer(self._indptr, dtype=np.int64).copy(),
            np.frombuffer(self._keys, dtype=np.int32).copy(),
        )


class HeadingTitles:
    """Title keys per row and the bonus a query gives each row (see the module docstring)."""

    def __init__(
        self, keys: list[str], indptr: npt.NDArray[np.int64], key_ids: npt.NDArray[np.int32]
    ) -> None:
        self.keys = keys
        self.indptr = indptr
        self.key_ids = key_ids
        self._lookup = {key: i for i, key in enumerate(keys)}
        n_rows = indptr.size - 1
        idf = idf_lucene(np.bincount(key_ids, minlength=len(keys)), n_rows)
        lengths = np.asarray([key.count(" ") + 1 for key in keys], dtype=np.int32)
        self._bonus = title_bonus(idf, lengths)

    def __len__(self) -> int:
        return int(self.indptr.size - 1)

    def matched(self, query: str) -> dict[int, float]:
        """Key id → bonus for every known title that occurs, whole, in ``query``."""
        words = canonical_key(query).split()
        found: dict[int, float] = {}
        for start in range(len(words)):
            for end in range(start + MIN_SYLLABLES, min(start + MAX_SYLLABLES, len(words)) + 1):
                key_id = self._lookup.get(" ".join(words[start:end]))
                if key_id is not None:
                    found[key_id] = float(self._bonus[key_id])
        return found

    def bonus(self, query: str, rows: Ids) -> npt.NDArray[np.float32]:
        """Per row of ``rows``: the largest bonus among its titles that ``query`` quotes (0 if none)."""
        out = np.zeros(rows.size, dtype=np.float32)
        matched = self.matched(query) if rows.size else {}
        if not matched:
            return out
        for i, row in enumerate(rows.tolist()):
            if 0 <= row < len(self):
                row_keys = self.key_ids[self.indptr[row] : self.indptr[row + 1]].tolist()
                out[i] = max((matched.get(key, 0.0) for key in row_keys), default=0.0)
        return out

    # ----------------------------------------------------------------- persistence
    def save(self, directory: Path) -> None:
        """Write ``headings.npz`` (offsets, key ids) and ``headings.json`` (keys)."""
        np.savez(directory / HEADINGS, indptr=self.indptr, key_ids=self.key_ids)
        with (directory / HEADINGS_KEYS).open("w", encoding="utf-8") as handle:
            json.dump(self.keys, handle, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, directory: Path, n_rows: int) -> HeadingTitles:
        """Read what :meth:`save` wrote for an index of ``n_rows`` chunks.

        Raises:
            CorruptIndexError: a file is missing, unreadable or inconsistent.
        """
        path = directory / HEADINGS
        try:
            with np.load(path, allow_pickle=False) as arrays:
                indptr = np.asarray(arrays["indptr"], dtype=np.int64)
                key_ids = np.asarray(arrays["key_ids"], dtype=np.int32)
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise CorruptIndexError(path, f"unreadable ({exc})") from exc
        keys_path = directory / HEADINGS_KEYS
        try:
            keys = json.loads(keys_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CorruptIndexError(keys_path, f"unreadable ({exc})") from exc
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise CorruptIndexError(keys_path, "expected a list of title keys")
        if indptr.shape != (n_rows + 1,) or int(indptr[0]) != 0 or int(indptr[-1]) != key_ids.size:
            raise CorruptIndexError(path, f"offsets do not describe {n_rows} rows")
        if key_ids.size and (int(key_ids.min()) < 0 or int(key_ids.max()) >= len(keys)):
            raise CorruptIndexError(path, "key ids outside the key list")
        return cls(keys, indptr, key_ids)

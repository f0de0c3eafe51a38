"""Answer and evidence matching as the contract defines it.

Case, diacritics (``đ`` → ``d``), punctuation and spacing are folded on both sides; a needle then has to
appear as a run of whole tokens, so ``4%`` matches "dưới 4%" but not "14%" or "40".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.normalize import fold

__all__ = ["contains", "contains_all", "contains_any", "match_key"]

# Anything that is not a letter or digit separates tokens (``_`` counts as punctuation here).
_NON_WORD = re.compile(r"[\W_]+")


def match_key(text: str) -> str:
    """Folded matching key: no case, no diacritics, punctuation and whitespace reduced to single spaces."""
    return _NON_WORD.sub(" ", fold(text)).strip()


def _padded(text: str) -> str:
    return f" {match_key(text)} "


def contains(haystack: str, needle: str) -> bool:
    """True when ``needle`` appears in ``haystack`` after folding, on token boundaries.

    An empty needle (nothing left after folding) never matches.
    """
    key = match_key(needle)
    return bool(key) and f" {key} " in _padded(haystack)


def contains_any(haystack: str, needles: Iterable[str]) -> bool:
    """True when at least one needle matches."""
    padded = _padded(haystack)
    for needle in needles:
        key = match_key(needle)
        if key and f" {key} " in padded:
            return True
    return False


def contains_all(haystack: str, needles: Iterable[str]) -> bool:
    """True when every needle matches (vacuously true for none)."""
    padded = _padded(haystack)
    for needle in needles:
        key = match_key(needle)
        if not key or f" {key} " not in padded:
            return False
    return True

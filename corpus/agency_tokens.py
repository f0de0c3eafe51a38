"""Tokens of Vietnamese administrative text for the agency scanner (``corpus.agency_scan``).

Words are runs of letters and digits, joined by ``&`` or ``-`` (``LĐ-TB&XH``). Each token carries its
offsets, its folded form (from :func:`aligned_fold`, same length as the text, so offsets carry over) and its
``match_form``. :class:`Tokens` makes them lazily from a start offset, as a scan looks at only a few.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from corpus.normalize import fold, match_form

__all__ = ["Token", "Tokens", "aligned_fold", "is_lower_text"]


@lru_cache(maxsize=65536)
def _match_form(word: str) -> str:
    return match_form(word)


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding one character to one character, filled on demand."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = fold(ch)
        folded = out if len(out) == 1 else (ch.lower()[:1] or ch)
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def aligned_fold(text: str) -> str:
    """``fold`` applied character by character: same length as ``text``, so offsets carry over."""
    return text.translate(_FOLD_TABLE)


@dataclass(slots=True)  # read-only in use; not frozen, as a frozen dataclass is slow to construct
class Token:
    """One word: ``text[start:end]``, folded (``f``) and in match form (``m``)."""

    start: int
    end: int
    text: str
    f: str  # folded, lower case
    m: str  # match_form (one tone style, lower case)

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def acronym(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


_TOKEN = re.compile(r"[^\W_]+(?:[&\-][^\W_]+)*")


class Tokens:
    """The tokens of ``text`` from offset ``pos`` on, made as they are looked at (index 0 = first after ``pos``).

    A scan tries only the few tokens that can start a head and most are rejected after a token or two, so
    making every token of a long document up front cost more than the whole scan.
    """

    __slots__ = ("_folded", "_items", "_pos", "_start", "_text")

    def __init__(self, text: str, folded: str | None = None, pos: int = 0) -> None:
        self._text = text
        self._folded = aligned_fold(text) if folded is None else folded
        self._items: list[Token] = []
        self._start = self._pos = pos

    def has(self, k: int) -> bool:
        """Whether there is a token ``k`` (the list's ``k < len(tokens)``)."""
        items = self._items
        while len(items) <= k:
            m = _TOKEN.search(self._text, self._pos)
            if m is None:
                self._pos = len(self._text)
                return False
            items.append(_token(m, self._folded))
            self._pos = m.end()
        return True

    def __getitem__(self, k: int) -> Token:
        items = self._items
        if k >= len(items):
            self.has(k)
        return items[k]

    def before(self, k: int) -> Token | None:
        """The token before token ``k``, looking back past ``pos`` for ``k == 0`` (None at the start)."""
        if k > 0:
            return self[k - 1]
        return _token_before(self._text, self._folded, self._start)


def _token(m: re.Match[str], folded: str) -> Token:
    start, end = m.span()
    word = m.group()
    return Token(start, end, word, folded[start:end], _match_form(word))


def _token_before(text: str, folded: str, pos: int) -> Token | None:
    """The token ending before offset ``pos`` (a token start), or None."""
    end = pos
    while end > 0 and not text[end - 1].isalnum():  # str.isalnum is re's [^\W_]
        end -= 1
    if end == 0:
        return None
    start = end - 1
    while start > 0:
        if text[start - 1].isalnum():
            start -= 1
        elif start > 1 and text[start - 1] in "&-" and text[start - 2].isalnum():
            start -= 2
        else:
            break
    m = _TOKEN.match(text, start)
    return None if m is None else _token(m, folded)


def is_lower_text(text: str) -> bool:
    """True when no token but the first is capitalised (text typed in lower case, as questions often are)."""
    tokens = _TOKEN.finditer(text)
    next(tokens, None)
    return not any(text[m.start()].isupper() for m in tokens)

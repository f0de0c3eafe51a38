"""Tokens of Vietnamese text for answer matching: (accented key, folded key, starts a clause).

Keys are in one tone-mark style (:func:`corpus.normalize.match_form`) and folded (:func:`corpus.normalize.fold`);
``tỉ``/``tỷ`` and ``ki``/``ky`` spellings are one key; numbers keep their separators ("6.084", "01/12").
"""

from __future__ import annotations

import re
from functools import lru_cache

from corpus.normalize import fold, match_form

__all__ = ["Token", "keyed_offsets", "tokens", "word_tokens"]

Token = tuple[str, str, bool]  # (accented key, folded key, starts a clause)

_INNER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")  # between letters: "vắc-xin", not "2021-2025"
_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*%?|[^\W_]+")
_IY_FOLDED = re.compile(r"^(ch|gh|kh|ng|nh|ph|th|tr|[bcdghklmnprstvx])y$")
_IY_ACCENTED = {"y": "i", "ý": "í", "ỳ": "ì", "ỷ": "ỉ", "ỹ": "ĩ", "ỵ": "ị"}


def _iy(word: str, folded: str) -> str:
    """``tỷ`` → ``tỉ``, ``ky`` → ``ki``: the two spellings of a final i/y after a consonant are one key."""
    if _IY_FOLDED.match(folded) and word and word[-1] in _IY_ACCENTED:
        return word[:-1] + _IY_ACCENTED[word[-1]]
    return word


@lru_cache(maxsize=65536)
def _keys(raw: str) -> tuple[str, str]:
    accented = match_form(raw)
    folded = fold(raw)
    if raw[:1].isdigit():
        if "/" in raw:  # "01/12" = "1/12"
            parts = raw.split("/")
            if all(p.isdigit() for p in parts):
                accented = folded = "/".join(str(int(p)) for p in parts)
        return accented, folded
    return _iy(accented, folded), _iy(folded, folded)


def tokens(text: str) -> list[tuple[str, str, bool]]:
    """(accented key, folded key, starts a clause) for each token of ``text``."""
    out: list[tuple[str, str, bool]] = []
    last = 0
    for m in _TOKEN.finditer(text):
        gap = text[last : m.start()]
        last = m.end()
        accented, folded = _keys(m.group())
        out.append((accented, folded, bool(gap.strip()) or not out))
    return out


def word_tokens(text: str) -> list[tuple[str, str, bool]]:
    """:func:`tokens` of ``text`` with a hyphen between letters read as a space ("vắc-xin")."""
    return tokens(_INNER_HYPHEN.sub(" ", text))


def keyed_offsets(text: str) -> list[tuple[int, str, str]]:
    """(character offset, accented key, folded key) of each token of ``text``."""
    return [(m.start(), *_keys(m.group())) for m in _TOKEN.finditer(text)]

"""Vietnamese text normalization, kept in one place and applied identically to documents and queries.

Two layers:

* :func:`normalize_text` produces the *display* text of a document: NFC, unified whitespace and line
  endings, no control characters. It never changes words, so citations stay faithful to the source.
* :func:`match_form` and :func:`fold` produce *matching keys* only (never shown): one tone-mark style
  (``hoá`` = ``hóa``, ``uỷ`` = ``ủy``), lower case, and for :func:`fold` no diacritics at all (``đ`` → ``d``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "fold",
    "is_caps",
    "is_vietnamese_letter",
    "match_form",
    "normalize_text",
    "unify_i_y",
    "unify_tone_marks",
]

# Combining tone marks (grave, acute, hook above, tilde, dot below) as NFD produces them.
_TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0/C1 controls except tab, newline and form feed (page breaks are handled by loaders).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile("[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def normalize_text(raw: str) -> str:
    """Return the display form of a document's text.

    NFC; ``\\r\\n``/``\\r`` → ``\\n``; zero-width characters and controls removed; runs of spaces
    (including no-break spaces) collapsed to one; trailing spaces stripped; at most one blank line
    in a row. Words and punctuation are untouched.
    """
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def _split_tone(ch: str) -> tuple[str, str]:
    """Split a precomposed vowel into (vowel without tone, tone mark or '')."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in _TONE_MARKS)
    base = "".join(c for c in decomposed if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", base), tone


@lru_cache(maxsize=4096)
def _move_tone(first: str, second: str) -> str:
    base, tone = _split_tone(second)
    return unicodedata.normalize("NFC", first + tone) + base


# Old style puts the tone on the second vowel of an open "oa", "oe", "uy" syllable (hoá, khoẻ, thuỷ);
# we match in the new style (hóa, khỏe, thủy). "qu" is a consonant cluster, so "quý" is left alone.
_OLD_STYLE = re.compile(
    r"(?<![qQ])([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])(?![^\W\d_])",
)


def _fix_pair(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    base, _ = _split_tone(second)
    if first.lower() == "o" and base.lower() not in "ae":
        return match.group(0)
    if first.lower() == "u" and base.lower() != "y":
        return match.group(0)
    return _move_tone(first, second)


def unify_tone_marks(text: str) -> str:
    """Rewrite old-style tone placement (hoá, uỷ, khoẻ) to the new style (hóa, ủy, khỏe)."""
    return _OLD_STYLE.sub(_fix_pair, unicodedata.normalize("NFC", text))


def match_form(text: str) -> str:
    """Matching key that keeps diacritics: NFC, one tone style, lower case."""
    return unify_tone_marks(text).lower()


# A syllable that is a consonant onset plus a lone i or y (kỹ/kĩ, lý/lí, quy/qui, tỷ/tỉ) is spelled both
# ways in Vietnamese writing; "y" alone ("y tế") and "y" inside a vowel cluster ("thủy") are not.
_I_Y = re.compile(r"(?:b|c|ch|d|đ|g|gh|h|k|kh|l|m|n|ng|ngh|nh|p|ph|qu|r|s|t|th|tr|v|x)([yýỳỷỹỵ])")
_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")


def unify_i_y(syllable: str) -> str:
    """Matching key of a lower-case syllable with i and y spellings unified (``kỹ`` → ``kĩ``, ``quy`` → ``qui``)."""
    if len(syllable) > 4 or _I_Y.fullmatch(syllable) is None:
        return syllable
    return syllable[:-1] + syllable[-1].translate(_Y_TO_I)


_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.translate(_FOLD_TABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Matching key without diacritics: lower case, marks removed, ``đ`` → ``d`` (NFD does not do that)."""
    return _fold_word(text.lower())


def is_vietnamese_letter(ch: str) -> bool:
    """True for letters of the Vietnamese alphabet with or without marks (and other Latin letters)."""
    return ch.isalpha()


def is_caps(text: str) -> bool:
    """At least two letters, all capitals (a heading or letterhead line); stops at the first small letter."""
    letters = 0
    for c in text:
        if c.isalpha():
            if not c.isupper():
                return False
            letters += 1
    return letters >= 2

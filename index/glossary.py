"""English ↔ Vietnamese domain glossary (data in ``index/data/glossary.json``).

Two uses: search translates English questions into Vietnamese plan vocabulary (:func:`expand_english`),
and answers print the English name of a Vietnamese agency (:func:`english_name`).

Telling English from Vietnamese typed without diacritics ("so nao phu trach nha o xa hoi") cannot rely on
"all ASCII": every word is weighed as English evidence (in the English lexicon and not spelled like a
Vietnamese syllable) or Vietnamese evidence (spelled like a syllable and not an English word, or carrying
Vietnamese marks). Words that are both ("in", "the", "an") count for neither side.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import snowballstemmer

from corpus.normalize import fold
from index.analysis import canonical_key, has_diacritics, is_vietnamese_syllable

__all__ = [
    "Agency",
    "Glossary",
    "default_glossary",
    "english_name",
    "expand_english",
    "is_english",
]

_EN_TOKEN = re.compile(r"[^\W_]+(?:['\-/.][^\W_]+)*")
_WORD = re.compile(r"[^\W\d_]+")


def _norm(word: str) -> str:
    """Light, deterministic English normalization applied to glossary keys and queries alike."""
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_STEMMER = snowballstemmer.stemmer("english")


def _stems(words: Sequence[str]) -> tuple[str, ...]:
    """Snowball (Porter 2) stems of normalized words."""
    return tuple(_STEMMER.stemWords(list(words)))


def _en_words(text: str) -> list[str]:
    return [_norm(word) for word in _EN_TOKEN.findall(text.lower().replace("’", "'"))]


@dataclass(frozen=True, slots=True)
class Agency:
    """One body with its English and Vietnamese names (first of each is canonical)."""

    en: tuple[str, ...]
    vi: tuple[str, ...]

    @property
    def english(self) -> str:
        """Canonical English name."""
        return self.en[0]

    @property
    def vietnamese(self) -> str:
        """Canonical Vietnamese name."""
        return self.vi[0]


class Glossary:
    """Phrase tables built from the glossary data."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.agencies = [Agency(tuple(item["en"]), tuple(item["vi"])) for item in data["agencies"]]
        self._phrases: dict[tuple[str, ...], str] = {}
        for item in data["terms"]:
            vietnamese = item["vi"] if isinstance(item["vi"], str) else " ".join(item["vi"])
            self._add(item["en"], vietnamese)
        for agency in self.agencies:  # agencies after terms: a full agency name wins over its words
            self._add(agency.en, agency.vietnamese)
        self._longest = max((len(key) for key in self._phrases), default=1)
        # Stems of the phrases, for forms the data does not list ("supporting", "handled"). A stem shared
        # by phrases of different meaning ("plan" / "planning", "direct" / "directive") looks nothing up:
        # the exact forms decide those.
        stemmed: dict[tuple[str, ...], str | None] = {}
        for key, vietnamese in self._phrases.items():
            stem = _stems(key)
            stemmed[stem] = vietnamese if stemmed.get(stem, vietnamese) == vietnamese else None
        self._stemmed = {key: value for key, value in stemmed.items() if value is not None}
        self.stopwords = frozenset(_norm(word.lower()) for word in data["stopwords"])
        lexicon = {word for key in self._phrases for word in key}
        lexicon.update(_norm(word.lower()) for word in data["words"])
        self.english_words = frozenset(lexicon | self.stopwords)
        self._by_key: dict[str, Agency] = {}
        for agency in self.agencies:
            for name in agency.vi:
                self._by_key.setdefault(canonical_key(name), agency)
        self._by_english = {tuple(_en_words(name)): agency for agency in self.agencies for name in agency.en}
        self.kinds_of = _kinds_of(item["vi"] for item in data["terms"] if isinstance(item["vi"], str))

    def _add(self, phrases: Iterable[str], vietnamese: str) -> None:
        for phrase in phrases:
            key = tuple(_en_words(phrase))
            if key:
                self._phrases[key] = vietnamese

    @classmethod
    def load(cls, path: Path | None = None) -> Glossary:
        """Read the glossary (the bundled one by default)."""
        if path is None:
            text = resources.files("index").joinpath("data", "glossary.json").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return cls(json.loads(text))

    # ----------------------------------------------------------------- language
    def is_english(self, text: str) -> bool:
        """True when ``text`` reads as English rather than Vietnamese (with or without diacritics)."""
        english = vietnamese = 0
        for word in _WORD.findall(text):
            if has_diacritics(word):
                vietnamese += 1
                continue
            lowered = _norm(word.lower())
            in_lexicon = lowered in self.english_words
            syllable = is_vietnamese_syllable(lowered) or is_vietnamese_syllable(word.lower())
            if in_lexicon and not syllable:
                english += 1
            elif syllable and not in_lexicon:
                vietnamese += 1
        return english >= 1 and english >= vietnamese

    # ----------------------------------------------------------------- translation
    def translate(self, text: str) -> str:
        """Vietnamese rendering of an English text: phrases longest first, stopwords dropped.

        Words the glossary does not know (place names, numbers, codes) are kept as written.
        """
        raw = _EN_TOKEN.findall(text.replace("’", "'"))
        words = [_norm(word.lower()) for word in raw]
        stems = _stems(words)
        out: list[str] = []
        position = 0
        while position < len(words):
            for size in range(min(self._longest, len(words) - position), 0, -1):
                vietnamese = self._phrases.get(tuple(words[position : position + size]))
                if vietnamese is None and words[position] not in self.stopwords:
                    vietnamese = self._stemmed.get(stems[position : position + size])
                if vietnamese is not None:
                    out.append(vietnamese)
                    position += size
                    break
            else:
                if words[position] not in self.stopwords:
                    out.append(raw[position])
                position += 1
        return " ".join(out)

    def expand_english(self, text: str) -> str:
        """``text`` translated to Vietnamese if it is English; otherwise unchanged."""
        return self.translate(text) if self.is_english(text) else text

    # ----------------------------------------------------------------- agency names
    def agency(self, name: str) -> Agency | None:
        """The agency a Vietnamese name refers to: exact key first, else the longest name it starts with.

        ``Sở Xây dựng tỉnh Tuyên Quang`` → Sở Xây dựng; ``Sở LĐ-TB&XH`` → Sở Lao động - Thương binh và Xã hội.
        """
        key = canonical_key(name)
        found = self._by_key.get(key)
        if found is not None:
            return found
        best: tuple[int, Agency] | None = None
        for candidate, agency in self._by_key.items():
            if key.startswith(candidate + " ") and (best is None or len(candidate) > best[0]):
                best = (len(candidate), agency)
        return best[1] if best else None

    def english_name(self, vietnamese_name: str) -> str | None:
        """Canonical English name of a Vietnamese agency name, or None if the glossary does not know it."""
        agency = self.agency(vietnamese_name)
        return agency.english if agency else None

    def vietnamese_name(self, english_name: str) -> str | None:
        """Canonical Vietnamese name of an English agency name, or None."""
        agency = self._by_english.get(tuple(_en_words(english_name)))
        return agency.vietnamese if agency else None


def _kinds_of(terms: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Terms that name one kind among several sharing their first two syllables ("bảo hiểm xã hội", "bảo
    hiểm y tế", "bảo hiểm thất nghiệp"), as folded syllable tuples: a question about one kind is not
    answered by a sentence about another."""
    keys = {tuple(fold(w) for w in re.findall(r"[^\W_]+", term)) for term in terms}
    keys = {key for key in keys if len(key) >= 3}
    heads: dict[tuple[str, ...], int] = {}
    for key in keys:
        heads[key[:2]] = heads.get(key[:2], 0) + 1
    return frozenset(key for key in keys if heads[key[:2]] > 1)


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The bundled glossary, loaded once."""
    return Glossary.load()


def is_english(text: str) -> bool:
    """:meth:`Glossary.is_english` with the bundled glossary."""
    return default_glossary().is_english(text)


def expand_english(text: str) -> str:
    """:meth:`Glossary.expand_english` with the bundled glossary."""
    return default_glossary().expand_english(text)


def english_name(vietnamese_name: str) -> str | None:
    """:meth:`Glossary.english_name` with the bundled glossary."""
    return default_glossary().english_name(vietnamese_name)

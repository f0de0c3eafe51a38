"""Vietnamese analysis chain: text → tokens for the lexical index, identical for documents and queries.

Three token streams (fields) come out of one pass over the text:

* ``accented``: syllables, numbers and codes in :func:`corpus.normalize.match_form` (one tone-mark style,
  lower case) with i/y spellings unified (:func:`corpus.normalize.unify_i_y`), so ``hoá`` = ``hóa`` and
  ``qui định`` = ``quy định``;
* ``folded``: the same tokens through :func:`corpus.normalize.fold` (no diacritics, ``đ`` → ``d``), so
  ``nha o xa hoi`` matches ``nhà ở xã hội``;
* ``bigrams``: folded pairs of adjacent syllables inside one clause (never across punctuation), which give
  back the word boundaries Vietnamese spelling does not mark (``nhà ở`` vs ``ở nhà``).

Abbreviations (``UBND``, ``LĐ-TB&XH``, ``ldtbxh``) keep their own token and get their expansion appended
from ``index/data/aliases.json``. One-letter syllables (``ở``, ``y``) are ordinary tokens.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any, NamedTuple

from corpus.models import Chunk, Document
from corpus.normalize import fold, match_form, unify_i_y, unify_tone_marks

__all__ = [
    "ANALYSIS_VERSION",
    "Analyzed",
    "Analyzer",
    "canonical_key",
    "default_analyzer",
    "has_diacritics",
    "indexable_text",
    "is_vietnamese_syllable",
]

_BASE_VERSION = "2"  # 2: i/y spellings unified

# A run of letters/digits, optionally joined to more runs by separators that occur inside numbers and
# codes ("6.084", "01/12", "46/KH-UBND", "LĐ-TB&XH", "0,5%"). Whether a joined run is one token or
# several is decided per match below.
_TOKEN = re.compile(r"[^\W_]+(?:[./,&\-–][^\W_]+)*%?")
# What _scan iterates over: tokens as above, or one punctuation character (a clause boundary).
_ITEM = re.compile(r"[^\W_]+(?:[./,&\-–][^\W_]+)*%?|[^\w\s]")
_SEPARATORS = re.compile(r"[./,&\-–]")
_ALNUM_RUNS = re.compile(r"\d+|[^\W\d_]+")
_MAX_TOKEN_CHARS = 64
_CACHE_SIZE = 200_000

# Folded Vietnamese syllable: onset, a vowel nucleus Vietnamese allows, coda. Used to tell Vietnamese
# typed without diacritics from English and to keep lower-case aliases off ordinary syllables.
_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx]"
_NUCLEI = (
    "ieu|yeu|oai|oay|oao|oeo|uoi|uou|uya|uye|uyu|uay|"
    "ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|"
    "a|e|i|o|u|y"
)
_SYLLABLE = re.compile(rf"(?:{_ONSETS})?(?:{_NUCLEI})(?:ch|ng|nh|[cmnpt])?")


def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` (any case, with or without diacritics) is spelled like a Vietnamese syllable."""
    return _SYLLABLE.fullmatch(fold(word)) is not None


def has_diacritics(word: str) -> bool:
    """True when ``word`` carries any Vietnamese mark (tone, hat, horn, breve, đ)."""
    return fold(word) != word.lower()


@dataclass(frozen=True, slots=True)
class Analyzed:
    """Tokens of one text, per field; order is text order, repeats kept (term frequency)."""

    accented: list[str]
    folded: list[str]
    bigrams: list[str]


@dataclass(frozen=True, slots=True)
class _Alias:
    forms: frozenset[str]
    capitals_only: bool
    expansion: Analyzed
    text: str


class _Piece(NamedTuple):
    """Tokens of one regex item, cached per distinct item."""

    accented: tuple[str, ...]
    folded: tuple[str, ...]
    segments: tuple[tuple[str, ...], ...]  # folded units per clause segment (for bigrams)
    aliases: tuple[_Alias, ...]


_PUNCTUATION = _Piece((), (), ((),), ())


def _alias_key(text: str) -> str:
    return fold(_SEPARATORS.sub("", text))


def _load_json(name: str) -> Any:
    return json.loads(resources.files("index").joinpath("data", name).read_text(encoding="utf-8"))


def _data_digest() -> str:
    digest = hashlib.sha256()
    for name in ("aliases.json",):
        digest.update(resources.files("index").joinpath("data", name).read_bytes())
    digest.update(json.dumps(sorted(STOPWORDS), ensure_ascii=False).encode())
    return digest.hexdigest()[:8]


# Function words dropped from the unigram fields of a *query* (documents keep them; the bigram field
# keeps them in both). Question words are here because documents do not answer in them.
# One-letter syllables that carry meaning ("ở" in "nhà ở", "y" in "y tế") are deliberately absent.
STOPWORDS: frozenset[str] = frozenset(
    match_form(word)
    for word in [
        "và",
        "của",
        "các",
        "những",
        "là",
        "có",
        "được",
        "cho",
        "với",
        "trong",
        "theo",
        "về",
        "để",
        "thì",
        "mà",
        "này",
        "đó",
        "khi",
        "từ",
        "tại",
        "đến",
        "nào",
        "gì",
        "ai",
        "bao",
        "nhiêu",
        "sao",
        "đâu",
        "không",
        "hay",
        "hoặc",
        "như",
        "nhưng",
        "vì",
        "do",
        "bởi",
        "lại",
        "rất",
        "đã",
        "đang",
        "sẽ",
        "cũng",
        "còn",
        "thế",
        "vậy",
        "hỏi",
        "xin",
        "biết",
        "nêu",
        "hãy",
        "gồm",
    ]
)


class Analyzer:
    """Turns text into :class:`Analyzed` tokens; the same instance serves documents and queries.

    Args:
        aliases: append abbreviation expansions (``aliases.json``).
        bigrams: produce the folded syllable-bigram field.
        query_stopwords: drop :data:`STOPWORDS` from the unigram fields of queries.
    """

    def __init__(self, *, aliases: bool = True, bigrams: bool = True, query_stopwords: bool = True) -> None:
        self.use_aliases = aliases
        self.use_bigrams = bigrams
        self.query_stopwords = query_stopwords
        self._cache: dict[str, _Piece] = {}
        self._aliases: dict[str, _Alias] = self._load_aliases() if aliases else {}

    # ----------------------------------------------------------------- aliases
    def _load_aliases(self) -> dict[str, _Alias]:
        plain = Analyzer(aliases=False, bigrams=self.use_bigrams, query_stopwords=False)
        table: dict[str, _Alias] = {}
        for entry in _load_json("aliases.json")["aliases"]:
            expansion = plain.analyze(entry["expansion"])
            for form in entry["abbr"]:
                key = _alias_key(form)
                capitals = bool(entry.get("capitals_only")) or is_vietnamese_syllable(key)
                table[key] = _Alias(
                    frozenset({unify_tone_marks(form)}), capitals, expansion, entry["expansion"]
                )
        return table

    def _alias_for(self, original: str) -> _Alias | None:
        """The alias an abbreviation as written (case kept, separators kept) stands for, if any."""
        alias = self._aliases.get(_alias_key(original))
        if alias is None:
            return None
        if alias.capitals_only:
            written = _SEPARATORS.sub("", original)
            if not any(_SEPARATORS.sub("", form) == written for form in alias.forms) and not (
                written.isupper() and len(written) > 1
            ):
                return None
        return alias

    def expansion_text(self, token: str) -> str:
        """What an abbreviation token as written stands for (``"LĐ-TB&XH"`` → ``"Lao động - ..."``), or ``""``."""
        if not self._aliases or any(ch.isdigit() for ch in token):
            return ""
        return ", ".join(alias.text for alias in self._piece(unify_tone_marks(token)).aliases)

    # ----------------------------------------------------------------- tokens
    def canonical_key(self, text: str) -> str:
        """A name's comparison key: folded words, abbreviations replaced by their expansion, no punctuation.

        ``Sở LĐ-TB&XH``, ``Sở Lao động, Thương binh và Xã hội`` and ``so lao dong thuong binh va xa hoi``
        share one key.
        """
        words: list[str] = []
        cache = self._cache
        for item in _TOKEN.findall(unify_tone_marks(text)):
            piece = cache.get(item) or self._remember(item)
            if len(piece.aliases) == 1 and len(piece.segments) == 1 and len(piece.segments[0]) == 1:
                words.extend(piece.aliases[0].expansion.folded)
            else:
                words.extend(unit for segment in piece.segments for unit in segment)
        return " ".join(words)

    def analyze(self, text: str) -> Analyzed:
        """Tokens of a document text (nothing dropped)."""
        accented, folded, bigrams, expansions = self._scan(text)
        for alias in expansions:
            accented.extend(alias.expansion.accented)
            folded.extend(alias.expansion.folded)
            bigrams.extend(alias.expansion.bigrams)
        return Analyzed(accented, folded, bigrams)

    def analyze_query(self, text: str) -> Analyzed:
        """Tokens of a query.

        A query typed without diacritics (most syllables bare) searches the accented field only with the
        tokens that do carry marks (alias expansions, the odd accented word): its bare syllables would
        otherwise hit rare literal spellings ("xa" for "xã") in the accented field. Query stopwords leave
        the unigram fields, but stay inside bigrams.
        """
        accented, _, bigrams, expansions = self._scan(text)
        syllables = [token for token in accented if token.isalpha()]
        marked = sum(1 for token in syllables if has_diacritics(token))
        typed_with_marks = bool(syllables) and marked / len(syllables) >= 0.3
        if self.query_stopwords:
            kept = [token for token in accented if token not in STOPWORDS]
            accented = kept or accented
        folded = [fold(token) for token in accented]
        if not typed_with_marks:
            accented = [token for token in accented if has_diacritics(token)]
        for alias in expansions:
            accented.extend(alias.expansion.accented)
            folded.extend(alias.expansion.folded)
            bigrams.extend(alias.expansion.bigrams)
        return Analyzed(accented, folded, bigrams)

    def _scan(self, text: str) -> tuple[list[str], list[str], list[str], list[_Alias]]:
        """One pass: (accented unigrams, folded unigrams, folded bigrams, aliases met in order).

        Hot loop of index building: one regex ``findall`` in C, then one cache lookup per item.
        """
        accented: list[str] = []
        folded: list[str] = []
        bigrams: list[str] = []
        expansions: list[_Alias] = []
        clause: list[str] = []  # folded units of the current clause
        cache = self._cache
        for item in _ITEM.findall(unify_tone_marks(text)):
            piece = cache.get(item) or self._remember(item)
            if piece is _PUNCTUATION:
                if len(clause) > 1:
                    bigrams.extend(map(" ".join, pairwise(clause)))
                clause = []
                continue
            accented.extend(piece.accented)
            folded.extend(piece.folded)
            segments = piece.segments
            clause.extend(segments[0])
            for segment in segments[1:]:  # punctuation inside the item ("tầng,phát")
                if len(clause) > 1:
                    bigrams.extend(map(" ".join, pairwise(clause)))
                clause = list(segment)
            if piece.aliases:
                expansions.extend(piece.aliases)
        if len(clause) > 1:
            bigrams.extend(map(" ".join, pairwise(clause)))
        if not self.use_bigrams:
            bigrams.clear()
        return accented, folded, bigrams, expansions

    def _remember(self, item: str) -> _Piece:
        """:meth:`_piece` of an item not in the cache, stored there (the cache is emptied when full)."""
        if len(self._cache) > _CACHE_SIZE:
            self._cache.clear()
        piece = self._cache[item] = self._piece(item)
        return piece

    def _piece(self, item: str) -> _Piece:
        """Tokens of one ``findall`` item (a word, number, code or one punctuation character)."""
        if not any(ch.isalnum() for ch in item):
            return _PUNCTUATION
        segments, extras, aliases = self._split(item)
        segments = [[unify_i_y(unit) for unit in segment] for segment in segments]
        units = [unit for segment in segments for unit in segment]
        accented = (*units, *extras)
        return _Piece(
            accented,
            tuple(fold(token) for token in accented),
            tuple(tuple(fold(unit) for unit in segment) for segment in segments),
            tuple(aliases),
        )

    def _split(self, raw: str) -> tuple[list[list[str]], list[str], list[_Alias]]:
        raw = raw[:_MAX_TOKEN_CHARS].replace("–", "-")
        percent = raw.endswith("%")
        core = raw[:-1] if percent else raw
        parts = [part for part in _SEPARATORS.split(core) if part]
        lowered = core.lower()
        if any(ch.isdigit() for ch in core):
            # Numbers and codes: the whole as written is the unit; parts and letter/digit runs are extras.
            extras: list[str] = []
            whole = lowered + "%" if percent else lowered
            if percent:
                extras.append(lowered)
            if len(parts) > 1:
                extras.extend(part.lower() for part in parts)
                if "/" in core and all(part.isdigit() for part in parts):
                    extras.append("/".join(str(int(part)) for part in parts))  # 01/12 = 1/12
            for part in parts:
                runs = _ALNUM_RUNS.findall(part)
                if len(runs) > 1:
                    extras.extend(run.lower() for run in runs)
            return [[whole]], extras, []
        alias = self._alias_for(core) if self._aliases else None
        if alias is not None:
            return [[_SEPARATORS.sub("", lowered)]], [], [alias]
        if len(parts) == 1:
            return [[lowered]], [], []
        letters = _SEPARATORS.sub("", core)
        if letters.isupper() and all(len(part) <= 6 for part in parts):
            # An acronym compound such as "KT-XH" or "HĐND&UBND": one unit, parts as extras.
            aliases = [found for part in parts if (found := self._alias_for(part)) is not None]
            return [[letters.lower()]], [part.lower() for part in parts], aliases
        # Ordinary words glued by punctuation ("tầng,phát", "tế-xã"): separate clauses, as if spaced.
        return [[part.lower()] for part in parts], [], []


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    """The shared analyzer with the measured default settings."""
    return Analyzer()


def canonical_key(text: str) -> str:
    """:meth:`Analyzer.canonical_key` with the default analyzer."""
    return default_analyzer().canonical_key(text)


def indexable_text(section: str | Chunk, text: str | Document | None = None, title: str = "") -> str:
    """The string the lexical index (and the encoder) sees for a chunk: title, heading path, body.

    Call as ``indexable_text(section, text, title)`` or ``indexable_text(chunk, document)``. Each head
    line ends with punctuation so that no bigram spans two of them.
    """
    if isinstance(section, Chunk):
        chunk = section
        if isinstance(text, Document):
            title = text.title
        elif title == "":
            title = chunk.title
        section, body = chunk.section, chunk.text
    else:
        body = text if isinstance(text, str) else ""
    head = [part for part in (title, section) if part]
    return "\n".join([*(f"{part} ." for part in head), body])


ANALYSIS_VERSION: str = f"{_BASE_VERSION}+{_data_digest()}"
"""Identity of the analysis chain and its data; recorded in manifests (a change means: rebuild)."""

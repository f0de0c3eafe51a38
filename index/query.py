"""Query understanding shared by search: English translation, abbreviation expansion, places named.

:func:`analyze_query` returns a :class:`QueryInfo` whose ``expanded`` text is what the lexical index and
the encoder see, and whose ``provinces`` are a soft boost for the engine (a hard filter only when the
caller sets one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from corpus import geography
from corpus.normalize import fold, unify_tone_marks
from index.analysis import default_analyzer, has_diacritics
from index.glossary import default_glossary
from index.leads import ANY_LEAD, asked_mask, asks_who

__all__ = ["QueryInfo", "analyze_query"]

# "46/KH-UBND", "1221/KH-UBND", "24/CT-TTg", "274-KH/TU": a document number as cited in questions.
_DOC_NUMBER = re.compile(
    r"\b\d{1,5}\s*[/-]\s*(?:\d{4}\s*/\s*)?[A-ZĐ]{1,6}(?:\s*[-/&]\s*[A-ZĐa-z]{1,8}){0,3}\b"
)
_TOKEN = re.compile(r"[^\W_]+(?:[./,&\-–][^\W_]+)*")
_MAX_QUERY_CHARS = 4000


@dataclass
class QueryInfo:
    """What search needs to know about one query."""

    original: str
    expanded: str = field(metadata={"doc": "English translated, abbreviations spelled out inline"})
    english: bool = False
    accented: bool = True
    provinces: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    document_numbers: list[str] = field(default_factory=list)
    asks_who: bool = False
    lead_kinds: int = field(
        default=ANY_LEAD, metadata={"doc": "index.leads mask of the agency kinds asked for"}
    )


# Names that are also ordinary words ("hòa bình" = peace): only taken when capitalized or after "tỉnh".
_COMMON_WORD_NAMES = frozenset({"hoa binh", "thai binh", "long an", "an giang"})
# Administrative words written before a name, folded → the form corpus.geography.lookup expects.
_LEVELS = {"tinh": "tỉnh", "huyen": "huyện", "thanh pho": "thành phố", "tp": "tp", "thi xa": "thị xã"}
_MAX_NAME_WORDS = 5


def _words_key(name: str) -> str:
    return " ".join(fold(word) for word in re.findall(r"[^\W_]+", name))


@dataclass(frozen=True)
class Gazetteer:
    """Place names from ``corpus/data/provinces.json``, resolved through :func:`corpus.geography.lookup`."""

    keys: frozenset[str]  # folded word keys of every province, alias and district name

    @classmethod
    def from_data(cls) -> Gazetteer:
        """All names the geography data holds."""
        raw = json.loads(
            resources.files("corpus").joinpath("data/provinces.json").read_text(encoding="utf-8")
        )
        names: list[str] = []
        for entry in raw["provinces"]:
            names += [
                entry["name"],
                *entry.get("aliases", []),
                *(unit["name"] for unit in entry.get("units", [])),
            ]
        return cls(frozenset(_words_key(name) for name in names))

    def find(self, text: str) -> tuple[list[str], list[str]]:
        """(provinces, districts) named in ``text``, longest names first; a district names its province too."""
        words = re.findall(r"[^\W_]+", unify_tone_marks(text))
        keys = [fold(word) for word in words]
        taken = [False] * len(words)
        provinces: list[str] = []
        districts: list[str] = []
        for size in range(_MAX_NAME_WORDS, 0, -1):
            for start in range(len(words) - size + 1):
                end = start + size
                key = " ".join(keys[start:end])
                if key not in self.keys or any(taken[start:end]):
                    continue
                level = self._level(keys, start)
                if key in _COMMON_WORD_NAMES and level is None and not words[start][:1].isupper():
                    continue
                place = geography.lookup(" ".join(words[start:end]), level=level)
                if place is None and level is not None:
                    place = geography.lookup(" ".join(words[start:end]))
                if place is None:
                    continue
                taken[start:end] = [True] * size
                provinces.append(place.province)
                if place.district:
                    districts.append(place.district)
        return list(dict.fromkeys(provinces)), list(dict.fromkeys(districts))

    @staticmethod
    def _level(keys: list[str], start: int) -> str | None:
        for size in (2, 1):
            if start >= size:
                level = _LEVELS.get(" ".join(keys[start - size : start]))
                if level:
                    return level
        return None


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer of the bundled geography data."""
    return Gazetteer.from_data()


def _expand_aliases(text: str) -> str:
    """Insert the expansion after each abbreviation: ``Sở LĐTBXH`` → ``Sở LĐTBXH (Lao động - ...)``."""
    analyzer = default_analyzer()
    pieces: list[str] = []
    last = 0
    source = unify_tone_marks(text)
    for match in _TOKEN.finditer(source):
        expansion = analyzer.expansion_text(match.group())
        if expansion:
            pieces.append(source[last : match.end()])
            pieces.append(f" ({expansion})")
            last = match.end()
    pieces.append(source[last:])
    return "".join(pieces)


def _typed_with_marks(text: str) -> bool:
    words = [word for word in re.findall(r"[^\W\d_]+", text) if len(word) > 1]
    if not words:
        return True
    return sum(1 for word in words if has_diacritics(word)) / len(words) >= 0.3


def analyze_query(query: str, gazetteer: Gazetteer | None = None) -> QueryInfo:
    """Understand one query (any language, with or without diacritics)."""
    text = query[:_MAX_QUERY_CHARS].strip()
    glossary = default_glossary()
    english = glossary.is_english(text)
    translated = glossary.translate(text) if english else text
    expanded = _expand_aliases(translated)
    places = gazetteer or default_gazetteer()
    provinces, districts = places.find(text if not english else f"{text} {translated}")
    numbers = list(dict.fromkeys(re.sub(r"\s+", "", m.group()) for m in _DOC_NUMBER.finditer(text)))
    return QueryInfo(
        original=query,
        expanded=expanded,
        english=english,
        accented=_typed_with_marks(text),
        provinces=provinces,
        districts=districts,
        document_numbers=numbers,
        asks_who=asks_who(text),
        lead_kinds=asked_mask(text),
    )

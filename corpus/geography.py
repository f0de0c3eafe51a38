"""Vietnam's provinces and the districts/cities tracuu knows, for reading places out of documents.

The gazetteer (``corpus/data/provinces.json``) holds the 63 provincial-level units as they stood before
the 2025 reorganisation, each with the cities and districts we are sure of. Lookups compare names in
:func:`corpus.normalize.match_form` (diacritics kept, one tone style), so "Quang Bình" (a district of Hà
Giang) never resolves to "Quảng Bình"; a diacritic-free spelling resolves only when it is unambiguous.
District names that exist in several provinces ("Châu Thành") never resolve to a province on their own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from corpus.normalize import fold, match_form

__all__ = [
    "PROVINCE_KIND",
    "Place",
    "lookup",
    "place_key",
    "place_keys",
    "province_names",
]

PROVINCE_KIND = "tỉnh"
MUNICIPALITY_KIND = "thành phố trực thuộc trung ương"
# Administrative words that may precede a place name, mapped to the unit kinds they can name.
_LEVEL_KINDS: dict[str, frozenset[str]] = {
    "tỉnh": frozenset({PROVINCE_KIND}),
    "thành phố": frozenset({MUNICIPALITY_KIND, "thành phố"}),
    "tp": frozenset({MUNICIPALITY_KIND, "thành phố"}),
    "huyện": frozenset({"huyện"}),
    "thị xã": frozenset({"thị xã"}),
}


@dataclass(frozen=True)
class Place:
    """A resolved place: the unit's own name and kind, and the province it belongs to."""

    name: str
    kind: str
    province: str
    district: str | None = None  # None for a province (or a provincial city named like its province)


_DASHES = re.compile(r"\s*[-–—]\s*")
_SPACES = re.compile(r"\s+")
_TP_PREFIX = re.compile(r"^(?:tp\.?|thành phố)\s*", re.IGNORECASE)


def place_key(name: str) -> str:
    """Matching key of a place name: match form, dashes and spaces unified, trailing punctuation dropped."""
    key = _DASHES.sub("-", match_form(name).strip(" \t.,;:()"))
    return _SPACES.sub(" ", key)


@dataclass(frozen=True)
class _Gazetteer:
    exact: dict[str, tuple[Place, ...]]
    folded: dict[str, tuple[Place, ...]]
    provinces: tuple[str, ...]
    ambiguous: frozenset[str]


def _add(index: dict[str, list[Place]], key: str, place: Place) -> None:
    bucket = index.setdefault(key, [])
    if place not in bucket:
        bucket.append(place)


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    raw = json.loads(resources.files("corpus").joinpath("data/provinces.json").read_text(encoding="utf-8"))
    exact: dict[str, list[Place]] = {}
    names: list[str] = []
    for entry in raw["provinces"]:
        province = entry["name"]
        names.append(province)
        own = Place(name=province, kind=entry["kind"], province=province)
        for alias in [province, *entry.get("aliases", [])]:
            _add(exact, place_key(alias), own)
        for unit in entry.get("units", []):
            same_name = place_key(unit["name"]) == place_key(province)
            district = None if same_name else unit["name"]
            _add(exact, place_key(unit["name"]), Place(unit["name"], unit["kind"], province, district))
    folded: dict[str, list[Place]] = {}
    for key, places in exact.items():
        for place in places:
            _add(folded, fold(key), place)
    ambiguous = frozenset(place_key(name) for name in raw.get("ambiguous_units", []))
    return _Gazetteer(
        exact={k: tuple(v) for k, v in exact.items()},
        folded={k: tuple(v) for k, v in folded.items()},
        provinces=tuple(names),
        ambiguous=ambiguous,
    )


def province_names() -> tuple[str, ...]:
    """Canonical names of the 63 provincial-level units."""
    return _gazetteer().provinces


def place_keys() -> frozenset[str]:
    """Matching keys (:func:`place_key`) of every province, alias and district name known."""
    return frozenset(_gazetteer().exact)


def _pick(candidates: tuple[Place, ...], kinds: frozenset[str] | None) -> Place | None:
    if kinds is not None:
        candidates = tuple(p for p in candidates if p.kind in kinds)
    if not candidates:
        return None
    provinces = [p for p in candidates if p.district is None]
    if provinces:  # "Lạng Sơn" is the province before it is the city
        return provinces[0]
    if len({p.province for p in candidates}) == 1:
        return candidates[0]
    return None


def lookup(name: str, *, level: str | None = None) -> Place | None:
    """Resolve a place name ("Lạng Sơn", "Văn Quan", "TP. Hồ Chí Minh", "HẬU GIANG") or None.

    Args:
        name: the name as written, any case; a leading "TP." or "thành phố" is allowed.
        level: the administrative word written before it ("tỉnh", "huyện", "thành phố", "thị xã"),
            which restricts the kinds of unit it may name.
    """
    gazetteer = _gazetteer()
    kinds = _LEVEL_KINDS.get(match_form(level).strip(". ")) if level else None
    if level and kinds is None:
        return None  # a level we hold no units for ("quận", "xã")
    key = place_key(name)
    if not key:
        return None
    candidates = gazetteer.exact.get(key) or gazetteer.exact.get(place_key(_TP_PREFIX.sub("", key)))
    if candidates is None:
        candidates = gazetteer.folded.get(fold(key))
        if candidates is not None and len({p.province for p in candidates}) > 1:
            return None  # without diacritics "quang binh" is both a province and a district
    if not candidates:
        return None
    if key in gazetteer.ambiguous and all(p.district is not None for p in candidates):
        return None
    return _pick(candidates, kinds)

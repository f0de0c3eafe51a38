"""Agency names across documents: recognition, canonical keys and lists.

``Sở Văn hoá - Thể thao và Du lịch`` and ``Sở Văn hóa, Thể thao và Du lịch`` are one agency; ``Sở LĐTBXH`` is
``Sở Lao động - Thương binh và Xã hội``; ``UBND các huyện, thành phố`` is ``Ủy ban nhân dân cấp huyện``. Keys
are province-qualified: Sở Y tế of Lạng Sơn is not Sở Y tế of Ninh Thuận.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from corpus.agency_scan import Found, Scanner, expand_abbreviations, scanner
from corpus.agency_tokens import Tokens, aligned_fold
from corpus.geography import place_keys
from corpus.normalize import fold

__all__ = [
    "AgencyKey",
    "AgencyMention",
    "Found",
    "agency_key",
    "agency_list_at",
    "canonical_agency",
    "find_agencies",
    "names_agency",
    "scan_agencies",
]

_NATIONAL_KINDS = frozenset({"bo"})
_LOCATION_WORDS = frozenset({"tinh", "huyen", "thanh", "thi", "quan", "viet", "trung"})


@dataclass(frozen=True, slots=True)
class AgencyKey:
    """A canonical agency: display name, folded base key and the province (district) it belongs to."""

    name: str
    base: str
    kind: str
    province: str | None = None
    district: str | None = None
    field: str | None = None

    @property
    def key(self) -> str:
        """String form stored in ``Responsibility.agency_key``: ``so xay dung@lang son``."""
        if self.kind in _NATIONAL_KINDS or "trung uong" in self.base:
            return f"{self.base}@vn"
        where = fold(self.province) if self.province else "*"
        if self.district:
            where = f"{where}/{fold(self.district)}"
        return f"{self.base}@{where}"

    @property
    def collective(self) -> bool:
        """True for groups such as "các sở, ban, ngành" (not one agency)."""
        return self.kind == "collective"

    def __str__(self) -> str:
        return self.key


class AgencyMention(NamedTuple):
    """An agency named in a text: character span and full name (abbreviations expanded)."""

    start: int
    end: int
    name: str


def scan_agencies(text: str, *, folded: str | None = None) -> list[Found]:
    """All agency mentions with their kind and field (richer than :func:`find_agencies`).

    ``folded`` is ``aligned_fold(text)`` when the caller already has it.
    """
    return scanner().scan(text, folded=folded)


def find_agencies(text: str) -> list[AgencyMention]:
    """Agency mentions in ``text``, left to right: ``[(start, end, name)]``.

    Lists after ``Các Sở:`` are expanded (``Các Sở: Nội vụ, Xây dựng`` gives ``Sở Nội vụ`` and ``Sở Xây
    dựng``, each spanning its field).
    """
    found = scan_agencies(text)
    out = [AgencyMention(f.start, f.end, f.name) for f in found]
    folded = aligned_fold(text)
    for m in _LIST_HEAD.finditer(folded):
        items, _ = _field_list(text, m.end(), m.group("head"))
        out.extend(AgencyMention(f.start, f.end, f.name) for f in items)
    out.sort()
    return out


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,.;:()\-–&/]+", fold(text)) if w]


def _base(found: Found) -> str:
    if found.field is not None:
        return " ".join([*_words(found.name.split()[0]), *(w for w in _words(found.field) if w != "va")])
    if found.kind == "collective":
        return "collective " + " ".join(_words(found.name))
    if found.kind == "front":  # "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Mặt trận Tổ quốc", "MTTQ": one body
        return "mat tran to quoc"
    words = _words(found.name)
    if found.kind in {"ubnd", "hdnd"}:
        return " ".join(["ubnd" if found.kind == "ubnd" else "hdnd", *words[4:]])
    # "Chi nhánh Ngân hàng X tỉnh", "Ngân hàng X chi nhánh Lạng Sơn", "Cục Thuế tỉnh": the unit, not the branch.
    if words[:2] == ["chi", "nhanh"]:
        words = words[2:]
    out: list[str] = []
    for index, word in enumerate(words):
        if index > 0 and word == "chi" and words[index + 1 : index + 2] == ["nhanh"]:
            break
        if index > 1 and word in _LOCATION_WORDS and _is_location(words, index):
            break
        if index > 1 and tuple(words[index:]) in _place_words():  # "Ngân hàng … Lạng Sơn": no "tỉnh"
            break
        out.append(word)
    return " ".join(out)


@lru_cache(maxsize=1)
def _place_words() -> frozenset[tuple[str, ...]]:
    """Province and district names as folded word tuples: a name ending an agency's is where it is."""
    return frozenset(tuple(_words(name)) for name in place_keys())


def _is_location(words: list[str], index: int) -> bool:
    pair = " ".join(words[index : index + 2])
    if words[index] in {"tinh", "huyen", "quan"}:
        return True
    return pair in {"thanh pho", "thi xa", "thi tran", "viet nam", "trung uong"}


def names_agency(asked: str, base: str) -> bool:
    """Whether an agency asked about (its base key) names the agency ``base``: the same one, or a short
    name of it ("so nong nghiep" names "so nong nghiep phat trien nong thon", not the other way round)."""
    return base == asked or base.startswith(asked + " ")


def agency_key(found: Found, province: str | None = None, district: str | None = None) -> AgencyKey:
    """The canonical key of a scanned mention within a document of ``province`` (``district``)."""
    return AgencyKey(found.name, _base(found), found.kind, province, district, found.field)


def canonical_agency(name: str, province: str | None = None, *, district: str | None = None) -> AgencyKey:
    """Canonical key for an agency name as written anywhere (document, question, metadata).

    >>> canonical_agency("Sở Văn hoá - Thể thao và Du lịch", "Ninh Thuận").name
    'Sở Văn hóa, Thể thao và Du lịch'
    """
    text = re.sub(r"\s+", " ", name).strip()
    found = scan_agencies(text)
    if found:
        best = max(found, key=lambda f: f.end - f.start)
        return agency_key(best, province, district)
    collective = _COLLECTIVE.match(aligned_fold(text))
    if collective is not None:
        return agency_key(_collective(text, 0, collective.end()), province, district)
    cleaned = expand_abbreviations(text)
    return AgencyKey(cleaned, " ".join(_words(cleaned)), "other", province, district)


# ---------------------------------------------------------------------------------------------- lists

_COLLECTIVE = re.compile(
    r"(?:thu\s+truong\s+|lanh\s+dao\s+|giam\s+doc\s+)?cac\s+"
    r"(?:so|ban|nganh|co\s+quan|don\s+vi|dia\s+phuong|phong|to\s+chuc|doan\s+the|cap|hoi|bo|huyen|xa)"
    r"(?:\s*(?:,|va)\s*(?:cac\s+)?(?:so|ban\s+nganh|ban|nganh|co\s+quan|don\s+vi|dia\s+phuong|phong|doan\s+the"
    r"|hoi|to\s+chuc|cap|thanh\s+pho|thi\s+xa|thi\s+tran|phuong|xa|huyen))*"
    r"(?:\s+(?:chinh\s+tri\s*-\s*xa\s+hoi|chuyen\s+mon|truc\s+thuoc|co\s+lien\s+quan|lien\s+quan|cap\s+tinh"
    r"|cap\s+huyen|cua\s+tinh|thuoc\s+tinh|tinh|huyen|doan\s+the))*"
    r"(?![^\W_])"
    r"|(?:cac\s+)?(?:co\s+quan|don\s+vi|dia\s+phuong)(?:\s*,\s*(?:co\s+quan|don\s+vi))*\s+(?:co\s+)?lien\s+quan"
    r"(?![^\W_])"
)
_LIST_HEAD = re.compile(r"(?<![^\W_])cac\s+(?P<head>so|bo|phong)\s*:\s*")
_PREFIX = re.compile(r"(?:giao\s+cho|giao|de\s+nghi|yeu\s+cau)\s+(?=\S)")
_TITLE = re.compile(r"(?:thu\s+truong|giam\s+doc|chu\s+tich|lanh\s+dao|truong)\s+(?=\S)")
_SEPARATOR = re.compile(r"\s*(?:,|;|\bva\b|\bcung\b|&)\s*")
_LIKELY_START = re.compile(r"(?:cac|giao|de\s|yeu|thu\s|giam|chu\s|lanh|truong|co\s|don|dia)")
_WINDOW = 700  # an agency list never runs longer than this
_PAREN = re.compile(r"\s*\([^()]{0,200}\)")


def _collective(text: str, start: int, end: int) -> Found:
    written = re.sub(r"\s+", " ", text[start:end]).strip()
    return Found(start, end, "collective", written[:1].upper() + written[1:])


def _field_list(text: str, pos: int, head: str, folded: str | None = None) -> tuple[list[Found], int]:
    """Fields after ``Các Sở:`` → one ``Sở <field>`` per item; returns (items, end)."""
    scan: Scanner = scanner()
    window = text[pos : pos + 600]
    toks = Tokens(window, None if folded is None else folded[pos : pos + 600])
    items: list[Found] = []
    i = 0
    end = pos
    label = scan.head_names.get(head, head)
    while toks.has(i):
        hit = scan.field_at(window, toks, i, head)
        if hit is None:
            break
        field, nxt = hit
        start, stop = pos + toks[i].start, pos + toks[nxt - 1].end
        items.append(Found(start, stop, head, f"{label} {field.name}", field.name))
        end = stop
        if not toks.has(nxt) or Scanner._gap(window, toks[nxt - 1], toks[nxt]) != "comma":
            if toks.has(nxt) and toks[nxt].f == "va":
                nxt += 1
            else:
                break
        i = nxt
    return items, end


def agency_list_at(
    text: str,
    pos: int,
    mentions: Sequence[Found] | Mapping[int, Found],
    *,
    limit: int | None = None,
    folded: str | None = None,
) -> tuple[list[Found], int]:
    """Parse a list of agencies starting at ``pos``: ``Sở X, Sở Y và các cơ quan liên quan``.

    Accepts a leading ``Giao``/``Đề nghị``, titles (``Thủ trưởng``, ``Chủ tịch``), ``Các Sở: A, B`` lists,
    collectives (``các sở, ban, ngành``) and bracketed asides. Returns the agencies and the offset just
    after the last one (``pos`` when the text there does not start with an agency). ``folded`` is
    ``aligned_fold(text)`` when the caller already has it (many calls on one document).
    """
    limit = len(text) if limit is None else limit
    by_start = mentions if isinstance(mentions, Mapping) else {m.start: m for m in mentions}
    first = pos
    while first < limit and text[first].isspace():
        first += 1
    if first not in by_start and not _LIKELY_START.match(_fold_slice(text, folded, first, first + 12)):
        return [], pos  # cheap exit: most clause starts are not agency lists
    # Work on a folded window: offsets inside it are relative to ``base``.
    base = pos
    window = _fold_slice(text, folded, base, min(limit, pos + _WINDOW))
    items: list[Found] = []
    p = 0
    while p < len(window) and window[p].isspace():
        p += 1
    m = _PREFIX.match(window, p)
    if m is not None:
        p = m.end()
    end = pos
    while p < len(window):
        title = _TITLE.match(window, p)
        q = title.end() if title is not None else p
        head = _LIST_HEAD.match(window, q)
        if head is not None:
            fields, stop = _field_list(text, base + head.end(), head.group("head"), folded)
            if not fields:
                break
            items.extend(fields)
            end = stop
            p = stop - base
        elif base + q in by_start:
            found = by_start[base + q]
            items.append(found)
            end = found.end
            p = found.end - base
        elif (coll := _COLLECTIVE.match(window, q)) is not None:
            items.append(_collective(text, base + q, base + coll.end()))
            p = coll.end()
            end = base + p
        else:
            break
        paren = _PAREN.match(window, p)
        if paren is not None:
            p = paren.end()
        sep = _SEPARATOR.match(window, p)
        if sep is None or sep.end() == p:
            break
        p = sep.end()
    return items, end


def _fold_slice(text: str, folded: str | None, start: int, end: int) -> str:
    """``aligned_fold(text[start:end])``, cut from ``folded`` (the whole text's) when there is one."""
    return aligned_fold(text[start:end]) if folded is None else folded[start:end]

"""The lead-agency prior: which kinds of agency lead ("chủ trì") each chunk, and which kind a question asks for.

"Sở nào phụ trách nhà ở xã hội?" asks for a department (Sở), so a section led by the Sở Xây dựng should come
before one led by the provincial branch of the social policy bank, although both mention social housing;
"cơ quan nào …", "ai …" or "who …" accept any lead. Each chunk row gets a bit mask of the kinds of its lead
agencies (``leads.npy``, uint8); a question gets the mask of the kinds it accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.models import Responsibility
from corpus.normalize import fold

__all__ = ["ANY_LEAD", "KIND_BITS", "asked_kind", "asked_mask", "asks_who", "lead_mask"]

#: One bit per kind of agency, keyed by the folded words that name the kind.
KIND_BITS: dict[str, int] = {
    "so": 1,  # Sở (provincial department)
    "ban": 2,  # Ban (board, committee)
    "phong": 4,  # Phòng (district office)
    "bo": 8,  # Bộ (ministry)
    "cuc": 16,  # Cục, Chi cục
    "trung tam": 32,  # Trung tâm
    "ubnd": 64,  # Ủy ban nhân dân (people's committee)
}
OTHER = 128  # any other lead: a bank branch, a union, an association, several agencies at once
ANY_LEAD = 0xFF

# Canonical agency keys (corpus.agencies) start with the kind: "so xay dung@hau giang", "ubnd cap huyen@…".
_KEY_KIND = re.compile(r"^(so|ban|phong|bo|chi cuc|cuc|trung tam|ubnd|uy ban nhan dan)\b")
# "Who is responsible" questions, matched on the folded question (with or without diacritics, or the English);
# the group ``kind`` holds the kind of agency the question names, if it names one. Questions about who signed
# or issued a document are about metadata, not responsibility.
_WHO = re.compile(
    r"\b(?:(?P<kind>so|ban|phong|bo|chi cuc|cuc|trung tam|uy ban|ubnd) nao"
    r"|(?:co quan|don vi|nganh|cap|to chuc) nao|ai(?! (?:ky|ban hanh)\b)"
    r"|which (?P<english>department|ministry|committee)|who(?! (?:signed|issued)\b)"
    r"|which (?:agency|office|body|unit|organi[sz]ation))\b"
)
_ALIASES = {
    "chi cuc": "cuc",
    "uy ban nhan dan": "ubnd",
    "uy ban": "ubnd",
    "department": "so",
    "ministry": "bo",
    "committee": "ubnd",
}


def lead_mask(responsibilities: Iterable[Responsibility]) -> int:
    """Bit mask of the kinds of the chunk's lead agencies (0: the chunk names no lead)."""
    mask = 0
    for item in responsibilities:
        if item.role != "chu_tri":
            continue
        match = _KEY_KIND.match(item.agency_key)
        mask |= KIND_BITS[_ALIASES.get(match.group(1), match.group(1))] if match else OTHER
    return mask


def asks_who(question: str) -> bool:
    """True when the question asks which agency is responsible (Sở nào, ai, which department, ...)."""
    return _WHO.search(fold(question)) is not None


def asked_kind(question: str) -> str | None:
    """The kind of agency a "who" question names ("so" for "Sở nào …"), or None when it names none."""
    match = _WHO.search(fold(question))
    word = match and (match["kind"] or match["english"])
    return _ALIASES.get(word, word) if word else None


def asked_mask(question: str) -> int:
    """Mask of the lead kinds that answer a "who" question: its named kind, else any lead."""
    kind = asked_kind(question)
    return KIND_BITS[kind] if kind is not None else ANY_LEAD

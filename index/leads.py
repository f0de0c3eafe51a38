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

__all__ = ["ANY_LEAD", "KIND_BITS", "asked_kind", "asked_mask", "lead_mask"]

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
# A question's kind: "sở nào", "ủy ban nào", "which department"; matched on the folded question.
_ASKED_KIND = re.compile(
    r"\b(so|ban|phong|bo|chi cuc|cuc|trung tam|uy ban|ubnd) nao\b|\bwhich (department|ministry|committee)\b"
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


def asked_kind(question: str) -> str | None:
    """The kind of agency a "who" question names ("so" for "Sở nào …"), or None when it names none."""
    match = _ASKED_KIND.search(fold(question).lower())
    if match is None:
        return None
    word = match.group(1) or match.group(2)
    return _ALIASES.get(word, word)


def asked_mask(question: str) -> int:
    """Mask of the lead kinds that answer a "who" question: its named kind, else any lead."""
    kind = asked_kind(question)
    return KIND_BITS[kind] if kind is not None else ANY_LEAD

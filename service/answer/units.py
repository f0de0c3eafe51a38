"""The unit a number question asks for: "bao nhiêu căn hộ" (căn hộ), "tỷ lệ …" (%), "bao nhiêu tiền" (money).

A number answers the question only when that unit follows it in the sentence
(:func:`service.answer.facts.values`). Units are folded ("can ho", "ty dong").
"""

from __future__ import annotations

import re

from corpus.agency_tokens import aligned_fold

__all__ = ["MONEY", "asked_unit"]

# Folded (no diacritics) patterns, word-bounded.
_B, _E = r"(?<![^\W_])", r"(?![^\W_])"

#: The unit of a question asking for an amount of money in any currency ("bao nhiêu tiền", "kinh phí bao nhiêu").
MONEY = "tien"
_UNIT_WORDS = [
    "nghin ty dong",
    "ty dong",
    "trieu dong",
    "ty usd",
    "trieu usd",
    "phan tram",
    "can ho",
    "can nha",
    "lao dong",
    "bac si",
    "du an",
    "cong trinh",
    "hec ta",
    "giuong",
    "nguoi",
    "can",
    "ho",
    "km",
    "ha",
    "tuoi",
    "nam",
    "thang",
    "ngay",
    "truong",
    "xa",
    "tram",
    "lan",
    "%",
]


def _unit_word(rest: str) -> str | None:
    rest = re.sub(r"[^\w%]+", " ", rest).strip()
    rest = re.sub(r"^ti(?= )", "ty", rest)  # "tỉ đồng" = "tỷ đồng"
    for unit in _UNIT_WORDS:
        if rest == unit or rest.startswith(unit + " "):
            return "%" if unit == "phan tram" else unit
    return None


# Words that cannot open a counted noun: "bao nhiêu trong năm 2025", "bao nhiêu so với …".
_NOT_NOUNS = frozenset(
    [
        "trong",
        "vao",
        "den",
        "o",
        "cua",
        "la",
        "cho",
        "de",
        "tai",
        "tu",
        "so",
        "voi",
        "moi",
        "nam",
        "thang",
        "ngay",
        "nhu",
        "the",
        "nao",
        "va",
        "hay",
        "khong",
        "a",
        "vay",
        "nhi",
    ]
)


def _counted_noun(rest: str) -> str | None:
    """The noun a "bao nhiêu" question counts when it is no known unit ("bao nhiêu khu công nghiệp" →
    "khu cong"): a number answers it only when that noun follows it, so that "1" in "Quốc lộ 1" does not."""
    words = re.findall(r"[^\W\d_]+", rest)[:2]
    if not words or words[0] in _NOT_NOUNS:
        return None
    if len(words) == 2 and words[1] in _NOT_NOUNS:
        words = words[:1]
    return " ".join(words)


# "Số giường bệnh … là bao nhiêu": the noun counted comes first. A bare "so" may be "Sở": the caller
# leaves the text out when the question opens with an agency ("so lao dong …" is a department).
_COUNTED = re.compile(r"^\s*(?:tổng\s+số|số\s+lượng|số|tong\s+so|so\s+luong|so)\s+", re.IGNORECASE)


# "Giá … bao nhiêu" asks a price. Folded, "gia" is also "tham gia", "quốc gia", "gia đình": without
# marks only a question that opens with it ("gia nha o xa hoi …") or "mức giá" is taken as a price.
_PRICE = re.compile(r"(?<![^\W_])giá(?![^\W_])", re.IGNORECASE)
_PRICE_FOLDED = re.compile(rf"(?:^\s*|{_B}muc\s+)gia(?:\s+(?:ban|thue|mua))?\s+(?!dinh{_E}|tri{_E})")
_HOW_MUCH = re.compile(rf"{_B}(?:bao\s+nhieu|how\s+much){_E}")


def _asks_price(folded: str, text: str) -> bool:
    if _HOW_MUCH.search(folded) is None:
        return False
    return bool(_PRICE.search(text) or _PRICE_FOLDED.search(folded) or re.search(r"\bprice\b", folded))


def asked_unit(folded: str, text: str = "", *, english: bool = False) -> str | None:
    """The unit asked for in ``folded`` (the question, folded; ``text`` as typed, for a leading "Số …")."""
    m = re.search(rf"{_B}(?:bao\s+nhieu|may){_E}\s*", folded)
    if m is not None:
        found = _unit_word(folded[m.end() :])
        if found is not None:
            return found
    counted = _COUNTED.match(text)
    if counted is not None:
        found = _unit_word(aligned_fold(text[counted.end() :]))
        if found is not None:
            return found
    if re.search(rf"{_B}(?:ty\s+le|ti\s+le|phan\s+tram|percentage|percent|rate){_E}", folded):
        return "%"
    if _asks_price(folded, text) or re.search(
        rf"{_B}(?:bao\s+nhieu\s+(?:tien|von)|(?:kinh\s+phi|chi\s+phi|von|tong\s+muc\s+dau\s+tu|ngan\s+sach)\s+(?:\w+\s+){{0,5}}"
        rf"(?:la\s+)?bao\s+nhieu|how\s+much\s+(?:money|funding|capital|investment|budget)|how\s+much\s+"
        rf"(?:\w+\s+){{0,4}}(?:cost|invest|spend|fund)\w*){_E}",
        folded,
    ):
        return MONEY
    if re.search(rf"{_B}(?:billion|ty)\s+(?:vnd|dong){_E}", folded):
        return "ty dong"
    # Last, the noun a Vietnamese question counts (an English one keeps untranslated words there).
    return _counted_noun(folded[m.end() :]) if m is not None and not english else None

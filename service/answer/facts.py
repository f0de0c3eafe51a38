"""Finding facts in text: numbers with units, deadlines, and a document's own particulars.

Everything returns offsets into the text it was given, so what is found can be cited verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.agency_tokens import aligned_fold

__all__ = [
    "Value",
    "clauses",
    "date_forms",
    "deadline_spans",
    "find_date",
    "find_number_line",
    "find_period",
    "find_phrase",
    "find_signer",
    "values",
]

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_QUAL = (
    r"khoảng|dưới|trên|tối thiểu|tối đa|ít nhất|đạt|hơn|gần|không quá|không dưới|bình quân|tăng|giảm|xuống"
)
_VALUE = re.compile(
    rf"(?:(?:{_QUAL})\s+)?(?<![\w/.,\-])(?:{_NUM})\s*%?(?:\s*[-–]\s*(?:{_NUM})\s*%?)?(?![\w/]|-[^\W\d_])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_ENUMERATOR = re.compile(r"\d{1,2}")
_RANGE_END = re.compile(
    rf"\s*(?:đến|tới)\s+(?:dưới\s+|hết\s+|đủ\s+)?(?P<n>{_NUM})\s*%?(?![\w/])", re.IGNORECASE
)
_RANGE_START = re.compile(r"\btừ\s+(?:đủ\s+)?$", re.IGNORECASE)
_OPEN_END = re.compile(r"\s*trở\s+(?:lên|xuống)(?![\w])", re.IGNORECASE)
_UNITS = (
    "nghìn tỷ đồng",
    "tỷ đồng",
    "tỉ đồng",
    "triệu đồng",
    "tỷ usd",
    "triệu usd",
    "usd",
    "căn hộ",
    "căn nhà",
    "lao động",
    "bác sĩ",
    "dược sĩ",
    "điều dưỡng viên",
    "giường bệnh",
    "giường",
    "tuổi",
    "năm",
    "người",
    "hộ",
    "km",
    "ha",
    "con",
    "trường",
    "xã",
    "trạm",
    "dự án",
    "công trình",
    "lượt",
    "tháng",
    "ngày",
)


@dataclass(frozen=True, slots=True)
class Value:
    """A number as written (with qualifier and unit when present), at ``text[start:end]``."""

    start: int
    end: int
    text: str
    percent: bool


def values(text: str, start: int = 0, end: int | None = None, *, unit: str | None = None) -> list[Value]:
    """Numbers in ``text[start:end]``; years, codes and dates are left out. ``unit`` (folded) must follow."""
    end = len(text) if end is None else end
    out: list[Value] = []
    for m in _VALUE.finditer(text, start, end):
        if out and m.start() < out[-1].end:
            continue  # the end of a range already taken ("… đến 30 tuổi")
        raw = m.group().strip()
        digits = re.sub(r"^\D+", "", raw)
        if _YEAR.fullmatch(digits) and "%" not in raw:
            continue
        before = text[max(start, m.start() - 6) : m.start()].lower()
        if before.rstrip().endswith(("số", "số:", "khóa", "điều", "khoản")):
            continue
        if _ENUMERATOR.fullmatch(raw) and text[m.end() : m.end() + 1] == ")":
            continue  # "(2) Các chương trình …", "2) …": the number of a list item
        tail = text[m.end() : min(end, m.end() + 24)]
        written_unit = next((u for u in _UNITS if tail.lower().lstrip().startswith(u)), None)
        percent = "%" in raw
        if unit is not None:
            if unit == "%":
                if not percent:
                    continue
            elif not _unit_follows(tail, unit):
                continue
        stop = m.end()
        if written_unit and not percent:
            stop = m.end() + (len(tail) - len(tail.lstrip())) + len(written_unit)
        first = m.start()
        # "từ đủ 16 tuổi đến 30 tuổi", "từ đủ 20 tuổi trở lên": a range is one value.
        upto = _RANGE_END.match(text, stop, end)
        open_end = _OPEN_END.match(text, stop, end)
        if upto is not None and not _YEAR.fullmatch(upto.group("n")):
            stop = upto.end()
            rest = text[stop : min(end, stop + 24)]
            unit_after = next((u for u in _UNITS if rest.lower().lstrip().startswith(u)), None)
            if unit_after and "%" not in upto.group():
                stop += (len(rest) - len(rest.lstrip())) + len(unit_after)
        elif open_end is not None:
            stop = open_end.end()
        if upto is not None or open_end is not None:
            opening = _RANGE_START.search(text, max(start, first - 12), first)
            if opening is not None:
                first = opening.start()
        out.append(Value(first, stop, re.sub(r"\s+", " ", text[first:stop]).strip(), percent))
    return out


_MONEY_UNITS = ("nghin ty dong", "ty dong", "trieu dong", "nghin dong", "dong", "ty usd", "trieu usd", "usd")


def _unit_follows(tail: str, unit: str) -> bool:
    folded = aligned_fold(tail).lstrip().replace("ti dong", "ty dong")
    if unit == "tien":  # service.answer.units.MONEY: an amount in any currency
        return folded.startswith(_MONEY_UNITS)
    return folded.startswith(unit)


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at semicolons (the items of a target list)."""
    out: list[tuple[int, int]] = []
    s = start
    for m in re.finditer(r";", text[start:end]):
        out.append((s, start + m.start()))
        s = start + m.end()
    out.append((s, end))
    trimmed = []
    for a, b in out:
        while a < b and text[a] in " \n-–+•":
            a += 1
        while b > a and text[b - 1] in " \n.":
            b -= 1
        if b > a:
            trimmed.append((a, b))
    return trimmed


_DATE = r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|ngay\s+\d{1,2}\s+thang\s+\d{1,2}(?:\s+nam\s+\d{4})?"
_DEADLINE = re.compile(
    rf"(?<![^\W_])(?:dinh\s+ky\s+)?(?:truoc|cham\s+nhat|khong\s+qua|han\s+chot|den|vao|trong|hoan\s+thanh(?:\s+trong)?)"
    rf"\s+(?:ngay\s+)?(?:{_DATE}|quy\s+(?:[ivx]+|[1-4])(?:\s*/\s*\d{{4}}|\s+nam\s+\d{{4}})?"
    rf"|thang\s+\d{{1,2}}(?:\s*/\s*\d{{4}}|\s+nam\s+\d{{4}})?|nam\s+\d{{4}})"
    rf"(?:\s+(?:cua\s+)?(?:hang\s+(?:nam|quy|thang)|nam\s+\d{{4}}))?"
)


def deadline_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Deadlines written in ``text[start:end]`` ("trước ngày 01/12 hằng năm", "trong quý II/2022")."""
    end = len(text) if end is None else end
    folded = aligned_fold(text[start:end])
    return [
        (start + m.start(), start + m.end())
        for m in _DEADLINE.finditer(folded)
        if not _HORIZON.search(folded[max(0, m.start() - 16) : m.start()])
    ]


# "tầm nhìn đến năm 2045", "định hướng đến năm 2030": a planning horizon, not a deadline.
_HORIZON = re.compile(r"(?<![^\W_])(?:tam\s+nhin|dinh\s+huong)\s*$")


# ------------------------------------------------------------------------------------- document facts


def date_forms(iso: str) -> tuple[str, str, str]:
    """``2024-03-20`` → (``20/3/2024``, ``20/03/2024``, ``20 tháng 3 năm 2024``)."""
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{d}/{m}/{y}", f"{d:02d}/{m:02d}/{y}", f"{d} tháng {m} năm {y}"


def _line_around(text: str, a: int, b: int) -> tuple[int, int]:
    """Extend a span to its line, and to the line before when that one ends with a comma (a place)."""
    line_start = text.rfind("\n", 0, a) + 1
    line_end = text.find("\n", b)
    line_end = len(text) if line_end < 0 else line_end
    if line_end - line_start > 160:
        return a, b
    prev_end = line_start - 1
    if prev_end > 0 and text[:prev_end].rstrip().endswith(","):
        line_start = text.rfind("\n", 0, prev_end) + 1
    s, e = line_start, line_end
    while e > s and text[e - 1] in " |":
        e -= 1
    return s, e


def find_date(text: str, iso: str | None) -> tuple[int, int, str] | None:
    """Where the issue date is written (``Ninh Thuận, ngày 20 tháng 3 năm 2024``): (start, end, iso)."""
    folded = aligned_fold(text)
    head = len(text) if len(text) < 4000 else max(4000, len(text) // 3)
    if iso:
        y, m, d = (int(x) for x in iso.split("-"))
        pattern = rf"ngay\s+0?{d}\s+thang\s+0?{m}\s+nam\s+{y}|(?<!\d)0?{d}\s*/\s*0?{m}\s*/\s*{y}"
    else:
        pattern = r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})"
    match = re.search(pattern, folded[:head])
    if match is None:
        return None
    if iso is None:
        d, m, y = (int(g) for g in match.groups())
        iso = f"{y:04d}-{m:02d}-{d:02d}"
    s, e = _line_around(text, match.start(), match.end())
    return s, e, iso


def find_number_line(text: str, number: str | None) -> tuple[int, int, str] | None:
    """The ``Số: 1221/KH-UBND`` line: (start, end, number as written)."""
    head = text[: max(3000, len(text) // 4)]
    for m in re.finditer(r"Số\s*:?\s*\n?\s*(\d+[\w/\-.]*\w)", head):
        found = m.group(1)
        if number is None or re.sub(r"\s", "", found).lower() == re.sub(r"\s", "", number).lower():
            return m.start(), m.end(), found
    if number:
        pos = text.find(number)
        if pos >= 0:
            return pos, pos + len(number), number
    return None


def _is_name(line: str) -> bool:
    """A person's name: 2-5 capitalised words of letters ("Hồ Tiến Thiệu")."""
    words = line.split(" ")
    return 2 <= len(words) <= 5 and all(
        w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words
    )


def find_signer(text: str, signer: str | None) -> tuple[int, int, str] | None:
    """Where the signer's name stands (the signature block near the end)."""
    if signer:
        pos = text.rfind(signer)
        return (pos, pos + len(signer), signer) if pos >= 0 else None
    tail_start = max(0, len(text) - 2500)
    lines = text[tail_start:].split("\n")
    offset = tail_start
    spans = []
    for line in lines:
        stripped = line.strip(" |")
        if _is_name(stripped) and not stripped.startswith(("Nơi", "Lưu")):
            s = offset + line.find(stripped)
            spans.append((s, s + len(stripped), stripped))
        offset += len(line) + 1
    return spans[-1] if spans else None


def find_period(title: str, text: str) -> tuple[int, int, str] | None:
    """The period a plan covers (``giai đoạn 2024 - 2030``), first in the title, then in the text."""
    pattern = re.compile(r"(?:giai\s+doan|thoi\s+ky)\s+(\d{4})\s*[-–]\s*(\d{4})")
    wanted = pattern.search(aligned_fold(title))
    folded = aligned_fold(text)
    for m in pattern.finditer(folded):
        if wanted is None or m.groups() == wanted.groups():
            return m.start(), m.end(), f"{m.group(1)} - {m.group(2)}"
    return None


def find_phrase(text: str, phrase: str, start: int = 0) -> tuple[int, int] | None:
    """``phrase`` in ``text`` ignoring case, diacritics and line breaks."""
    words = [re.escape(w) for w in aligned_fold(phrase).split()]
    if not words:
        return None
    m = re.compile(r"\s+".join(words)).search(aligned_fold(text), start)
    return (m.start(), m.end()) if m else None

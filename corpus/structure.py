"""The section tree of a Vietnamese administrative or legal text, read from its numbering.

Heading kinds, outermost first (nesting follows this order, never indentation)::

    Phần > Chương > Mục > Điều > A. > I. > 1. > 1.1. > 1.1.1. > 1.1.1.1. > a)

Inside an ``Điều`` the numbered items are its clauses (khoản) and the lettered ones its points (điểm).
Bullets (``-``, ``+``, ``•``) and ``(1)`` items are list items inside a section, never headings.

Heading labels keep the number as written ("1. Sở Xây dựng", "IV. TỔ CHỨC THỰC HIỆN"). A numbered line
that runs on into its text is labelled by the part before the first colon ("1. Mục tiêu tổng quát: Thực
hiện ..." → "1. Mục tiêu tổng quát"); a numbered paragraph with no such label is cut at a word boundary
and marked with "…". An article is "Điều N. <title>" when the rest of its line is a title, else "Điều N".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from corpus.normalize import is_caps

__all__ = [
    "RANKS",
    "HeadingMatch",
    "Line",
    "Section",
    "heading_label",
    "is_bare_marker",
    "is_list_item",
    "match_heading",
    "parse_structure",
    "split_lines",
]

# Nesting order: a heading closes every open section whose rank is >= its own.
RANKS: dict[str, int] = {
    "phan": 0,
    "chuong": 1,
    "muc": 2,
    "tieumuc": 3,
    "dieu": 4,
    "upper": 5,
    "roman": 6,
    "number": 7,  # + depth - 1 for 1.1., 1.1.1., ...
    "letter": 11,
}
LEGAL_KINDS = frozenset({"phan", "chuong", "muc", "tieumuc", "dieu"})

_ROMAN_VALID = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")
_DIEU = re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<num>\d{1,4}[a-zđ]?)\s*(?:(?:[.:])\s*(?P<rest>.*))?$")
_CHUONG = re.compile(r"^(?P<word>Chương|CHƯƠNG)\s+(?P<num>[IVXLC]+|\d{1,3})(?:\s*[.:\-–]\s*(?P<rest>.*))?$")
_CHUONG_CAPS = re.compile(r"^(?P<word>Chương|CHƯƠNG)\s+(?P<num>[IVXLC]+|\d{1,3})\s+(?P<rest>\S.*)$")
_PHAN = re.compile(
    r"^(?P<word>Phần|PHẦN)\s+(?P<num>thứ\s+\S+|THỨ\s+\S+|[IVXLC]+|\d{1,2})(?:\s*[.:\-–]\s*(?P<rest>.*))?$"
)
_MUC = re.compile(r"^(?P<word>Mục|MỤC)\s+(?P<num>\d{1,2}|[IVXLC]+)(?:\s*[.:]\s*(?P<rest>.*))?$")
_TIEUMUC = re.compile(r"^(?P<word>Tiểu mục|TIỂU MỤC)\s+(?P<num>\d{1,2}|[IVXLC]+)(?:\s*[.:]\s*(?P<rest>.*))?$")
_UPPER = re.compile(r"^(?P<num>[A-H])\.\s+(?P<rest>\S.*)$")
_ROMAN = re.compile(r"^(?P<num>[IVX]{1,6})\s*(?P<sep>[.\-–)])\s*(?P<rest>\S.*)?$")
_NUMBER = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,2}){0,3})(?P<sep>[.)])?(?:\s+(?P<rest>\S.*))?$")
_LETTER = re.compile(r"^(?P<num>[a-zđ])\)\s*(?P<rest>\S.*)?$")
_BULLET_CHARS = "-+•–—*·"
_PAREN_ITEM = re.compile(r"^\(\d{1,2}\)\s")


@dataclass(frozen=True)
class Line:
    """One line of a text, with its offsets (``text == document[start:end]``)."""

    start: int
    end: int
    text: str


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` (blank ones included) with exact offsets."""
    lines: list[Line] = []
    start = 0
    for raw in text.split("\n"):
        lines.append(Line(start, start + len(raw), raw))
        start += len(raw) + 1
    return lines


@dataclass(frozen=True)
class HeadingMatch:
    """A line recognised as a heading: its kind, rank, number as written and the text after it."""

    kind: str
    rank: int
    number: str
    marker: str  # the marker as written, e.g. "IV-", "2.1.", "a)", "Điều 5"
    rest: str


def _roman_ok(num: str) -> bool:
    return bool(num) and bool(_ROMAN_VALID.match(num))


def _starts_lower(text: str | None) -> bool:
    return bool(text) and text[0].islower()  # type: ignore[index]


def match_heading(line: str, *, previous_upper: str | None = None) -> HeadingMatch | None:
    """Recognise a heading line, or None for body text (bullets included).

    Args:
        line: one line, already stripped.
        previous_upper: the last "A."-style letter seen, so "C." only counts after "B.".
    """
    if not line:
        return None
    first = line[0]
    if first == "Đ" and (m := _DIEU.match(line)):
        return HeadingMatch("dieu", RANKS["dieu"], m["num"], f"Điều {m['num']}", (m["rest"] or "").strip())
    if first in "CPMT":
        return _match_legal_part(line)
    if first.isdigit():
        m = _NUMBER.match(line)
        if m is None or not (m["sep"] or "." in m["num"]) or _starts_lower(m["rest"]):
            return None
        if not (m["rest"] or m["sep"]):
            return None
        depth = m["num"].count(".") + 1
        marker = m["num"] + (m["sep"] or "")
        return HeadingMatch("number", RANKS["number"] + depth - 1, m["num"], marker, m["rest"] or "")
    if first in "IVX" and (m := _ROMAN.match(line)) and _roman_ok(m["num"]) and not _starts_lower(m["rest"]):
        return HeadingMatch("roman", RANKS["roman"], m["num"], m["num"] + m["sep"], m["rest"] or "")
    if first in "ABCDEFGH" and (m := _UPPER.match(line)) and not _starts_lower(m["rest"]):
        expected = "A" if previous_upper is None else chr(ord(previous_upper) + 1)
        if m["num"] in ("A", expected):
            return HeadingMatch("upper", RANKS["upper"], m["num"], m["num"] + ".", m["rest"])
        return None
    if (m := _LETTER.match(line)) is not None:
        return HeadingMatch("letter", RANKS["letter"], m["num"], m["num"] + ")", m["rest"] or "")
    return None


def _match_legal_part(line: str) -> HeadingMatch | None:
    """Phần / Chương / Mục headings (a number is required: "Mục tiêu" is not a heading)."""
    patterns = (
        ("chuong", _CHUONG),
        ("chuong", _CHUONG_CAPS),
        ("phan", _PHAN),
        ("muc", _MUC),
        ("tieumuc", _TIEUMUC),
    )
    for kind, pattern in patterns:
        m = pattern.match(line)
        if m is None:
            continue
        num = m["num"]
        if not num[0].isdigit() and not num.lower().startswith("thứ") and not _roman_ok(num):
            continue
        rest = (m["rest"] or "").strip()
        if pattern is _CHUONG_CAPS and not is_caps(rest):
            continue
        return HeadingMatch(kind, RANKS[kind], num, f"{m['word']} {num}", rest)
    return None


def is_list_item(line: str) -> bool:
    """A bullet ("- ", "+ ", "•") or "(1)" list item: body text, not a heading."""
    if not line:
        return False
    if line[0] in _BULLET_CHARS:
        after = line[1:2]
        return after in ("", " ") or after.isupper() or after.isdigit()
    return bool(_PAREN_ITEM.match(line))


def is_bare_marker(line: str) -> bool:
    """A line holding only a marker ("10.", "II.", "a)", "-", "Điều 5."): its text is on the next line."""
    if line in ("-", "+", "•", "–"):
        return True
    match = match_heading(line)
    return match is not None and not match.rest and match.kind not in ("chuong", "phan", "muc", "tieumuc")


_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")
_TITLE_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")  # article titles may hold a ";"
_LABEL_MAX = 160
_TRUNCATE_AT = 80


def _truncate(text: str) -> str:
    if len(text) <= _TRUNCATE_AT:
        return text
    cut = text.rfind(" ", 0, _TRUNCATE_AT)
    return text[: cut if cut > 0 else _TRUNCATE_AT].rstrip(" ,;:-") + "…"


def heading_label(match: HeadingMatch, line: str) -> str:
    """The label of a heading line as shown in section paths (see the module docstring)."""
    line = line.strip()
    if match.kind == "dieu":
        rest = match.rest
        is_title = (
            rest
            and len(rest) <= 250
            and not rest.endswith((".", ";", ":"))
            and match_heading(rest) is None
            and not _TITLE_SENTENCE_END.search(rest)
        )
        return f"{match.marker}. {rest}" if is_title else match.marker
    if match.kind in ("chuong", "phan", "muc", "tieumuc"):
        return f"{match.marker}. {match.rest}".rstrip(". ") if match.rest else match.marker
    # Sentence ends are looked for after the marker: "1. " is not one.
    body_at = len(line) - len(match.rest) if match.rest else len(line)
    rest = line[body_at:]
    if len(line) <= _LABEL_MAX and not _SENTENCE_END.search(rest.rstrip(" :")):
        return line.rstrip(" :")
    colon = line.find(":", body_at)
    if 0 < colon <= _LABEL_MAX and not _SENTENCE_END.search(line[body_at:colon]):
        return line[:colon].rstrip()
    return _truncate(line)


@dataclass(eq=False)
class Section:
    """A node of the section tree. ``start``/``end`` span the heading line and everything under it."""

    kind: str
    rank: int
    label: str
    start: int
    heading_end: int
    end: int
    number: str = ""
    children: list[Section] = field(default_factory=list)
    parent: Section | None = field(default=None, repr=False)

    @property
    def path(self) -> list[str]:
        """Labels from the outermost section down to this one (the root has an empty path)."""
        labels: list[str] = []
        node: Section | None = self
        while node is not None and node.kind != "root":
            labels.append(node.label)
            node = node.parent
        return labels[::-1]

    def walk(self) -> list[Section]:
        """This section and all its descendants, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def _excluded_index(spans: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    ordered = sorted(spans)
    return [s for s, _ in ordered], [e for _, e in ordered]


def parse_structure(text: str, *, excluded: Sequence[tuple[int, int]] = ()) -> Section:
    """Build the section tree of ``text``; lines inside ``excluded`` spans are never headings.

    Returns:
        The root section (kind ``"root"``, span of the whole text) with the headings as descendants.
    """
    root = Section(kind="root", rank=-1, label="", start=0, heading_end=0, end=len(text))
    starts, ends = _excluded_index(excluded)
    stack = [root]
    previous_upper: str | None = None
    lines = split_lines(text)
    for index, line in enumerate(lines):
        stripped = line.text.strip()
        if not stripped:
            continue
        slot = bisect_right(starts, line.start) - 1
        if slot >= 0 and line.start < ends[slot]:
            continue
        match = match_heading(stripped, previous_upper=previous_upper)
        if match is None:
            continue
        if match.kind == "upper":
            previous_upper = match.number
        label = heading_label(match, stripped)
        if match.kind in ("chuong", "phan", "muc", "tieumuc") and not match.rest:
            following = next((ln.text.strip() for ln in lines[index + 1 :] if ln.text.strip()), "")
            if is_caps(following) and match_heading(following) is None:
                label = f"{match.marker}. {following}"
        node = Section(match.kind, match.rank, label, line.start, line.end, len(text), match.number)
        while stack[-1].rank >= node.rank:
            stack.pop().end = line.start
        node.parent = stack[-1]
        stack[-1].children.append(node)
        stack.append(node)
    return root

"""Blocks (logical paragraphs with their numbering) and sentences, as offsets into a document's text.

Documents come in two layouts: one paragraph per line, or hard-wrapped lines (PDF/HTML copies cut at
~80 characters, even inside headings: ``10.\\nSở Giao thông vận tải``). :func:`blocks` rebuilds logical
paragraphs in both; :func:`sentences` splits them. Offsets always point into the text given, so a
sentence is a verbatim span (``text[start:end]``) that can be cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from corpus.normalize import is_caps

__all__ = ["Block", "blocks", "is_hard_wrapped", "marker_of", "sentences", "split_sentences"]


@dataclass(frozen=True, slots=True)
class Block:
    """A logical paragraph: ``text[start:end]``; ``body`` is where its content starts after the marker.

    ``level`` ranks numbered items (1 = ``I.``, 2 = ``1.``, 3 = ``1.1.``, 4 = ``1.1.1.``, 5 = ``a)``);
    bullets (``-``) and plain paragraphs have ``level=None``.
    """

    start: int
    end: int
    body: int
    marker: str | None
    level: int | None


_ROMAN = re.compile(r"(?:[IVX]{1,5})\s*[.\-–)](?=\s|$)")
_DECIMAL = re.compile(r"\d{1,2}(?:\.\d{1,2})+\.?(?=\s|$)")
_ARABIC = re.compile(r"\d{1,2}\s*[.)](?=\s|$)")
_LETTER = re.compile(r"[a-zđ]\)(?=\s|$)")
_ARTICLE = re.compile(r"(?:Điều|Chương|Mục|Phần)\s+[\dIVXLC]+[a-z]?\s*[.:]?(?=\s|$)")
_BULLET = re.compile(r"[-–+•*]+(?=\s)")
_JUNK_LINE = re.compile(r"[\s|\-–_=*.]*")
_SPACES = re.compile(r"\s*")  # re's \s is str.isspace, as str.lstrip uses
_TERMINAL = re.compile(r"[.:;!?…](?:[\"”’)\]|/.]*)$")


def marker_of(line: str) -> tuple[str | None, int | None, int]:
    """(marker, level, length of marker + following spaces) for a line's beginning."""
    for pattern, level in ((_ARTICLE, 2), (_ROMAN, 1), (_DECIMAL, 0), (_ARABIC, 2), (_LETTER, 5)):
        m = pattern.match(line)
        if m is None:
            continue
        marker = m.group()
        if level == 0:
            level = min(2 + marker.rstrip(".").count("."), 4)
        return marker, level, _space_end(line, m.end())
    m = _BULLET.match(line)
    if m is not None:
        return m.group(), None, _space_end(line, m.end())
    return None, None, 0


def _space_end(line: str, pos: int) -> int:
    """Offset after the whitespace at ``pos`` (what ``str.lstrip`` would drop), without copying the line."""
    m = _SPACES.match(line, pos)
    return pos if m is None else m.end()


@lru_cache(maxsize=64)
def is_hard_wrapped(text: str) -> bool:
    """True when most lines are cut mid-sentence at a similar width (a hard-wrapped copy)."""
    lines = [line for line in text.split("\n") if len(line.strip()) >= 20]
    if len(lines) < 8:
        return False
    cut = sum(1 for line in lines if len(line) <= 110 and not _TERMINAL.search(line.rstrip()))
    lengths = sorted(len(line) for line in lines)
    return cut / len(lines) >= 0.5 and lengths[len(lengths) // 2] <= 110


def _starts_lower(line: str) -> bool:
    first = next((c for c in line if c.isalnum()), "")
    return first.islower()


def blocks(text: str, start: int = 0, end: int | None = None) -> list[Block]:
    """Logical paragraphs of ``text[start:end]``, each with its numbering marker and level."""
    end = len(text) if end is None else end
    wrapped = is_hard_wrapped(text)
    out: list[Block] = []
    cur: list[int] | None = None  # [start, end, body, level or -1]
    marker: str | None = None
    pos = start
    pending_blank = False
    for raw in text[start:end].split("\n"):
        line_start, line_end = pos, pos + len(raw)
        pos = line_end + 1
        line = raw.strip()
        if not line or _JUNK_LINE.fullmatch(line):
            pending_blank = True
            if line and cur is not None:  # a separator line ("|", "-----") always ends a paragraph
                out.append(_block(cur, marker))
                cur, marker = None, None
            continue
        lead = len(raw) - len(raw.lstrip())
        s = line_start + lead
        e = line_start + len(raw.rstrip())
        mk, level, skip = marker_of(line)
        if cur is not None and _continues(text, cur, line, mk, level, wrapped, pending_blank):
            cur[1] = e
        else:
            if cur is not None:
                out.append(_block(cur, marker))
            cur = [s, e, s + skip, -1 if level is None else level]
            marker = mk
        pending_blank = False
    if cur is not None:
        out.append(_block(cur, marker))
    return out


def _block(cur: list[int], marker: str | None) -> Block:
    s, e, body, level = cur
    return Block(s, e, min(body, e), marker, None if level < 0 else level)


def _continues(
    text: str, cur: list[int], line: str, mk: str | None, level: int | None, wrapped: bool, blank: bool
) -> bool:
    """Whether ``line`` continues the current paragraph instead of starting a new one."""
    # Only the last line is needed: copying the whole paragraph for it, line after line, is quadratic.
    last_line = text[max(cur[0], text.rfind("\n", cur[0], cur[1]) + 1) : cur[1]]
    if cur[2] >= cur[1] and mk is None:
        return True  # a bare number ("10.") is a heading broken from its text
    ends = bool(_TERMINAL.search(last_line.rstrip()))
    if mk is not None and level is not None:
        return False
    if mk is not None:  # a bullet; in wrapped text "- xã hội" can be the tail of "kinh tế\n- xã hội"
        return wrapped and not ends and _starts_lower(line[len(mk) :])
    if ends and not (last_line.rstrip().endswith((";", ",")) and _starts_lower(line)):
        return False
    if is_caps(last_line) != is_caps(line):
        return False
    if _starts_lower(line):
        return True
    if blank:
        return False
    return wrapped


_BOUNDARY = re.compile(r"[.!?…]+[\"”’)]*\s+")
_ABBREV = re.compile(r"(?:\b(?:TP|Tp|TX|TT|ThS|TS|PGS|GS|BS|Q|P|v\.v|St|No|Km|QL)|\b[A-ZĐ])$")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans in ``text[start:end]``; list/number markers are left out of the span."""
    out: list[tuple[int, int]] = []
    for block in blocks(text, start, end):
        out.extend(split_sentences(text, block.body, block.end))
    return out


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph ``text[start:end]`` (no block detection)."""
    spans: list[tuple[int, int]] = []
    s = start
    for m in _BOUNDARY.finditer(text, start, end):
        nxt = m.end()
        if nxt >= end:
            break
        ch = text[nxt]
        if not (ch.isupper() or ch.isdigit() or ch in '-–•("“'):
            continue
        before = text[max(s, m.start() - 6) : m.start()]
        if _ABBREV.search(before) or (text[m.start() - 1 : m.start()].isdigit() and ch.isdigit()):
            continue
        e = m.start() + len(m.group().rstrip())
        spans.append((s, e))
        s = nxt
    if s < end:
        spans.append((s, end))
    return [(a, b) for a, b in (_trim(text, a, b) for a, b in spans) if b > a]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b

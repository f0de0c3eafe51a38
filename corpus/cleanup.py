"""Cleanup of normalized text: the same pure steps for every document, words never changed.

Web copies and PDF extractions of Vietnamese administrative texts arrive hard-wrapped (lines broken
mid-sentence, even mid-heading: "I. MỤC ĐÍCH,\\nYÊU CẦU", "10.\\nSở Giao thông vận tải", "8. Sở Lao
động\\n- Thương binh và Xã hội"), with table pipes from the header layout ("Số: 1221/KH-UBND |"),
decorative rules ("-------") and trailing web interface blocks ("Ý kiến bạn đọc", voice search help).

:func:`cleanup` only touches whitespace, line joins, pipes, rules and those trailing interface blocks;
the sequence of words is otherwise kept exactly. It is idempotent: ``cleanup(cleanup(x)) == cleanup(x)``.

Whether two lines are one is decided from their shapes (see :func:`should_join`):

* the next line is a heading or list marker → separate (except "- xã hội", a wrapped "kinh tế - xã hội",
  and "- Thương binh và Xã hội" continuing an agency name in a heading);
* the next line starts in lower case or with a digit, or the line ends with a comma, dash, a bare marker
  ("10.", "-"), a label ("Số:"), a connective ("của", "với", ...) or an institution noun ("Sở", "Bộ",
  "Thủ tướng", ...) → one line;
* the line ends a sentence (``.;:!?``) → separate;
* all-caps lines continue all-caps lines (titles, the issuer block), except standalone lines (the national
  motto, "KẾ HOẠCH", signature titles);
* a capitalised next line continues body text only when it starts with an acronym ("UBND") or an
  institution ("Sở Y tế"); after a heading it starts the body, unless the heading stops inside a name
  ("6. Sở Công\\nThương", "thành phố Lạng\\nSơn").
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from importlib import resources

from corpus.geography import lookup
from corpus.normalize import is_caps, match_form, normalize_text, unify_tone_marks
from corpus.structure import is_bare_marker, is_list_item, match_heading

__all__ = [
    "cleanup",
    "remove_web_boilerplate",
    "should_join",
    "split_table_cells",
]

# Line-shape vocabulary (corpus/data/reflow_words.json): case is kept except for connectives.
_WORDS = json.loads(resources.files("corpus").joinpath("data/reflow_words.json").read_text(encoding="utf-8"))
# Connectives that cannot end a sentence: a line ending with one continues on the next line.
CONNECTIVES = frozenset(match_form(w) for w in _WORDS["connectives"])
# Nouns that head the name of an institution or a document: the name follows on the next line.
INSTITUTION_HEADS = frozenset(unify_tone_marks(w) for w in _WORDS["institution_heads"])
# Capitalised words that start an institution or document name when they open a line.
INSTITUTION_STARTS = INSTITUTION_HEADS | frozenset(unify_tone_marks(w) for w in _WORDS["institution_starts"])
# Words that open a clause ("Chủ trì, phối hợp ...", "Tham mưu ..."): never the rest of a name.
CLAUSE_VERBS = frozenset(unify_tone_marks(w) for w in _WORDS["clause_openers"])
LONG_LINE_WORDS = 10
HEADING_TAIL_WORDS = 8
ADMIN_LEVELS = ("tỉnh", "thành phố", "huyện", "thị xã")
# All-caps lines that stand alone: the motto, document types, "NƠI NHẬN".
STANDALONE_CAPS = tuple(match_form(w) for w in _WORDS["standalone_caps"])
SIGNATURE_TITLE = re.compile(
    r"^(?:(?:TM|KT|TL|TUQ|Q|PP|T/M|K/T)\.\s*|(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG"
    r"|CHÁNH VĂN PHÒNG|TRƯỞNG BAN|TRƯỞNG PHÒNG|CHỦ NHIỆM|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG|VỤ TRƯỞNG|BÍ THƯ|CHÁNH ÁN"
    r"|VIỆN TRƯỞNG|TỔNG BÍ THƯ|CHỦ TỊCH QUỐC HỘI)\b)"
)

_TERMINAL = re.compile(r"[.;:!?][\"”’)\]]*$")
_ELLIPSIS = re.compile(r"(?:\.\.\.|…)[\"”’)\]]*$")
_RULE_LINE = re.compile(r"^[-_=*~]{3,}$")
# A pipe with a space or a line edge on at least one side; "a|b" is left alone.
_PIPE_CELL = re.compile(r"\s*(?:(?<!\S)\||\|(?!\S))\s*")
_ACRONYM = re.compile(r"^[A-ZĐ][A-ZĐ&]{1,9}\b")
_WORD_HYPHEN_END = re.compile(r"\w-$")
_NUMBER_THEN_CAPITAL = re.compile(r"^\d{1,3}\s+[A-ZĐÀ-ÝĂÂÊÔƠƯ]")
_OPENERS = "\"“‘'([«"


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def _first_alpha(text: str) -> str:
    for ch in text.lstrip(_OPENERS + " "):
        return ch
    return ""


def _starts_with_phrase(text: str, phrases: frozenset[str]) -> bool:
    """``text`` opens with one of ``phrases`` (case kept: "Phòng" is an office, "phòng" is not)."""
    words = unify_tone_marks(text.lstrip(_OPENERS)).split()
    return any(" ".join(words[:n]).rstrip(",;:.") in phrases for n in (3, 2, 1))


def _ends_with_phrase(text: str, phrases: frozenset[str], *, lower: bool = False) -> bool:
    words = (match_form(text) if lower else unify_tone_marks(text)).split()
    return any(" ".join(words[-n:]) in phrases for n in (3, 2, 1) if len(words) >= n)


def _ends_inside_name(text: str) -> bool:
    """The line stops after an institution noun and at most one capitalised word ("Sở Công", "Cục")."""
    words = text.split()
    if not words:
        return False
    if _ends_with_phrase(text, INSTITUTION_HEADS):
        return True
    last = words[-1]
    return last[:1].isupper() and _ends_with_phrase(" ".join(words[:-1]), INSTITUTION_HEADS)


def _splits_place(text: str, following: str) -> bool:
    """A place name broken across lines: "thành phố Lạng" + "Sơn." is a known place, "Lạng" is not."""
    words = text.split()
    lowered = [match_form(w) for w in words]
    for size in (1, 2):
        for level in ADMIN_LEVELS:
            level_words = level.split()
            tail = words[-size:]
            before = lowered[-size - len(level_words) : -size] if len(words) > size else []
            if before != level_words or not all(w[:1].isupper() for w in tail):
                continue
            head = " ".join(tail)
            nxt = following.split()[0].strip(",.;:)") if following.split() else ""
            if lookup(head, level=level) is None and lookup(f"{head} {nxt}", level=level) is not None:
                return True
    return False


def _heading_like(text: str) -> bool:
    return match_heading(text) is not None


_INNER_SENTENCE_END = re.compile(r"[.!?]\s")


def _is_heading_line(text: str) -> bool:
    """A numbered line that is a heading, not a numbered paragraph (short, no sentence inside)."""
    match = match_heading(text)
    if match is None or _INNER_SENTENCE_END.search(match.rest):
        return False
    return match.kind in ("dieu", "chuong", "phan", "muc", "tieumuc") or len(text.split()) <= 30


_POSITION_END = re.compile(
    r"(?:CHỦ TỊCH|GIÁM ĐỐC|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|CHÁNH VĂN PHÒNG|TRƯỞNG BAN|TRƯỞNG PHÒNG|CHỦ NHIỆM"
    r"|CỤC TRƯỞNG|VỤ TRƯỞNG|BÍ THƯ|CHÁNH ÁN|VIỆN TRƯỞNG)$"
)


def _standalone_key(text: str) -> bool:
    key = match_form(text).strip(" :")
    return key in STANDALONE_CAPS or key.startswith(STANDALONE_CAPS[0])


def _ends_standalone_caps(text: str) -> bool:
    """An all-caps line nothing continues: a document type, the motto, a signing position."""
    return _standalone_key(text) or bool(_POSITION_END.search(text.strip()))


def _starts_standalone_caps(text: str) -> bool:
    """An all-caps line that starts a block of its own: the motto, a document type, a signature title."""
    return _standalone_key(text) or bool(SIGNATURE_TITLE.match(text))


def _continues_paragraph(line: str) -> bool:
    return bool(line) and (line[0].islower() or (line[0].isdigit() and not _heading_like(line)))


def _agency_dash(previous: str, line: str, following: Sequence[str]) -> bool:
    """ "8. Sở Lao động" + "- Thương binh và Xã hội": a dash continuing an agency name in a heading."""
    if not (_heading_like(previous) and not _TERMINAL.search(previous) and _ends_in_agency(previous)):
        return False
    rest = line[1:].strip()
    if not rest[:1].isupper() or _starts_with_phrase(rest, CLAUSE_VERBS) or len(rest.split()) > 8:
        return False
    if re.search(r"[.;:!?]", rest) or not following or not following[0]:
        return False
    if _continues_paragraph(following[0]):
        return False  # the dash line has a continuation: it is a list item of its own
    # The next paragraph ends with punctuation, as list items here do; the short dash line does not.
    paragraph_end = following[0]
    for nxt in following[1:]:
        if not _continues_paragraph(nxt):
            break
        paragraph_end = nxt
    return bool(_TERMINAL.search(paragraph_end))


_AGENCY_TAIL = re.compile(
    r"(?:^|\s)(?:Sở|Bộ|Ban|Cục|Ủy ban|Uỷ ban|Phòng|Trung tâm|Chi cục|Tổng cục|Viện|Văn phòng)"
)


def _ends_in_agency(text: str) -> bool:
    """The heading ends with an agency name: an institution noun and 1-5 words without punctuation."""
    matches = list(_AGENCY_TAIL.finditer(text))
    if not matches:
        return False
    tail = text[matches[-1].end() :].split()
    return 1 <= len(tail) <= 5 and tail[0][:1].isupper() and not re.search(r"[,.;:]", " ".join(tail))


def should_join(previous: str, line: str, following: Sequence[str] = ()) -> str | None:
    """How ``line`` continues ``previous`` (two adjacent non-blank lines): ``" "``, ``""`` or None.

    ``following`` are the lines after ``line`` (for the agency-dash rule only).
    """
    if not previous or not line:
        return None
    marker = _heading_like(line) or is_list_item(line)
    if marker:
        if line[0] in "-–" and line[1:2] == " " and line[2:3].islower() and not _TERMINAL.search(previous):
            return " "  # "kinh tế\n- xã hội"
        if line[0] in "-–" and _agency_dash(previous, line, following):
            return " "
        return None
    if is_bare_marker(previous):
        return " "
    if _WORD_HYPHEN_END.search(previous) and line[0].isalnum():
        return ""
    first = _first_alpha(line)
    if first.islower():
        return " "
    if first.isdigit() and previous.endswith(":") and len(previous.split()) <= 3:
        return " "  # "Số:" + "46/KH-UBND"
    if _TERMINAL.search(previous) and not _ELLIPSIS.search(previous):
        return None
    if first.isdigit():
        # "1 Trường hợp ..." after a heading is an unpunctuated list number, not a continuation.
        return None if _is_heading_line(previous) and _NUMBER_THEN_CAPITAL.match(line) else " "
    if previous.endswith((",", "-", "–", "(", "/", "&")):
        return " "
    return _join_capitalised(previous, line)


def _join_capitalised(previous: str, line: str) -> str | None:
    """``line`` starts with a capital letter and ``previous`` does not end a sentence."""
    if is_caps(previous):
        if not is_caps(line) or _ends_standalone_caps(previous) or _starts_standalone_caps(line):
            return None
        head = match_heading(previous)
        return None if head is not None and head.kind in ("chuong", "phan", "muc", "tieumuc") else " "
    if is_caps(line):
        return None
    if _splits_place(previous, line):
        return " "
    if _starts_with_phrase(line, CLAUSE_VERBS):
        return None
    continues = _ends_with_phrase(previous, CONNECTIVES, lower=True) or _ends_inside_name(previous)
    if _is_heading_line(previous):
        # Only the short rest of a wrapped heading continues it ("6. Sở Công" + "Thương").
        short = len(line.split()) <= HEADING_TAIL_WORDS and not re.search(r"[.;:!?]", line)
        return " " if continues and short else None
    if continues:
        return " "
    if _ACRONYM.match(line) or _starts_with_phrase(line, INSTITUTION_STARTS):
        return " "
    # A long line of running text that has not ended its sentence goes on ("... Khu tái định cư\nHợp Thành").
    return " " if len(previous.split()) >= LONG_LINE_WORDS else None


def split_table_cells(lines: Sequence[str]) -> list[str]:
    """Turn table pipes into block breaks: each cell on its own line, a blank line after it."""
    out: list[str] = []
    for line in lines:
        if "|" not in line:
            out.append(line)
            continue
        cells = [c.strip() for c in _PIPE_CELL.split(line)]
        if len(cells) == 1:
            out.append(line)
            continue
        if line.lstrip().startswith("|"):
            out.append("")
        for cell in cells:
            if cell:
                out.extend([cell, ""])
    return out


_WEB_UI = re.compile(
    r"^(?:ý kiến bạn đọc|ý kiến của bạn|gửi ý kiến|bình luận|viết bình luận|gửi bình luận|tin liên quan"
    r"|bài viết liên quan|tin cùng chuyên mục|các tin khác|tin khác|xem thêm|chia sẻ|in bài viết|lượt xem"
    r"|đánh giá bài viết|bản quyền|copyright|tải về|tải văn bản|văn bản liên quan|nhấp vào nút"
    r"|tìm kiếm bằng giọng nói|từ khóa)\b"
)


def remove_web_boilerplate(lines: Sequence[str]) -> list[str]:
    """Drop a trailing web interface block (reader comments, related links, voice search help).

    The block starts at a short line naming such a widget in the last half of the text, and nothing
    after it looks like document structure.
    """
    content = [i for i, line in enumerate(lines) if line.strip()]
    if not content:
        return list(lines)
    half = content[len(content) // 2]
    for index in range(half, len(lines)):
        line = lines[index].strip()
        if not line or len(line) > 60 or not _WEB_UI.match(match_form(line)):
            continue
        rest = lines[index + 1 :]
        if any(match_heading(r.strip()) is not None for r in rest):
            continue
        return list(lines[:index])
    return list(lines)


def _reflow(lines: Sequence[str]) -> list[str]:
    out: list[str] = []
    blank = False
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line or _RULE_LINE.match(line):
            blank = bool(out)
            continue
        if not out:
            out.append(line)
            continue
        previous = out[-1]
        if blank:
            joinable = not _TERMINAL.search(previous) and _first_alpha(line).islower()
            joinable = joinable and not _heading_like(line) and not is_list_item(line)
            if joinable:
                out[-1] = f"{previous} {line}"
            else:
                out.extend(["", line])
            blank = False
            continue
        following = [ln.strip() for ln in lines[index + 1 : index + 12]]
        joiner = should_join(previous, line, following)
        if joiner is None:
            out.append(line)
        else:
            out[-1] = f"{previous}{joiner}{line}"
    return out


def _cleanup_once(text: str) -> str:
    lines = normalize_text(text).split("\n")
    lines = remove_web_boilerplate(lines)
    lines = split_table_cells(lines)
    return "\n".join(_reflow(lines)).strip()


def cleanup(text: str) -> str:
    """Clean one page of normalized text (see the module docstring). Idempotent."""
    result = _cleanup_once(text)
    for _ in range(4):  # joins can expose further joins; stop at the fixed point
        again = _cleanup_once(result)
        if again == result:
            break
        result = again
    return result

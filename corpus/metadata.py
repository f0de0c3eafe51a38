"""Document metadata read from the cleaned text: type, number, date, issuer, place, title, signer, recipients.

Everything is read from where Vietnamese administrative documents put it (Decree 30/2020/NĐ-CP layout):
the header block (issuer, national motto, "Số: ...", "<Place>, ngày ... tháng ... năm ..."), the title block
("KẾ HOẠCH" and its title lines), the issuing sentence of the preamble ("Ủy ban nhân dân tỉnh ban hành Kế
hoạch ...") and the closing block (signature and "Nơi nhận"). A field the document does not state is None:
numbers and dates of documents the text merely cites are never taken.

The closing block is reported as spans: the recipients list ("recipients": metadata only, no chunk holds
it) and the signature block ("signature": kept out of the sections and chunked on its own). The header
block stays in the text before the first heading: its number and date answer questions and are cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from corpus.cleanup import SIGNATURE_TITLE
from corpus.geography import Place, lookup
from corpus.normalize import is_caps, match_form
from corpus.structure import Line, is_list_item, match_heading, split_lines

__all__ = ["DOC_TYPES", "Metadata", "extract_metadata", "format_issuer"]

# Display names, longest first so "Bộ luật" wins over "Luật".
DOC_TYPES: tuple[str, ...] = (
    "Thông tư liên tịch",
    "Nghị quyết liên tịch",
    "Hiến pháp",
    "Bộ luật",
    "Pháp lệnh",
    "Nghị quyết",
    "Nghị định",
    "Quyết định",
    "Thông tư",
    "Chỉ thị",
    "Kế hoạch",
    "Công văn",
    "Công điện",
    "Báo cáo",
    "Thông báo",
    "Tờ trình",
    "Đề án",
    "Chương trình",
    "Hướng dẫn",
    "Quy chế",
    "Quy định",
    "Kết luận",
    "Luật",
    "Lệnh",
)
# Type codes in document numbers ("46/KH-UBND"): used only when no title line names the type.
_NUMBER_CODES = {
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "BC": "Báo cáo",
    "TB": "Thông báo",
    "TTr": "Tờ trình",
    "HD": "Hướng dẫn",
    "CĐ": "Công điện",
    "QH": "Luật",
}
_HEADER_LINES = 40
_MOTTO = re.compile(r"^cộng hòa xã hội chủ nghĩa việt nam$")
_MOTTO_2 = re.compile(r"^độc lập\s*[-–]\s*tự do\s*[-–]\s*hạnh phúc$")
_NUMBER = re.compile(r"^Số\s*[:.]?\s*(?P<number>\d[^\s,;|]*/[^\s,;|]+)", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^(?P<place>[^\d,;:]{2,40}?),\s*ngày\s+(?P<d>\d{1,2})\s*(?:tháng\s+|/\s*)(?P<m>\d{1,2})\s*(?:năm\s+|/\s*)"
    r"(?P<y>\d{4})",
    re.IGNORECASE,
)
_LEVELS = r"tỉnh|thành phố|tp\.|huyện|thị xã"
_LEVEL_WORD = re.compile(rf"(?i)(?<!\w)(?P<level>{_LEVELS})(?=\s)")
_ORGAN = re.compile(
    r"(?i)^(?P<organ>ủy ban nhân dân|uỷ ban nhân dân|ubnd|hội đồng nhân dân|hđnd)"
    rf"(?:\s*\((?:ubnd|hđnd)\))?(?:\s+(?P<level>{_LEVELS}))?(?P<rest>.*)$"
)
_ISSUING = re.compile(
    r"(?P<organ>(?i:ủy ban nhân dân|uỷ ban nhân dân|ubnd|hội đồng nhân dân|hđnd))(?:\s*\((?i:ubnd|hđnd)\))?"
    rf"\s+(?P<level>(?i:{_LEVELS}))(?P<name>(?:\s+[A-ZĐ][^\s,;:]*){{0,4}})\s+(?i:ban hành|xây dựng)\b"
)
_RECIPIENTS = re.compile(r"^nơi nhận\s*:?\s*(?P<rest>.*)$")
_SIGNED = re.compile(r"^\(?(?:đã ký|ký|ký tên, đóng dấu|ký, đóng dấu)\)?$")
_ORGANS = {
    "ủy ban nhân dân": "Ủy ban nhân dân",
    "ubnd": "Ủy ban nhân dân",
    "hội đồng nhân dân": "Hội đồng nhân dân",
}
_ORGANS["hđnd"] = _ORGANS["hội đồng nhân dân"]


@dataclass
class Metadata:
    """What the text says about itself; None where it does not say."""

    title: str | None = None
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    province: str | None = None
    district: str | None = None
    signer: str | None = None
    recipients: list[str] = field(default_factory=list)
    # The closing block: (start, end, kind) with kind "recipients" (never in a chunk) or "signature"
    # (a chunk of its own, so "who signed" can be answered and cited).
    excluded: list[tuple[int, int, str]] = field(default_factory=list)


def _doc_type_of(line: str) -> str | None:
    """The document type a title line names: "KẾ HOẠCH" alone, or an all-caps "LUẬT THANH NIÊN"."""
    key = match_form(line).strip(" .:")
    for name in DOC_TYPES:
        low = match_form(name)
        if key == low or (is_caps(line) and key.startswith(low + " ")):
            return name
    return None


def _masthead_kind(line: str) -> str | None:
    key = match_form(line).strip(" .")
    if _MOTTO.match(key) or _MOTTO_2.match(key):
        return "motto"
    if _NUMBER.match(line):
        return "number"
    if _place_date(line) is not None:
        return "date"
    if is_caps(line) and _doc_type_of(line) is None and match_heading(line) is None:
        return "caps"
    return None


def _content(lines: list[Line]) -> list[tuple[int, Line]]:
    return [(i, ln) for i, ln in enumerate(lines) if ln.text.strip()]


def _header(lines: list[Line]) -> list[tuple[int, Line]]:
    """Non-blank lines before the first heading (at most the first 40)."""
    out: list[tuple[int, Line]] = []
    for index, line in _content(lines)[:_HEADER_LINES]:
        if match_heading(line.text.strip()) is not None:
            break
        out.append((index, line))
    return out


def _masthead_end(header: list[tuple[int, Line]]) -> int:
    """Position in ``header`` just after the last issuer/motto/number/date line, 0 when there is none."""
    end = 0
    for pos, (_, line) in enumerate(header):
        kind = _masthead_kind(line.text.strip())
        if kind is None:
            break
        if kind != "caps":
            end = pos + 1
    return end


def _place_date(line: str) -> re.Match[str] | None:
    """ "<Place>, ngày 01 tháng 3 năm 2022" where the place is a name (capitalised words or a known place)."""
    match = _PLACE_DATE.match(line.strip())
    if match is None:
        return None
    words = match["place"].split()
    if (len(words) <= 6 and all(w[:1].isupper() for w in words)) or lookup(match["place"]) is not None:
        return match
    return None


def _iso_date(match: re.Match[str]) -> str | None:
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return None


def _places_in(text: str) -> list[Place]:
    """Places named after an administrative word ("tỉnh Lạng Sơn", "TRÊN ĐỊA BÀN TỈNH HẬU GIANG")."""
    found: list[Place] = []
    for match in _LEVEL_WORD.finditer(text):
        tokens: list[str] = []
        for token in text[match.end() :].split()[:5]:
            if not token[:1].isupper():
                break
            tokens.append(token)
            if token[-1] in ",.;:)":
                break
        for size in range(len(tokens), 0, -1):
            place = lookup(" ".join(tokens[:size]), level=match["level"])
            if place is not None:
                found.append(place)
                break
    return found


def _title_case_name(text: str) -> str:
    """ "KẾ HOẠCH VÀ ĐẦU TƯ" → "Kế hoạch và Đầu tư": each coordinated part starts with a capital."""
    words = text.lower().split()
    out: list[str] = []
    capitalize = True
    for word in words:
        out.append(word[:1].upper() + word[1:] if capitalize and word not in ("và",) else word)
        capitalize = word in ("và", "-", "–") or word.endswith(",")
    return " ".join(out)


def format_issuer(text: str, places: list[Place] | None = None) -> str | None:
    """Display form of an issuer written in capitals ("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" → "Ủy ban nhân dân
    tỉnh Lạng Sơn"). A local People's Committee with no place written is completed from ``places`` when
    they name a unit of its level, else None (never a guess)."""
    text = " ".join(text.split()).strip(" .,:")
    if not text:
        return None
    organ = _ORGAN.match(text)
    if organ is None:
        if not is_caps(text):
            return text
        head, _, rest = text.partition(" ")
        return head.capitalize() + (" " + _title_case_name(rest) if rest else "")
    name = _ORGANS[match_form(organ["organ"])]
    level = match_form(organ["level"] or "").rstrip(".")
    level = "thành phố" if level == "tp" else level
    rest = organ["rest"].strip()
    if not level:
        return name if not rest else f"{name} {_title_case_name(rest)}"
    place = _resolve_named(rest, level) if rest else _resolve_from(places or [], level)
    if place is None:
        return f"{name} {level} {rest.title() if is_caps(rest) else rest}" if rest else None
    return f"{name} {level} {place}"


def _resolve_named(name: str, level: str) -> str | None:
    place = lookup(name, level=level)
    if place is None:
        return None
    return place.district or place.name if level != "tỉnh" else place.province


def _resolve_from(places: list[Place], level: str) -> str | None:
    for place in places:
        if level == "tỉnh":
            return place.province
        if place.district is not None and match_form(place.kind) == level:
            return place.district
    return None


def _is_person_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in text):
        return False
    return all(w[:1].isupper() and w[1:].islower() for w in words if len(w) > 1) and all(
        w.isalpha() for w in words
    )


@dataclass
class _Tail:
    start: int | None = None  # first line of the closing block
    signer: str | None = None
    recipients: list[str] = field(default_factory=list)
    recipient_lines: set[int] = field(default_factory=set)


def _clean_item(text: str) -> str:
    text = text.strip()
    if is_list_item(text):
        text = text[1:].strip()
    return text.rstrip(" ;,.").strip()


def _read_tail(lines: list[Line]) -> _Tail:
    """Walk back from the end over the signature block, the signer's name and the "Nơi nhận" list."""
    tail = _Tail()
    pending: list[int] = []  # list items not yet known to be recipients
    index = len(lines) - 1
    while index >= 0:
        text = lines[index].text.strip()
        key = match_form(text)
        if not text:
            index -= 1
            continue
        header = _RECIPIENTS.match(key)
        if header is not None:
            tail.start = index
            items = [lines[i].text for i in sorted(pending)]
            if header["rest"]:
                items.insert(0, text.split(":", 1)[-1])
            tail.recipients = [c for c in (_clean_item(i) for i in items) if c]
            tail.recipient_lines |= {index, *pending}
            pending = []
        elif is_list_item(text) or key.startswith("lưu:") or key.startswith("lưu "):
            pending.append(index)
        elif not pending and (
            (is_caps(text) and SIGNATURE_TITLE.match(text) and len(text.split()) <= 10)
            or _SIGNED.match(key)
            or (_is_person_name(text) and not is_caps(text))
        ):
            tail.start = index
        else:
            break
        index -= 1
    if tail.start is None:
        return tail
    titles = [i for i in range(tail.start, len(lines)) if SIGNATURE_TITLE.match(lines[i].text.strip())]
    after = titles[-1] + 1 if titles else tail.start
    for i in range(after, len(lines)):
        text = lines[i].text.strip()
        if text and not is_list_item(text) and _is_person_name(text):
            tail.signer = text
            break
    return tail


def _tail_spans(lines: list[Line], tail: _Tail) -> list[tuple[int, int, str]]:
    """The closing block as runs of "recipients" and "signature" lines (blank lines join a run)."""
    spans: list[tuple[int, int, str]] = []
    if tail.start is None:
        return spans
    for index in range(tail.start, len(lines)):
        line = lines[index]
        if not line.text.strip():
            continue
        kind = "recipients" if index in tail.recipient_lines else "signature"
        if spans and spans[-1][2] == kind:
            spans[-1] = (spans[-1][0], line.end, kind)
        else:
            spans.append((line.start, line.end, kind))
    return spans


def _title(header: list[tuple[int, Line]], start: int) -> tuple[str | None, str | None, int, int]:
    """(title, doc type, first and last header positions of the title block) from header position ``start``."""
    for pos in range(start, len(header)):
        line = header[pos][1].text.strip()
        doc_type = _doc_type_of(line)
        if doc_type is None:
            continue
        parts, last = [line], pos
        if match_form(line).strip(" .:") == match_form(doc_type):
            following = [h[1].text.strip() for h in header[pos + 1 :]]
            for offset, nxt in enumerate(following):
                if is_caps(nxt) and _masthead_kind(nxt) != "motto":
                    parts.append(nxt)
                    last = pos + 1 + offset
                    continue
                starts_preamble = match_form(nxt).startswith(("căn cứ", "kính gửi"))
                if offset == 0 and not nxt.endswith((":", ";")) and len(nxt) <= 400 and not starts_preamble:
                    parts.append(nxt)
                    last = pos + 1
                break
        return " ".join(parts), doc_type, pos, last
    return None, None, -1, -1


def extract_metadata(text: str, *, fallback_title: str | None = None) -> Metadata:
    """Read the metadata of a cleaned document text (see the module docstring)."""
    lines = split_lines(text)
    header = _header(lines)
    meta = Metadata()
    masthead = _masthead_end(header)
    issuer_caps: list[str] = []  # the issuer block: capitals above the national motto
    seen_motto = False
    for _, line in header[:masthead]:
        stripped = line.text.strip()
        kind = _masthead_kind(stripped)
        if kind == "motto":
            seen_motto = True
        elif kind == "number" and meta.number is None:
            number = _NUMBER.match(stripped)
            meta.number = number["number"].rstrip(".") if number else None
        elif kind == "caps" and not seen_motto and meta.number is None:
            issuer_caps.append(stripped)
    place_date = next((m for _, ln in header if (m := _place_date(ln.text)) is not None), None)
    if place_date is None:  # some documents put the place and date above the signature, near the end
        place_date = next(
            (m for ln in lines[-_HEADER_LINES:] if (m := _place_date(ln.text)) is not None), None
        )
    places: list[Place] = []
    if place_date is not None:
        match = place_date
        meta.date = _iso_date(match)
        place = lookup(match["place"])
        if place is not None:
            places.append(place)
    title, doc_type, title_pos, title_last = _title(header, masthead)
    meta.title = title or fallback_title or _first_line(header, masthead)
    meta.doc_type = doc_type or _type_from_number(meta.number)
    preamble = " ".join(h[1].text for h in header[title_last + 1 :]) if title_pos >= 0 else ""
    places += _places_in(" ".join(issuer_caps)) + _places_in(title or "")
    issuing = _ISSUING.search(preamble)
    if issuing is not None:
        places += _places_in(f"{issuing['level']} {issuing['name']}")
    meta.issuer = format_issuer(" ".join(issuer_caps), places) if issuer_caps else None
    if issuing is not None and (meta.issuer is None or meta.issuer in _ORGANS.values()):
        meta.issuer = format_issuer(f"{issuing['organ']} {issuing['level']} {issuing['name']}", places)
    if places:
        meta.province = places[0].province
        meta.district = next((p.district for p in places if p.district), None)
        if meta.district is not None:
            owner = next(p.province for p in places if p.district == meta.district)
            meta.district = meta.district if owner == meta.province else None
    tail = _read_tail(lines)
    meta.excluded = _tail_spans(lines, tail)
    meta.signer, meta.recipients = tail.signer, tail.recipients
    return meta


def _first_line(header: list[tuple[int, Line]], start: int) -> str | None:
    for _, line in header[start:]:
        text = line.text.strip()
        if text:
            return text[:200]
    return None


def _type_from_number(number: str | None) -> str | None:
    if not number or "/" not in number:
        return None
    codes = re.split(r"[/-]", number)[1:]
    for code in codes:
        if code in _NUMBER_CODES:
            return _NUMBER_CODES[code]
    return "Công văn" if codes and not any(c[:1].isdigit() for c in codes[:1]) else None

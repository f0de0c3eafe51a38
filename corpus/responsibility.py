"""Who does what: lead ("chủ trì") and cooperating ("phối hợp") agencies, tasks and deadlines.

Plans assign work in a few recurring shapes, all handled here on the document text:

* a numbered heading that names an agency (``1. Sở Xây dựng:``, ``10.\\nSở Giao thông vận tải``,
  ``6.5. Sở Xây dựng chủ trì, phối hợp với ...``): everything under it, until the next item of the same or
  a higher level, is that agency's task;
* a sentence whose subject is an agency or a list (``Sở X chủ trì, phối hợp với Y ...``, ``b) Các Sở: Nội
  vụ, Xây dựng ...: Chủ động tham mưu``, ``Giao Phòng Tài chính - Kế hoạch huyện làm cơ quan đầu mối``,
  ``Đề nghị Ủy ban Mặt trận ...``);
* cooperating agencies after ``phối hợp (với)``; an aggregating agency in ``báo cáo ... về Sở X để tổng hợp``;
* deadlines (``trước ngày 01/12 hằng năm``, ``trong quý II/2022``, ``trước 20/12 hằng năm``).

Each responsibility points at its supporting sentence (offsets into the document text).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from corpus.agencies import Found, agency_key, agency_list_at, scan_agencies
from corpus.agency_tokens import aligned_fold
from corpus.models import SECTION_SEPARATOR, Chunk, ParsedDocument, Responsibility, Role
from corpus.normalize import is_caps
from corpus.segment import blocks, marker_of, sentences, split_sentences

__all__ = ["RESPONSIBILITY_VERSION", "annotate", "extract", "find_deadline"]

# 2: short department names ("Sở Nông nghiệp"); 3: a bare province name ending a name;
# 4: the Fatherland Front under one key however it is written ("Ủy ban Mặt trận Tổ quốc …", "MTTQ").
RESPONSIBILITY_VERSION = "4"
"""Changes when extraction changes (part of the ingestion pipeline's identity)."""

_DATE = r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|ngay\s+\d{1,2}\s+thang\s+\d{1,2}(?:\s+nam\s+\d{4})?"
_YEAR = r"(?:\s*/\s*\d{4}|\s+nam\s+\d{4})"
_DEADLINE = re.compile(
    rf"(?<![^\W_])(?:(?:dinh\s+ky\s+)?(?:truoc|cham\s+nhat|khong\s+qua|han\s+chot)\s+(?:ngay\s+)?(?:{_DATE})"
    rf"(?:\s+(?:cua\s+)?(?:hang\s+(?:nam|quy|thang)|nam\s+\d{{4}}))?"
    rf"|(?:trong|truoc|cuoi|vao|ngay\s+trong)\s+quy\s+(?:[ivx]+|[1-4])(?![^\W_]){_YEAR}?"
    rf"|(?:trong|truoc)\s+thang\s+\d{{1,2}}{_YEAR}?)"
)
_SUBJECT_BLOCKERS = re.compile(r"(?:cua|ve|tai|tren|nam|so|ngay|la|thi|nhu|den|tu|o)(?![^\W_])")
# What may follow a subject met mid-sentence (after a comma): only verbs that assign work.
_CUE = re.compile(
    r"(?:chu\s+tri|chu\s+dong|co\s+trach\s+nhiem|chiu\s+trach\s+nhiem|phoi\s+hop|lam\s+co\s+quan|lam\s+dau\s+moi"
    r"|theo\s+chuc\s+nang|can\s+cu)(?![^\W_])"
)
_LEAD_AFTER = re.compile(
    r"\s*(?:chu\s+tri|lam\s+co\s+quan\s+dau\s+moi|lam\s+dau\s+moi|co\s+trach\s+nhiem|chiu\s+trach\s+nhiem)(?![^\W_])"
)
_COOP = re.compile(r"(?<![^\W_])phoi\s+hop\s+(?:chat\s+che\s+)?(?:voi\s+)?")
_ASSIGN = re.compile(r"(?<![^\W_])(?:giao(?:\s+cho)?|de\s+nghi|yeu\s+cau)\s+")
_AGGREGATE = re.compile(r"(?<![^\W_])(?:gui\s+ve|gui|ve|qua)\s+")
_AGGREGATE_AFTER = re.compile(r"\s*(?:truoc[^,;.]{0,40}?\s+)?(?:de\s+)?(?:tong\s+hop|theo\s+doi)")
_END_MATTER = re.compile(r"(?:tren\s+day\s+la|noi\s+nhan)(?![^\W_])")
_CLAUSE = re.compile(r"[,;:]\s+")


@dataclass
class _Subject:
    leads: list[Found]
    role: Role
    coops: list[Found]
    end: int


@dataclass
class _Scope:
    level: int
    subject: _Subject
    inherited: list[Found] = field(default_factory=list)


def find_deadline(
    text: str, start: int = 0, end: int | None = None, *, folded: str | None = None
) -> str | None:
    """The deadline written in ``text[start:end]`` (``trước ngày 01/12 hằng năm``), or None.

    ``folded`` is ``aligned_fold(text)`` when the caller already has it.
    """
    end = len(text) if end is None else end
    folded = aligned_fold(text[start:end]) if folded is None else folded[start:end]
    matches = list(_DEADLINE.finditer(folded))
    if not matches:
        return None
    a, b = matches[0].start(), matches[0].end()
    for m in matches[1:]:
        if m.start() - b > 30:
            break
        b = m.end()
    return re.sub(r"\s+", " ", text[start + a : start + b]).strip()


def _subject(
    text: str, folded: str, start: int, end: int, mentions: Mapping[int, Found], *, need_cue: bool = False
) -> _Subject | None:
    """Agencies at ``start`` acting as the subject of what follows, with their role and cooperators."""
    items, stop = agency_list_at(text, start, mentions, limit=end, folded=folded)
    if not items:
        return None
    after = folded[stop : min(end, stop + 200)].lstrip()
    if _SUBJECT_BLOCKERS.match(after):
        return None
    if need_cue and not _CUE.match(after):
        return None
    role: Role = "phoi_hop" if after.startswith("phoi hop") else "chu_tri"
    coops: list[Found] = []
    lead = re.match(r"(?:chu\s+tri\s*,?\s*)?", after)
    coop = _COOP.match(after, lead.end() if lead else 0)
    subject_end = stop
    if coop is not None:
        offset = stop + (len(text[stop : min(end, stop + 200)]) - len(after))
        coops, coop_end = agency_list_at(text, offset + coop.end(), mentions, limit=end, folded=folded)
        subject_end = max(stop, coop_end)
    return _Subject(items, role, coops, subject_end)


def extract(text: str, *, province: str | None = None, district: str | None = None) -> list[Responsibility]:
    """All responsibilities stated in a document's text, in reading order."""
    folded = aligned_fold(text)  # once: every step below matches on slices of it
    found = scan_agencies(text, folded=folded)
    mentions = {m.start: m for m in found}
    out: list[Responsibility] = []
    scopes: list[_Scope] = []
    covered = 0  # end of an agency name that ran past its block ("8. Sở Lao động\n- Thương binh ...")
    for block in blocks(text):
        if block.start < covered:
            continue
        head = folded[block.body : block.end].lstrip()
        if _END_MATTER.match(head):
            scopes.clear()
            if head.startswith("noi nhan"):
                break
        if block.level is not None:
            scopes = [s for s in scopes if s.level < block.level]
        caps = is_caps(text[block.body : block.end])  # titles and letterheads assign nothing
        subject = None if caps else _subject(text, folded, block.body, len(text), mentions)
        if subject is not None:
            covered = max(item.end for item in subject.leads)
            level = block.level if block.level is not None else 99
            scopes = [s for s in scopes if s.level < level]
            scopes.append(_Scope(level, subject))
        for s, e in split_sentences(text, block.body, max(block.end, min(covered, len(text)))):
            out.extend(_sentence(text, folded, s, e, mentions, found, scopes, province, district))
    return out


def _sentence(
    text: str,
    folded_text: str,
    s: int,
    e: int,
    mentions: Mapping[int, Found],
    found: Sequence[Found],
    scopes: list[_Scope],
    province: str | None,
    district: str | None,
) -> list[Responsibility]:
    folded = folded_text[s:e]
    named = _between(found, s, e)
    if not scopes and not named and "cac" not in folded and "lien" not in folded:
        # Nothing here can name an agency: no mention, no "các sở, ban, ngành" / "các Sở:" list, no
        # "cơ quan liên quan", and no heading agency to inherit.
        return []
    leads: list[tuple[Found, Role]] = []
    coops: list[Found] = []
    content_start = s
    explicit = False  # the sentence names its own subject: the heading's agency does not apply
    lists: list[tuple[int, int]] = []  # spans of "phối hợp với ..." lists: agencies there are not subjects
    for m in _COOP.finditer(folded):
        items, stop = agency_list_at(text, s + m.end(), mentions, limit=e, folded=folded_text)
        coops.extend(items)
        if items:
            lists.append((s + m.start(), stop))
    subject = _subject(text, folded_text, s, e, mentions)
    if subject is not None and not is_caps(text[s:e]):
        leads.extend((f, subject.role) for f in subject.leads)
        coops.extend(subject.coops)
        content_start = subject.end
        explicit = True
        lists.append((s, subject.end))
    for m in _CLAUSE.finditer(folded):
        at = s + m.end()
        if any(a <= at <= b for a, b in lists):
            continue
        clause = _subject(text, folded_text, at, e, mentions, need_cue=True)
        if clause is not None:
            leads.extend((f, clause.role) for f in clause.leads)
            coops.extend(clause.coops)
            lists.append((at, clause.end))
    for m in _ASSIGN.finditer(folded):
        assigned = _subject(text, folded_text, s + m.end(), e, mentions)
        if assigned is not None:
            leads.extend((f, assigned.role) for f in assigned.leads)
            coops.extend(assigned.coops)
            explicit = True
    for f in named:
        inside = s <= f.start < e and not any(a <= f.start <= b for a, b in lists)
        if inside and _LEAD_AFTER.match(folded_text[f.end : min(e, f.end + 40)]):
            leads.append((f, "chu_tri"))
    for m in _AGGREGATE.finditer(folded):
        items, stop = agency_list_at(text, s + m.end(), mentions, limit=e, folded=folded_text)
        if items and _AGGREGATE_AFTER.match(folded_text[stop : min(e, stop + 60)]):
            leads.extend((f, "chu_tri") for f in items)
    if not explicit and scopes:
        scope = scopes[-1]
        body = folded[_marker_skip(text, s, e) :].lstrip()
        role: Role = "phoi_hop" if body.startswith("phoi hop") else scope.subject.role
        leads.extend((f, role) for f in scope.subject.leads)
        coops.extend(scope.subject.coops)
    if not leads and not coops:
        return []
    if subject is not None and len(folded_text[content_start:e].split()) < 3:
        return []  # a heading such as "6.5. Sở Xây dựng chủ trì, phối hợp với ...": its tasks follow
    task = re.sub(r"\s+", " ", text[s:e]).strip()
    deadline = find_deadline(text, s, e, folded=folded_text)
    chosen: dict[str, Responsibility] = {}
    for agency, role in [*leads, *((f, "phoi_hop") for f in coops)]:
        key = _key(agency, province, district)
        if key in chosen and (chosen[key].role == "chu_tri" or role == "phoi_hop"):
            continue
        chosen[key] = Responsibility(
            agency=agency.name, agency_key=key, role=role, task=task, deadline=deadline, start=s, end=e
        )
    return list(chosen.values())


def _between(found: Sequence[Found], s: int, e: int) -> Sequence[Found]:
    """Mentions starting in ``[s, e)`` (``found`` is sorted by start)."""
    lo = bisect_left(found, s, key=lambda f: f.start)
    hi = bisect_left(found, e, key=lambda f: f.start)
    return found[lo:hi]


def _marker_skip(text: str, s: int, e: int) -> int:
    _, _, skip = marker_of(text[s:e])
    return skip


# ------------------------------------------------------------------------------------------- chunks


def annotate(parsed: ParsedDocument) -> ParsedDocument:
    """Fill ``chunk.responsibilities`` of a parsed document (offsets clipped to each chunk)."""
    doc = parsed.document
    found = _Spans(extract(parsed.text, province=doc.province, district=doc.district))
    chunks = [_for_chunk(parsed.text, chunk, found, doc.province, doc.district) for chunk in parsed.chunks]
    return parsed.model_copy(update={"chunks": chunks})


class _Spans:
    """Responsibilities indexed by start, so a chunk looks only at those that can overlap it."""

    def __init__(self, items: list[Responsibility]) -> None:
        self.items = items
        self.order = sorted(range(len(items)), key=lambda k: items[k].start)
        self.starts = [items[k].start for k in self.order]
        self.longest = max((r.end - r.start for r in items), default=0)

    def overlapping(self, start: int, end: int) -> list[Responsibility]:
        """Those with ``r.start < end`` and ``r.end > start``, in their original order."""
        lo = bisect_right(self.starts, start - self.longest)
        hi = bisect_left(self.starts, end)
        return [self.items[k] for k in sorted(self.order[lo:hi]) if self.items[k].end > start]


def _for_chunk(text: str, chunk: Chunk, found: _Spans, province: str | None, district: str | None) -> Chunk:
    mine: list[Responsibility] = []
    for r in found.overlapping(chunk.start, chunk.end):
        a, b = max(r.start, chunk.start), min(r.end, chunk.end)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b - a <= 0 or (b - a < 40 and b - a < (r.end - r.start) // 2):
            continue
        mine.append(r if (a, b) == (r.start, r.end) else r.model_copy(update={"start": a, "end": b}))
    if not any(r.role == "chu_tri" for r in mine):
        mine.extend(_from_heading(text, chunk, province, district))
    return chunk.model_copy(update={"responsibilities": mine})


def _from_heading(
    text: str, chunk: Chunk, province: str | None, district: str | None
) -> list[Responsibility]:
    """The chunk's own heading names an agency the extractor did not attach (a layout it missed)."""
    path = chunk.heading_path or [p for p in chunk.section.split(SECTION_SEPARATOR) if p]
    if not path:
        return []
    items = _heading_agencies(path[-1])
    if not items:
        return []
    out = []
    for s, e in sentences(text, chunk.start, chunk.end):
        task = re.sub(r"\s+", " ", text[s:e]).strip()
        if len(task.split()) < 3:
            continue
        for f in items:
            key = agency_key(f, province, district).key
            out.append(
                Responsibility(agency=f.name, agency_key=key, role="chu_tri", task=task, start=s, end=e)
            )
    return out


@lru_cache(maxsize=4096)
def _heading_agencies(heading: str) -> tuple[Found, ...]:
    """Agencies a heading starts with (after its marker); the chunks of one section share a heading."""
    _, _, skip = marker_of(heading)
    items, _ = agency_list_at(heading, skip, scan_agencies(heading))
    return tuple(items)


@lru_cache(maxsize=65536)
def _key(found: Found, province: str | None, district: str | None) -> str:
    """``agency_key(...).key``: one agency is named in many sentences."""
    return agency_key(found, province, district).key

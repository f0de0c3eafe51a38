"""What a question asks: its kind, the agency or document it is about, places, units, and its topic.

Kinds, each with its own extractive answer: ``responsible`` (who is responsible for X), ``tasks`` (what
must agency Y do), ``list`` (which agencies take part), ``number`` (targets, rates), ``deadline`` (by
when), ``metadata`` (document number, date, signer, issuer, period, subject), ``section`` (a plan's goals, purpose,
requirements: what its section of that name says) and ``other``. Detection runs on the
folded question, so questions typed without diacritics work; English questions are read through the
glossary (:mod:`index.query`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from corpus import geography
from corpus.agencies import AgencyKey, canonical_agency, scan_agencies
from corpus.agency_tokens import aligned_fold
from index.query import analyze_query
from service.answer.units import asked_unit

__all__ = ["Kind", "Question", "analyze_question"]


class Kind(StrEnum):
    """Question kinds, each with its own extractive answer."""

    RESPONSIBLE = "responsible"
    TASKS = "tasks"
    LIST = "list"
    NUMBER = "number"
    DEADLINE = "deadline"
    METADATA = "metadata"
    DOCUMENTS = "documents"
    SECTION = "section"
    OTHER = "other"


@dataclass
class Question:
    """A question understood: kind, constraints and the topic words evidence must match."""

    text: str
    search_text: str
    kind: Kind
    topic: str
    english: bool = False
    accented: bool = True
    meta_field: str | None = None
    asked_type: str | None = None
    agency: AgencyKey | None = None
    provinces: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    doc_numbers: list[str] = field(default_factory=list)
    doc_refs: list[tuple[str, str]] = field(default_factory=list)
    unit: str | None = None
    section: str | None = None  # folded heading word of the asked section ("muc tieu"), for ``section``


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Folded (no diacritics) patterns, word-bounded with (?<![^\W_]) / (?![^\W_]).
_B, _E = r"(?<![^\W_])", r"(?![^\W_])"
_META = {
    "signer": _rx(
        rf"{_B}(?:(?:ai|nguoi nao|ong nao|ba nao)\s+(?:da\s+)?ky|nguoi\s+ky|ky\s+boi|ky\s+ban\s+hanh){_E}"
        rf"|{_B}(?:who\s+signed|signed\s+by|signer|signatory){_E}"
    ),
    "date": _rx(
        rf"{_B}(?:(?:ban\s+hanh|ky|phe\s+duyet)\s+(?:vao\s+)?(?:ngay|thoi\s+gian|luc|khi|bao\s+gio)(?:\s+nao)?"
        rf"|ngay\s+ban\s+hanh|ngay\s+ky|ngay\s+nao\s+ban\s+hanh){_E}"
        rf"|{_B}when\s+was\b.*\b(?:issued|signed|adopted|promulgated|published){_E}"
        rf"|{_B}(?:issue|issuance|signing)\s+date{_E}|{_B}date\s+of\s+(?:issue|issuance){_E}"
    ),
    "number": _rx(rf"{_B}(?:so\s+hieu|so\s+ky\s+hieu|document\s+number|reference\s+number){_E}"),
    "issuer": _rx(
        rf"{_B}(?:(?:co\s+quan|don\s+vi|ai|cap)\s+(?:nao\s+)?ban\s+hanh|do\s+(?:ai|co\s+quan\s+nao)\s+ban\s+hanh"
        rf"|ban\s+hanh\s+boi|who\s+issued|issued\s+by|issuing\s+(?:body|authority|agency)){_E}"
    ),
    "period": _rx(
        rf"{_B}(?:(?:giai\s+doan|thoi\s+ky)\s+nao|ap\s+dung\s+(?:cho\s+)?(?:giai\s+doan|thoi\s+gian|thoi\s+ky)"
        rf"|thuc\s+hien\s+trong\s+(?:bao\s+lau|giai\s+doan\s+nao)|(?:which|what)\s+(?:period|timeframe|years)"
        rf"|time\s+frame){_E}"
    ),
    "subject": _rx(
        rf"{_B}(?:ve\s+(?:viec|van\s+de|noi\s+dung|linh\s+vuc)\s+(?:gi|nao)|noi\s+ve\s+(?:gi|dieu\s+gi|van\s+de\s+gi|viec\s+gi)"
        rf"|trich\s+yeu|(?:thuc\s+hien|trien\s+khai)\s+(?:\w+\s+){{0,2}}(?:van\s+ban|nghi\s+quyet|chi\s+thi"
        rf"|ke\s+hoach|quyet\s+dinh|ket\s+luan)\s+(?:nao|gi)){_E}"
        rf"|{_B}what\s+is\s+(?:the\s+)?(?:plan|document|decision|directive)\b.{{0,40}}\babout{_E}"
        rf"|{_B}(?:subject|topic)\s+of{_E}"
    ),
}
# "Lạng Sơn có những văn bản nào?", "có bao nhiêu kế hoạch", "which plans …": the documents themselves.
_DOC_WORDS = r"(?:van\s+ban|ke\s+hoach|chi\s+thi|quyet\s+dinh|tai\s+lieu)"
_DOCUMENTS = _rx(
    rf"{_B}(?:(?:co\s+)?(?:nhung|cac)\s+{_DOC_WORDS}\s+(?:nao|gi)|{_DOC_WORDS}\s+nao(?=\s+(?:cua|o|tai){_E})"
    rf"|(?:co\s+)?bao\s+nhieu\s+{_DOC_WORDS}|danh\s+sach\s+(?:cac\s+)?{_DOC_WORDS}"
    rf"|co\s+{_DOC_WORDS}\s+(?:nao|gi)){_E}(?:\s+(?:trong\s+he\s+thong|hien\s+co|dang\s+co|duoc\s+luu){_E})?"
    rf"|{_B}(?:(?:which|what)\s+(?:documents|plans|directives)|how\s+many\s+(?:documents|plans)"
    rf"|list\s+(?:of\s+)?(?:the\s+|all\s+)?(?:documents|plans)){_E}"
)
_TASKS = _rx(
    rf"{_B}(?:nhiem\s+vu|lam\s+gi|phai\s+lam|trach\s+nhiem\s+gi|(?:cong\s+)?viec\s+(?:gi|nao)|duoc\s+giao|co\s+trach\s+nhiem"
    rf"|thuc\s+hien\s+(?:nhung\s+)?(?:gi|viec\s+gi|nhiem\s+vu\s+nao)|vai\s+tro"
    rf"|(?:phu\s+trach|dam\s+(?:nhiem|nhan)|chiu\s+trach\s+nhiem(?:\s+ve)?)\s+(?:nhung\s+)?(?:gi|viec\s+gi|linh\s+vuc\s+(?:gi|nao))"
    rf"|nhung\s+(?:chuong\s+trinh|du\s+an|viec|nhiem\s+vu|linh\s+vuc|hoat\s+dong|noi\s+dung|chinh\s+sach"
    rf"|giai\s+phap)\s+nao){_E}"
    rf"|{_B}what\s+(?:must|should|does|do|will|is|are)\b.*\b(?:do|responsible\s+for|tasked|in\s+charge|role){_E}"
    rf"|{_B}(?:tasks?|responsibilit(?:y|ies)|duties|role)\s+of{_E}"
)
_DEADLINE = _rx(
    rf"{_B}(?:(?:truoc|han|thoi\s+han|den|cham\s+nhat|vao)\s+ngay\s+nao|khi\s+nao|bao\s+gio|thoi\s+han|han\s+chot"
    rf"|ngay\s+nao|thang\s+nao|quy\s+nao|nam\s+nao|thoi\s+gian\s+nao|moc\s+thoi\s+gian){_E}"
    rf"|{_B}(?:deadline|by\s+when|when|what\s+date|by\s+what\s+date){_E}"
)
_NUMBER = _rx(
    rf"{_B}(?:bao\s+nhieu|may\s+(?:can|nguoi|ho|xa|truong|du\s+an|phan\s+tram|lan|nam|thang|ngay|km)|so\s+luong"
    rf"|how\s+(?:many|much)|what\s+(?:percentage|percent|share|proportion)"
    rf"|what\s+(?:is|was|are)\s+the\s+(?:rate|target|number|ratio|level)){_E}"
)
_LIST = _rx(
    rf"{_B}(?:(?:nhung|cac)\s+(?:co\s+quan|don\s+vi|so|nganh|ban|to\s+chuc)\s+nao"
    rf"|(?:co\s+quan|don\s+vi|so)\s+nao\s+(?:phoi\s+hop|tham\s+gia|cung)|gom\s+(?:nhung\s+)?(?:co\s+quan|don\s+vi)"
    rf"|phoi\s+hop\s+(?:voi\s+)?(?:nhung\s+)?(?:ai|(?:co\s+quan|don\s+vi|so|nganh|to\s+chuc)\s+nao)"
    rf"|(?:nhung\s+)?ai\s+(?:cung\s+|se\s+)?(?:phoi\s+hop|tham\s+gia)"
    rf"|which\s+(?:agencies|departments|bodies|units|organi[sz]ations)"
    rf"|who\s+(?:else\s+)?(?:cooperates|coordinates|participates|works\s+with)){_E}"
)
_WHO = _rx(
    rf"{_B}(?:ai|(?:co\s+quan|don\s+vi|so|ban|phong|nganh|cap|ngan\s+hang|trung\s+tam|to\s+chuc|bo\s+phan|noi)\s+nao"
    rf"|who|which\s+(?:department|agency|office|body|unit|organi[sz]ation|bank|authority|board|committee"
    rf"|centre|center|division)|what\s+(?:department|agency|office|body|authority)){_E}"
)
_ASKED_TYPE = [
    (_rx(rf"{_B}so\s+nao{_E}|{_B}(?:which|what)\s+department{_E}"), "so"),
    (_rx(rf"{_B}phong\s+nao{_E}|{_B}(?:which|what)\s+division{_E}"), "phong"),
    (_rx(rf"{_B}ban\s+nao{_E}|{_B}(?:which|what)\s+board{_E}"), "ban"),
    (_rx(rf"{_B}ngan\s+hang\s+nao{_E}|{_B}(?:which|what)\s+bank{_E}"), "bank"),
    (_rx(rf"{_B}trung\s+tam\s+nao{_E}|{_B}(?:which|what)\s+(?:centre|center){_E}"), "centre"),
    (_rx(rf"{_B}bo\s+nao{_E}|{_B}(?:which|what)\s+ministry{_E}"), "bo"),
]
# A plan's standard parts asked by name: "Mục tiêu của kế hoạch ... là gì", "kế hoạch nhằm mục đích gì",
# "What are the objectives of ...". Each maps to the folded word its heading carries.
_SECTION_NAMES = {
    "muc tieu": "muc tieu",
    "muc dich": "muc dich",
    "yeu cau": "yeu cau",
    "tam nhin": "tam nhin",
    "quan diem": "quan diem",
    "chi tieu": "chi tieu",
    "goal": "muc tieu",
    "goals": "muc tieu",
    "objective": "muc tieu",
    "objectives": "muc tieu",
    "aim": "muc tieu",
    "aims": "muc tieu",
    "targets": "chi tieu",
    "purpose": "muc dich",
    "purposes": "muc dich",
    "requirement": "yeu cau",
    "requirements": "yeu cau",
    "vision": "tam nhin",
}
_PARTS = r"muc\s+tieu|muc\s+dich|yeu\s+cau|tam\s+nhin|quan\s+diem|chi\s+tieu"
# "yêu cầu" is also a verb ("Lạng Sơn yêu cầu xử lý … thế nào"): a part of the plan only when what follows
# is no verb or object.
_VERB_YEU_CAU = rf"(?<=cau)(?!\s+(?:chung|chu|tong|cu|cua|trong|doi|dat|la|gom|gi|nao|ve|khi|o|tai){_E})\s+\w"
_SECTION = _rx(
    rf"{_B}(?P<name>{_PARTS})(?!{_VERB_YEU_CAU})(?:\s+(?:chung|chu\s+yeu"
    rf"|tong\s+quat|cu\s+the))?(?:\s+(?:cua|trong))?\b(?:(?!\b(?:la\s+gi|gi|nao)\b).){{0,90}}"
    rf"\b(?:la\s+gi|gom\s+(?:nhung\s+)?gi|(?:nhung|la)\s+gi|gi|the\s+nao|ra\s+sao|nao){_E}"
    rf"|{_B}nham\s+(?P<name2>muc\s+dich|muc\s+tieu)\s+gi{_E}"
    rf"|^\W*(?:(?:cac|nhung)\s+)?(?P<name4>muc\s+tieu|muc\s+dich|yeu\s+cau|tam\s+nhin|quan\s+diem)\s+(?:cua|ke\s+hoach){_E}"
    rf"|{_B}what\s+(?:is|are|were)\s+the\s+(?:main\s+|general\s+|key\s+)?"
    rf"(?P<name3>goals?|objectives?|aims?|targets|purposes?|requirements?|vision){_E}"
)
# Words that frame a question rather than name its topic; blanked before topic terms are taken.
_FRAME = _rx(
    rf"{_B}(?:(?:co\s+quan|don\s+vi|so|ban|phong|nganh|cap|ngan\s+hang|trung\s+tam|to\s+chuc|bo\s+phan|noi|nhung"
    rf"|ai|nguoi)\s+nao|ai|gi|nao|chiu\s+trach\s+nhiem(?:\s+chinh)?|phu\s+trach|dam\s+nhiem|dam\s+nhan|lo\s+viec"
    rf"|co\s+nhiem\s+vu|co\s+trach\s+nhiem|(?:duoc\s+)?giao\s+nhiem\s+vu|duoc\s+giao|nhiem\s+vu\s+gi|phai\s+lam\s+gi|lam\s+gi"
    rf"|la\s+bao\s+nhieu|bao\s+nhieu|la\s+gi|(?:la\s+)?khi\s+nao|bao\s+gio|ngay\s+nao|thoi\s+han|han\s+chot"
    rf"|the\s+nao|ra\s+sao|bang\s+cach\s+nao"
    # "lấy từ đâu", "ở đâu" ("đầu tư" folds to the same letters: "từ đầu tư" is no frame)
    rf"|(?:(?:lay|den|huy\s+dong|xuat\s+phat)\s+)?(?:tu|o)\s+dau(?!\s+tu{_E})"
    rf"|cho\s+biet|xin\s+hoi|hay\s+cho|phai|duoc|theo\s+ke\s+hoach|ke\s+hoach\s+nay"
    rf"|trach\s+nhiem|nhiem\s+vu|chu\s+tri|muc\s+tieu|(?:nhung\s+)?(?:cong\s+)?viec\s+(?:gi|nao)){_E}"
)
_BARE_HOW_MANY = _rx(rf"{_B}may(?=\s*[?.!]*\s*$)|(?<=loai\s)may{_E}")
_PURPOSE = _rx(rf"{_B}(?:{_PARTS}|nham){_E}")
_DOC_REF = _rx(
    rf"{_B}(ke\s+hoach|chi\s+thi|quyet\s+dinh|nghi\s+quyet|cong\s+van|thong\s+tu|nghi\s+dinh)\s+(?:so\s+)?(\d{{1,5}})"
    rf"(?:\s*/\s*[\w\-/]+)?"
)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` replaced by a clause break, so no phrase is formed across a removed word."""
    chars = list(text)
    for a, b in spans:
        for i in range(a, min(b, len(chars))):
            chars[i] = " "
        if a < len(chars):
            chars[a] = "|"
    return "".join(chars)


def analyze_question(text: str) -> Question:
    """Read one question (Vietnamese with or without diacritics, or English)."""
    info = analyze_query(text)
    base = info.expanded if info.english else text
    folded_q = aligned_fold(text)
    folded_b = aligned_fold(base)
    both = f"{folded_q} \n {folded_b}" if info.english else folded_q
    agency, agency_span = _agency_in(base)
    kind, meta = _kind(both, agency is not None)
    section = _SECTION.search(both) if kind is Kind.OTHER else None
    if section is not None:
        kind = Kind.SECTION
    asked = next((t for rx, t in _ASKED_TYPE if rx.search(both)), None)
    spans = [m.span() for m in _FRAME.finditer(folded_b)]
    refs = [(re.sub(r"\s+", " ", m.group(1)), m.group(2)) for m in _DOC_REF.finditer(folded_b)]
    spans += [m.span() for m in _DOC_REF.finditer(folded_b)]
    for number in info.document_numbers:
        spans += [m.span() for m in re.finditer(re.escape(aligned_fold(number)), folded_b)]
    for place in [*info.provinces, *info.districts]:
        key = aligned_fold(place)
        for m in re.finditer(
            rf"{_B}(?:(?:o|tai|cua)\s+)?(?:(?:tinh|huyen|thanh\s+pho|tp)\s+)?{re.escape(key)}{_E}", folded_b
        ):
            spans.append(m.span())
        for m in re.finditer(rf"{_B}{re.escape(key)}{_E}", folded_b.replace("-", " ")):
            spans.append(m.span())
    if agency_span is not None and kind in (Kind.TASKS, Kind.LIST):
        spans.append(agency_span)
    if kind is Kind.DOCUMENTS:
        spans += [m.span() for m in _DOCUMENTS.finditer(folded_b)]
        if info.english:  # the glossary's translation ("kế hoạch") or words it leaves in English
            words = rf"{_B}(?:documents?|plans?|directives?|{_DOC_WORDS}){_E}"
            spans += [m.span() for m in re.finditer(words, folded_b)]
    if not info.english:
        # "mấy" asks how many; folded, "may" is also "máy" ("nhà máy"), so bare it goes only at the end
        # ("đô thị loại may?") or after "loại".
        spans += [m.span() for m in re.finditer(r"(?<![^\W_])mấy(?![^\W_])", base, re.IGNORECASE)]
        spans += [m.span() for m in _BARE_HOW_MANY.finditer(folded_b)]
    asked_section = None
    if section is not None:
        name = next(g for g in section.groups() if g)
        asked_section = _SECTION_NAMES[re.sub(r"\s+", " ", name)]
        spans += [m.span() for m in _PURPOSE.finditer(folded_b)]
    topic = re.sub(r"\s+", " ", _blank(base, spans)).strip(" ?.!,;:|")
    # "… phụ trách gì về người có công": "về" after a removed frame introduces the topic. Typed bare, "ve"
    # is spelt "vệ" by the corpus ("bảo vệ người …"), so it goes here rather than by its spelling.
    topic = re.sub(r"(^|\|)\s*(?:về|ve)\s+", r"\1", topic, flags=re.IGNORECASE).strip(" |")
    return Question(
        text=text,
        search_text=info.expanded,
        kind=kind,
        topic=topic,
        english=info.english,
        accented=info.accented,
        meta_field=meta,
        asked_type=asked,
        agency=agency,
        provinces=list(info.provinces),
        districts=list(info.districts),
        doc_numbers=list(info.document_numbers),
        doc_refs=refs,
        unit=asked_unit(both, "" if agency_span and agency_span[0] == 0 else text, english=info.english)
        if kind is Kind.NUMBER
        else None,
        section=asked_section,
    )


# "Các xã, thị trấn phải làm gì": local governments named by their level alone mean their People's Committees.
_LEVEL_ONLY = _rx(
    rf"{_B}(?:cac\s+(?:huyen|xa)(?:\s*,?\s*(?:va\s+)?(?:thanh\s+pho|thi\s+xa|phuong|thi\s+tran))*"
    rf"|cap\s+(?:huyen|xa)){_E}(?!\s+hoi{_E})"  # not "các xã hội"
)


# Between two agencies, what makes the second one the subject: "A giao (cho) B", "A yêu cầu B", "A chỉ đạo B".
_ASSIGNS = re.compile(
    r"\s*(?:(?:da|co|se)\s+)?(?:giao(?:\s+nhiem\s+vu)?|yeu\s+cau|chi\s+dao|de\s+nghi|phan\s+cong|"
    r"uy\s+quyen|assigns?|asks?|tasks?)(?:\s+(?:cho|to))?\s*"
)


def _assigns(gap: str) -> bool:
    """Whether the words between two agencies say the first gives the second its work, a place allowed
    before the verb ("UBND tỉnh | hau giang giao | Sở Lao động", typed without marks)."""
    if _ASSIGNS.fullmatch(gap):
        return True
    verb = _ASSIGNS.search(gap)
    if verb is None or verb.end() != len(gap):
        return False
    place = re.sub(r"^\s*(?:tinh|huyen|thanh\s+pho|tp)\s+", "", gap[: verb.start()]).strip()
    return bool(place) and geography.lookup(place) is not None


_HEAD_OF = re.compile(r"\b(?:pho\s+)?(?:chu\s+tich|giam\s+doc|truong\s+ban|lanh\s+dao)\s*$")


def _agency_in(text: str) -> tuple[AgencyKey | None, tuple[int, int] | None]:
    """The agency a question is about ("Sở LĐTBXH Hậu Giang có nhiệm vụ gì"), not generic collectives."""
    found_any = scan_agencies(text)
    named = [(canonical_agency(found.name), found) for found in found_any]
    named = [(key, found) for key, found in named if key.kind != "collective"]
    if named:
        key, found = named[0]
        # "UBND tỉnh giao Sở Lao động làm gì": the question is about the agency given the work (and the
        # whole "A giao B" is the agency part of the question, not its topic).
        if len(named) > 1 and _assigns(aligned_fold(text[found.end : named[1][1].start])):
            head = _HEAD_OF.search(aligned_fold(text[: found.start]))  # "Chủ tịch UBND tỉnh giao ..."
            return named[1][0], (head.start() if head else found.start, named[1][1].end)
        return key, (found.start, found.end)
    if not found_any:
        level = _LEVEL_ONLY.search(aligned_fold(text))
        if level is not None:
            return canonical_agency("UBND " + text[level.start() : level.end()]), level.span()
    return None, None


def _kind(folded: str, has_agency: bool) -> tuple[Kind, str | None]:
    for name, rx in _META.items():
        if rx.search(folded):
            return Kind.METADATA, name
    if _DOCUMENTS.search(folded):
        return Kind.DOCUMENTS, None
    if has_agency and _TASKS.search(folded) and not _WHO.search(folded):
        return Kind.TASKS, None
    if _DEADLINE.search(folded):
        return Kind.DEADLINE, None
    if _NUMBER.search(folded):
        return Kind.NUMBER, None
    if _LIST.search(folded):
        return Kind.LIST, None
    if _WHO.search(folded):
        return Kind.RESPONSIBLE, None
    if has_agency and _TASKS.search(folded):
        return Kind.TASKS, None
    return Kind.OTHER, None

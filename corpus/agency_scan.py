"""Recognising agency mentions in Vietnamese administrative text (the machinery behind ``corpus.agencies``).

Names are found by general patterns, not by a list of known documents' agencies: a *head* (``Sở``, ``Bộ``,
``Phòng``, ``Ủy ban nhân dân``, ``Ban``, ``Ngân hàng``, ``Cục``, ``Trung tâm``, ...) followed by a *body*:
a standard field name from ``corpus/data/agencies.json`` (``Kế hoạch và Đầu tư``, ``LĐTBXH``) or a run of
name words, and an optional location (``tỉnh``, ``huyện Văn Quan``). Matching runs on a folded copy of the
text with the same length, so offsets point into the original.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from corpus.agency_tokens import Token, Tokens, aligned_fold, is_lower_text
from corpus.normalize import fold, match_form

__all__ = ["Found", "Scanner", "expand_abbreviations", "scanner"]


@dataclass(frozen=True, slots=True)
class Found:
    """One agency mention: span in the text, kind, display name (abbreviations expanded), field if known."""

    start: int
    end: int
    kind: str
    name: str
    field: str | None = None
    base: str = ""


_SPLIT = re.compile(r"[\s,\-–&]+")


_DATA: dict[str, Any] = json.loads(
    resources.files("corpus").joinpath("data", "agencies.json").read_text(encoding="utf-8")
)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(match_form(w) for w in words.split())


_STOP = _wordset(_DATA["stop_words"])  # lower-case words that end a generic name (verbs, function words)
_NAME_WORDS = _wordset(_DATA["name_words"])  # lower-case syllables that may continue a name ("dự án")
_HEAD_WORDS = frozenset(h["words"].split()[0] for h in _DATA["heads"])
_ACRONYM_HEADS = frozenset(_DATA["acronym_heads"])
_ACCENTED: dict[str, str] = _DATA["written"]
_ABBREVIATIONS: dict[str, str] = _DATA["expansions"]
_LOCATION_WORDS = frozenset({"tỉnh", "huyện", "thành", "thị", "quận"})
_LOCATION = ("tinh", "huyen", "thanh pho", "thi xa", "quan", "thi tran")
# Heads are tried longest first (the data lists them that way within one first word).
_HEADS: list[tuple[tuple[str, ...], str, str]] = [
    (tuple(h["words"].split()), h["kind"], h["mode"]) for h in _DATA["heads"]
]
_HEADS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
for _head in _HEADS:
    _HEADS_BY_FIRST.setdefault(_head[0][0], []).append(_head)


def _head_start() -> re.Pattern[str]:
    """Folded text: a token that is a head's first word, followed by the head's other words.

    Allows more than ``Scanner._head_at`` (any separators, prefixes of later words): it only picks the
    tokens worth trying.
    """
    alternatives = []
    for first, heads in _HEADS_BY_FIRST.items():
        rests = [r"[\W_]+".join(map(re.escape, words[1:])) for words, _, _ in heads]
        if "" in rests:
            alternatives.append(re.escape(first))
        else:
            alternatives.append(re.escape(first) + "(?=" + "|".join(r"[\W_]+" + r for r in rests) + ")")
    return re.compile(
        r"(?<![^\W_])(?<![^\W_][&\-])(?:" + "|".join(alternatives) + r")(?![^\W_])(?![&\-][^\W_])"
    )


_HEAD_START = _head_start()


_UBND_LEVEL = re.compile(
    r"\s*(?:\(\s*ubnd\s*\)\s*)?"
    r"(?P<level>cap\s+(?:tinh|huyen|xa)"
    r"|cac\s+huyen(?:\s*,\s*(?:thi\s+xa|thanh\s+pho)|\s+va\s+(?:thi\s+xa|thanh\s+pho))*"
    r"|huyen(?:\s*,\s*(?:thi\s+xa|thanh\s+pho)|\s+va\s+(?:thi\s+xa|thanh\s+pho))+"
    r"|cac\s+xa(?:\s*,\s*(?:phuong|thi\s+tran)|\s+va\s+(?:phuong|thi\s+tran))*"
    r"|xa\s*,\s*(?:phuong\s*,\s*)?thi\s+tran"
    r"|tinh|huyen|thanh\s+pho|thi\s+xa|quan|xa|phuong|thi\s+tran)(?![^\W_])"
)
_LEVEL_NAMES = {
    "tinh": "tỉnh",
    "huyen": "huyện",
    "thanh pho": "thành phố",
    "thi xa": "thị xã",
    "quan": "quận",
}
_LEVEL_NAMES |= {"xa": "xã", "phuong": "phường", "thi tran": "thị trấn"}


def _words(name: str) -> list[str]:
    return [w for w in _SPLIT.split(fold(name)) if w and w != "va"]


def _abbr_key(text: str) -> str:
    return re.sub(r"[\s,.\-–&/]", "", fold(text))


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    words: tuple[str, ...]
    only: frozenset[str]  # heads this field may follow; empty = any
    cuts: frozenset[int] = frozenset()  # word counts where one part of the name ends ("Nông nghiệp | và ...")


def _cuts(name: str) -> frozenset[int]:
    """Word counts after each part but the last of a field name split at "và", commas and dashes."""
    parts = [p for p in re.split(r"\s*(?:,|-|–|\bvà\b)\s*", name) if p.strip()]
    counts = [len(_words(p)) for p in parts]
    return frozenset(sum(counts[: n + 1]) for n in range(len(counts) - 1))


# Folded question words: a name typed in lower case ends before the verb that asks ("... làm gì").
_ASKING = frozenset({"gi", "nao", "ai", "dau", "sao"})
_STOP_FOLDED = frozenset(fold(w) for w in _STOP)


class Scanner:
    """Finds agency mentions; one shared instance (:func:`scanner`)."""

    def __init__(self) -> None:
        data = _DATA
        self.fields: list[Field] = []
        self.abbr: dict[str, Field] = {}
        for entry in data["fields"]:
            name = entry["name"]
            field = Field(name, tuple(_words(name)), frozenset(entry.get("only", [])), _cuts(name))
            self.fields.append(field)
            for abbr in entry.get("abbr", []):
                self.abbr[_abbr_key(abbr)] = field
        self.by_first: dict[str, list[Field]] = {}
        for field in sorted(self.fields, key=lambda f: -len(f.words)):
            self.by_first.setdefault(field.words[0], []).append(field)
        self.head_names: dict[str, str] = data["head_names"]

    @staticmethod
    def _gap(text: str, a: Token, b: Token) -> str:
        """Kind of separator between two tokens: space, newline, hyphen, comma, amp or other."""
        gap = text[a.end : b.start]
        core = gap.strip()
        if not core:
            return "newline" if "\n" in gap else "space"
        if core in {"-", "–"}:
            return "hyphen"
        if core == ",":
            return "comma"
        if core == "&":
            return "amp"
        return "other"

    # ------------------------------------------------------------------ scanning
    def scan(self, text: str, *, folded: str | None = None) -> list[Found]:
        """All agency mentions, left to right, non-overlapping (longest wins).

        ``folded`` is ``aligned_fold(text)`` when the caller already has it.
        """
        folded = aligned_fold(text) if folded is None else folded
        found: list[Found] = []
        lower_text: bool | None = None
        done = 0  # end of the last mention: heads inside it are part of it
        # Only tokens that can start a head are tried; tokens are made around each of them, on demand.
        for m in _HEAD_START.finditer(folded):
            start = m.start()
            if start < done:
                continue
            if lower_text is None:
                lower_text = is_lower_text(text)
            hit = self._at(text, Tokens(text, folded, start), 0, lower_text)
            if hit is not None:
                found.append(hit[0])
                done = hit[0].end
        return found

    def field_at(self, text: str, toks: Tokens, i: int, head: str) -> tuple[Field, int] | None:
        """Longest standard field (or its abbreviation) starting at token ``i``; returns (field, next index)."""
        if not toks.has(i):
            return None
        tok = toks[i]
        abbr = self.abbr.get(_abbr_key(tok.text))
        if abbr is not None and (tok.acronym or tok.text.islower()) and len(tok.f) > 2:
            return abbr, i + 1
        for field in self.by_first.get(tok.f, []):
            if field.only and head not in field.only:
                continue
            j, k = i + 1, 1
            while k < len(field.words) and toks.has(j):
                gap = self._gap(text, toks[j - 1], toks[j])
                if gap not in {"space", "newline", "hyphen", "comma", "amp"}:
                    break
                if gap == "comma" and not self._comma_ok(field, k):
                    break
                if toks[j].f == "va" and field.words[k] != "va":
                    j += 1
                    continue
                if toks[j].f != field.words[k]:
                    break
                j, k = j + 1, k + 1
            if k == len(field.words):
                return field, j
        return None

    def short_form_at(self, text: str, toks: Tokens, i: int, head: str) -> tuple[str, int] | None:
        """A standard field's first part(s) starting at token ``i``, as (display name, end index).

        Officials shorten "Sở Nông nghiệp và Phát triển nông thôn" to "Sở Nông nghiệp" and "Phòng Giáo dục
        và Đào tạo" to "Phòng Giáo dục"; the short name is kept as such (it may stand for more than one field).
        """
        best: tuple[str, int] | None = None
        for field in self.by_first.get(toks[i].f, []) if toks.has(i) else []:
            if field.only and head not in field.only:
                continue
            j, k = i + 1, 1
            while k < len(field.words) and toks.has(j) and toks[j].f == field.words[k]:
                if self._gap(text, toks[j - 1], toks[j]) not in {"space", "hyphen"}:
                    break
                j, k = j + 1, k + 1
            if k in field.cuts and (best is None or j > best[1]):
                words = [m for m in re.finditer(r"[^\W_]+", field.name) if fold(m.group()) != "va"]
                best = field.name[: words[k - 1].end()], j
        return best

    @staticmethod
    def _asks(toks: Tokens, k: int) -> bool:
        return toks.has(k) and toks[k].f in _ASKING

    @staticmethod
    def _comma_ok(field: Field, k: int) -> bool:
        # A comma may stand where the canonical name has punctuation ("Văn hóa, Thể thao" = "Văn hóa - ...").
        parts = re.split(r"\s*[,\-–]\s*", field.name)
        lengths = [len(_words(p)) for p in parts]
        cut = 0
        for length in lengths[:-1]:
            cut += length
            if cut == k:
                return True
        return False

    def _head_at(self, toks: Tokens, i: int) -> tuple[tuple[str, ...], str, str] | None:
        for words, kind, mode in _HEADS_BY_FIRST.get(toks[i].f, ()):
            n = len(words)
            if toks.has(i + n - 1) and all(toks[i + j].f == words[j] for j in range(n)):
                return words, kind, mode
        return None

    def _at(self, text: str, toks: Tokens, i: int, lower_text: bool) -> tuple[Found, int] | None:
        # The checks on the first token alone come first: they reject most candidates cheaply.
        first = toks[i]
        if first.m != first.f and first.m != _ACCENTED.get(first.f, first.m):
            return None  # folded look-alike with other marks ("bản" is not "ban")
        # Heads are ordinary words in lower case ("phòng" = prevent, "ban hành", "cơ sở"): they count only
        # when capitalised, or in text typed entirely in lower case (many questions are).
        if not (first.cap or lower_text or first.acronym):
            return None
        head = self._head_at(toks, i)
        if head is None:
            return None
        words, kind, mode = head  # words[0] == first.f
        if first.acronym and len(words) == 1 and words[0] not in _ACRONYM_HEADS:
            return None  # a title in capitals ("BAN CHẤP HÀNH", "BỘ CHÍNH TRỊ"), not a mention
        before = toks.before(i) if kind == "so" else None
        if before is not None and before.f in {"co", "tru"} and before.end == first.start - 1:
            return None  # "cơ sở", "trụ sở"
        j = i + len(words)
        if mode == "field":
            return self._field_body(text, toks, i, j, kind, lower_text)
        if mode == "ubnd":
            return self._ubnd_body(text, toks, i, j, kind)
        if mode == "located":
            loc = self._location(text, toks, j)
            if loc is None:
                return None
            return self._make(text, toks, i, loc, kind), loc
        if mode == "fixed":
            end = self._location(text, toks, j) or j
            return self._make(text, toks, i, end, kind), end
        return self._generic_body(text, toks, i, j, kind, lower_text)

    def _field_body(
        self, text: str, toks: Tokens, i: int, j: int, kind: str, lower_text: bool
    ) -> tuple[Found, int] | None:
        if toks.has(j) and self._gap(text, toks[j - 1], toks[j]) not in {"space", "newline"}:
            return None
        hit = self.field_at(text, toks, j, kind)
        if hit is not None:
            field, end = hit
            end = self._location(text, toks, end) or end
            head = self.head_names.get(kind, toks[i].text)
            name = f"{head} {field.name}"
            return Found(toks[i].start, toks[end - 1].end, kind, name, field.name), end
        short = self.short_form_at(text, toks, j, kind)
        if short is not None:
            display, end = short
            end = self._location(text, toks, end) or end
            name = f"{self.head_names.get(kind, toks[i].text)} {display}"
            return Found(toks[i].start, toks[end - 1].end, kind, name, display), end
        if kind == "phong" or lower_text:
            return None  # "phòng" is also "prevent"; only standard fields are trusted after it
        # An unlisted field: capitalised words right after the head ("Sở Ngoại vụ", "Bộ Chính trị").
        end = j
        while toks.has(end) and end - j < 4:
            tok = toks[end]
            gap = self._gap(text, toks[end - 1], tok)
            if gap not in {"space", "hyphen"} or tok.m in _STOP or tok.f == "va":
                break
            if not (tok.cap or (end > j and tok.f in _NAME_WORDS)):
                break
            if tok.f in _HEAD_WORDS and end > j:
                break
            end += 1
        if end == j or not toks[j].cap:
            return None
        end = self._location(text, toks, end) or end
        return self._make(text, toks, i, end, kind), end

    def _ubnd_body(self, text: str, toks: Tokens, i: int, j: int, kind: str) -> tuple[Found, int]:
        pos = toks[j - 1].end
        m = _UBND_LEVEL.match(_fold_tail(text, pos), 0)
        label = "Ủy ban nhân dân" if kind == "ubnd" else "Hội đồng nhân dân"
        if m is None:
            return Found(toks[i].start, toks[j - 1].end, kind, label, None, kind), j
        level = re.sub(r"\s+", " ", m.group("level"))
        end_char = pos + m.end()
        end = j
        while toks.has(end) and toks[end].end <= end_char:
            end += 1
        if level.startswith("cap "):
            scope = f"cấp {_LEVEL_NAMES[level[4:]]}"
        elif level.startswith("cac huyen") or (level.startswith("huyen") and level != "huyen"):
            scope = "cấp huyện"
        elif level.startswith(("cac xa", "xa ")) or level.startswith("xa,"):
            scope = "cấp xã"
        else:
            scope = _LEVEL_NAMES.get(level, level)
            proper = self._proper_name(text, toks, end)
            if proper > end:
                if level != "tinh":
                    scope = f"{scope} {_clean(text[toks[end].start : toks[proper - 1].end])}"
                end = proper
        name = f"{label} {scope}"
        return Found(toks[i].start, toks[end - 1].end, kind, name, None), end

    def _generic_body(
        self, text: str, toks: Tokens, i: int, j: int, kind: str, lower_text: bool
    ) -> tuple[Found, int] | None:
        end = j
        if kind == "office" and toks.has(j):
            inner = self._at(text, toks, j, lower_text)
            if inner is not None and inner[0].kind in {"ubnd", "hdnd", "so", "bo"}:
                end = inner[1]
                return self._make(text, toks, i, end, kind), end
        while toks.has(end) and end - j < 12:
            tok = toks[end]
            gap = self._gap(text, toks[end - 1], tok)
            if tok.f in {t.split()[0] for t in _LOCATION} and self._location(text, toks, end):
                break
            if gap == "newline" and tok.cap and not tok.acronym and not lower_text and end > j:
                break
            if gap not in {"space", "newline", "hyphen"}:
                break
            if tok.f == "va":
                nxt = toks[end + 1] if toks.has(end + 1) else None
                if nxt is None or not nxt.cap or nxt.f in _HEAD_WORDS:
                    break
                end += 1
                continue
            if tok.cap or tok.acronym:
                branch = tok.f == "chi" and toks.has(end + 1) and toks[end + 1].f == "nhanh"
                if end > j and self._head_at(toks, end) is not None and not (branch and kind == "bank"):
                    break
                end += 1
                continue
            if tok.m == "làm" and toks[end - 1].f == "viec":
                end += 1  # "Dịch vụ việc làm"
                continue
            if tok.m in _STOP or tok.f not in _NAME_WORDS:
                break
            if lower_text and tok.m == tok.f and tok.f in _STOP_FOLDED and self._asks(toks, end + 1):
                break  # "ngan hang chinh sach xa hoi lam gi": "lam" is "làm", typed bare
            end += 1
        if end == j and kind in {"ban", "cuc", "centre", "office", "company", "media", "other"}:
            return None  # a bare "Ban", "Cục" is not a name
        if (
            kind == "ban"
            and not toks[j].cap
            and toks[j - 1].f == "ban"
            and not (lower_text and toks[j].m == toks[j].f and self.field_at(text, toks, j, "ban"))
        ):
            return None  # "ban hành", "ban, ngành"; but a question in lower case names "ban dan toc" so
        while end > j and toks[end - 1].f == "va":
            end -= 1
        end = self._location(text, toks, end) or end
        return self._make(text, toks, i, end, kind), end

    def _location(self, text: str, toks: Tokens, j: int) -> int | None:
        """If a location (``tỉnh``, ``huyện Văn Quan``, ``Việt Nam``) starts at token ``j``, its end index."""
        if not toks.has(j) or self._gap(text, toks[j - 1], toks[j]) not in {"space", "newline"}:
            return None
        tok = toks[j]
        if tok.f == "viet" and toks.has(j + 1) and toks[j + 1].f == "nam" and tok.cap:
            return j + 2
        if tok.f == "trung" and toks.has(j + 1) and toks[j + 1].f == "uong":
            return j + 2
        if tok.m != tok.f and tok.m not in _LOCATION_WORDS:
            return None  # "Quân sự" is not "quận"
        for loc in _LOCATION:
            parts = loc.split()
            if all(toks.has(j + n) and toks[j + n].f == p for n, p in enumerate(parts)):
                nxt = toks[j + 1] if toks.has(j + 1) else None
                if (
                    tok.f in {"tinh", "huyen"}
                    and nxt
                    and nxt.f == "uy"
                    and self._gap(text, tok, nxt) == "space"
                ):
                    return None  # "Tỉnh ủy", "Huyện ủy" are party bodies, not locations
                return self._proper_name(text, toks, j + len(parts))
        return None

    def _proper_name(self, text: str, toks: Tokens, j: int) -> int:
        end = j
        while toks.has(end) and end - j < 4:
            tok = toks[end]
            gap = self._gap(text, toks[end - 1], tok)
            if not tok.cap or gap not in {"space", "hyphen"} or tok.f in _HEAD_WORDS | {"chu", "phoi"}:
                break
            end += 1
        return end

    def _make(self, text: str, toks: Tokens, i: int, end: int, kind: str) -> Found:
        written = _clean(text[toks[i].start : toks[end - 1].end])
        return Found(toks[i].start, toks[end - 1].end, kind, expand_abbreviations(written))


def _fold_tail(text: str, pos: int) -> str:
    """Folded text after ``pos``, long enough for an administrative level."""
    return aligned_fold(text[pos : pos + 80])


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def expand_abbreviations(name: str) -> str:
    """``Chi nhánh Ngân hàng CSXH tỉnh`` → ``Chi nhánh Ngân hàng Chính sách xã hội tỉnh``."""

    def repl(m: re.Match[str]) -> str:
        word = m.group()
        # A capitalised word is a name ("Hà"), not an abbreviation; typed all in lower case ("nhcsxh"), it is
        # one when the lexicon says so (none of its abbreviations is a Vietnamese syllable).
        if not any(c.isupper() for c in word[1:]) and len(word) > 1 and not word.islower():
            return word
        return _ABBREVIATIONS.get(_abbr_key(word), word)

    return re.sub(r"[^\W_]+(?:&[^\W_]+)*", repl, name)


@lru_cache(maxsize=1)
def scanner() -> Scanner:
    """The shared scanner (lexicon loaded once)."""
    return Scanner()

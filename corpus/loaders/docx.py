"""Word ``.docx``: body paragraphs and tables in document order, automatic numbering written out.

The ZIP container is inspected before anything is decompressed (zip bombs), then python-docx opens the
package and we walk the body XML ourselves: python-docx's ``Paragraph.text`` misses text in tracked
insertions, content controls and text boxes, and ignores list numbering, which in Vietnamese
documents is often how "1.", "a)" or "II." headings are written.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from corpus.errors import CorruptDocumentError, IngestError, TooLargeError, UnsupportedFormatError
from corpus.loaders.base import LoadedFile, Loader
from corpus.loaders.text import join_row_cells

__all__ = ["DocxLoader"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MAIN_PART = "word/document.xml"

# Run content that is not visible text: deleted revisions, field codes, properties, notes references.
_SKIP = frozenset(
    {
        _W + "delText",
        _W + "instrText",
        _W + "delInstrText",
        _W + "del",
        _W + "moveFrom",
        _W + "rPr",
        _W + "pPr",
        _W + "footnoteReference",
        _W + "endnoteReference",
        _W + "commentReference",
        _MC + "Fallback",  # an older duplicate of the mc:Choice content next to it
    }
)
# Block containers whose children are paragraphs and tables in order.
_BLOCK_WRAPPERS = frozenset({_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo"})


def _describe_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class DocxLoader(Loader):
    """Reads Word documents with python-docx after checking the ZIP container.

    Args:
        max_uncompressed: total declared uncompressed size of all entries, in bytes.
        max_ratio: largest allowed compression ratio for any entry bigger than 1 MB.
        max_entries: most ZIP entries allowed.
    """

    extensions: tuple[str, ...] = (".docx",)
    format = "docx"
    content_kinds: frozenset[str | None] = frozenset({"docx", "zip"})

    def __init__(
        self, *, max_uncompressed: int = 200_000_000, max_ratio: float = 100.0, max_entries: int = 10_000
    ) -> None:
        self.max_uncompressed = max_uncompressed
        self.max_ratio = max_ratio
        self.max_entries = max_entries

    def load(self, path: Path, data: bytes) -> LoadedFile:
        """Extract the body text of ``data`` as one page."""
        names = self._check_container(path, data)
        try:
            document = docx.Document(BytesIO(data))
        except ValueError as exc:
            # python-docx refuses packages whose main part is not a Word document (.docm, .dotx, ...).
            message = str(exc)
            if "content type is" not in message:
                raise CorruptDocumentError(path, f"the Word document is damaged ({message[:160]})") from None
            content_type = message.split("content type is", 1)[1].strip(" '")
            raise UnsupportedFormatError(
                path,
                f"this is not a plain Word .docx document (its content type is '{content_type}'); save it as .docx",
            ) from None
        except Exception as exc:
            raise CorruptDocumentError(path, f"the Word document is damaged ({type(exc).__name__})") from None
        try:
            lines = _Walker(Numbering.from_document(document)).blocks(document.element.body)
        except IngestError:
            raise
        except RecursionError:
            raise CorruptDocumentError(path, "the document is nested too deeply to read") from None
        metadata = _core_properties(document) if "docProps/core.xml" in names else {}
        return LoadedFile(
            source=path.name,
            format=self.format,
            pages=["\n".join(lines)],
            content_hash=hashlib.sha256(data).hexdigest(),
            metadata=metadata,
        )

    def _check_container(self, path: Path, data: bytes) -> set[str]:
        """Refuse non-ZIP files and ZIP bombs using only the central directory (nothing is inflated)."""
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise CorruptDocumentError(path, f"the .docx is not a readable ZIP archive ({exc})") from None
        if len(infos) > self.max_entries:
            raise TooLargeError(path, f"the .docx holds {len(infos)} files; the limit is {self.max_entries}")
        # zipfile never inflates an entry past its declared size, so declared sizes bound the real work.
        total = sum(info.file_size for info in infos)
        if total > self.max_uncompressed:
            raise TooLargeError(
                path,
                f"the .docx unpacks to {_describe_size(total)}; the limit is "
                f"{_describe_size(self.max_uncompressed)} (possible zip bomb)",
            )
        for info in infos:
            if info.file_size > 1_000_000 and info.file_size > self.max_ratio * max(info.compress_size, 1):
                raise TooLargeError(
                    path,
                    f"'{info.filename}' inside the .docx is compressed more than {self.max_ratio:.0f}:1 "
                    "(possible zip bomb)",
                )
        names = {info.filename for info in infos}
        if _MAIN_PART not in names:
            raise UnsupportedFormatError(
                path, "this ZIP archive is not a Word document (no word/document.xml)"
            )
        return names


def _core_properties(document: Any) -> dict[str, str]:
    """Title, author, subject and dates from docProps/core.xml; broken values are skipped."""
    metadata: dict[str, str] = {}
    try:
        props = document.core_properties
        values = {
            "title": props.title,
            "author": props.author,
            "subject": props.subject,
            "keywords": props.keywords,
            "created": props.created.isoformat() if props.created else None,
            "modified": props.modified.isoformat() if props.modified else None,
        }
    except Exception:
        return metadata
    for key, value in values.items():
        if value and str(value).strip():
            metadata[key] = str(value).strip()[:1000]
    return metadata


class _Walker:
    """Turns body XML into lines: one per paragraph (or soft line break), table rows per join_row_cells."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering

    def blocks(self, container: Any) -> list[str]:
        lines: list[str] = []
        for child in container:
            tag = child.tag
            if tag == _W + "p":
                lines.extend(self.paragraph(child))
            elif tag == _W + "tbl":
                lines.extend(self.table(child))
            elif tag in _BLOCK_WRAPPERS:
                lines.extend(self.blocks(child))
        return lines

    def table(self, tbl: Any) -> list[str]:
        lines: list[str] = []
        for row in _children(tbl, _W + "tr"):
            cells = [self.blocks(cell) for cell in _children(row, _W + "tc")]
            lines.extend(join_row_cells(cells))
        return lines

    def paragraph(self, p: Any) -> list[str]:
        pieces: list[str] = []
        boxes: list[str] = []
        self._runs(p, pieces, boxes)
        text = "".join(pieces)
        # Word counts numbered paragraphs even when they are empty, so the counter always advances.
        label = self.numbering.label(p)
        lines = [line for line in text.split("\n") if line.strip()]
        if lines and label:
            lines[0] = label + lines[0].lstrip()
        return lines + boxes

    def _runs(self, element: Any, pieces: list[str], boxes: list[str]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                pieces.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                pieces.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                pieces.append("\n")
            elif tag == _W + "noBreakHyphen":
                pieces.append("-")
            elif tag == _W + "txbxContent":
                # A text box is its own block of paragraphs; put it after the paragraph anchoring it.
                boxes.extend(self.blocks(child))
            else:
                self._runs(child, pieces, boxes)


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Direct children with ``tag``, looking through content controls and revision wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _children(child, tag)


def _related_element(document: Any, reltype: str) -> Any | None:
    """The XML root of a part related to the main document, or None when the package lacks it."""
    try:
        return document.part.part_related_by(reltype).element
    except (KeyError, AttributeError, ValueError):
        return None


def _val(element: Any | None, child: str, default: str | None = None) -> str | None:
    """The ``w:val`` attribute of ``element``'s ``child`` (e.g. ``w:numId``), or ``default``."""
    if element is None:
        return default
    found = element.find(_W + child)
    if found is None:
        return default
    value = found.get(_W + "val")
    return default if value is None else value


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _roman(number: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for value, symbol in numerals:
        count, number = divmod(number, value)
        out.append(symbol * count)
    return "".join(out)


def _format_number(number: int, fmt: str) -> str:
    """Render a list counter the way Word does for the common ``w:numFmt`` values."""
    if fmt == "none":
        return ""
    if fmt in ("upperRoman", "lowerRoman") and 0 < number < 4000:
        roman = _roman(number)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter") and number > 0:
        # Word repeats the letter past z: 27 -> aa, 28 -> bb.
        letter = chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)


def _bullet(text: str) -> str:
    """Vietnamese documents use "-" and "+" as list markers; symbol-font glyphs map back to them."""
    glyph = text.strip()[:1]
    if glyph and 0xF020 <= ord(glyph) <= 0xF0FF:  # Symbol/Wingdings private-use range
        glyph = chr(ord(glyph) - 0xF000)
    return "+" if glyph == "+" else "-"


class _Level:
    __slots__ = ("fmt", "start", "suffix", "text")

    def __init__(self, lvl: Any) -> None:
        self.start = _int(_val(lvl, "start"), 1)
        self.fmt = _val(lvl, "numFmt", "decimal") or "decimal"
        self.text = _val(lvl, "lvlText", "") or ""
        self.suffix = "" if _val(lvl, "suff", "tab") == "nothing" else " "

    def restarted(self, start: int) -> _Level:
        """A copy of this level starting at ``start`` (a ``w:startOverride``)."""
        level = _Level(None)
        level.fmt, level.text, level.suffix, level.start = self.fmt, self.text, self.suffix, start
        return level


class Numbering:
    """Computes the visible labels ("1.", "a)", "II.", "-") of automatically numbered paragraphs."""

    def __init__(self, numbering: Any | None, styles: Any | None) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    @classmethod
    def from_document(cls, document: Any) -> Numbering:
        """Numbering and paragraph-style definitions of a python-docx document (either may be absent)."""
        return cls(_related_element(document, RT.NUMBERING), _related_element(document, RT.STYLES))

    def _read_numbering(self, root: Any) -> None:
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.iter(_W + "abstractNum"):
            levels = {_int(lvl.get(_W + "ilvl"), 0): _Level(lvl) for lvl in node.iter(_W + "lvl")}
            abstract[node.get(_W + "abstractNumId") or ""] = levels
        for num in root.iter(_W + "num"):
            levels = dict(abstract.get(_val(num, "abstractNumId", "") or "", {}))
            for override in num.iter(_W + "lvlOverride"):
                ilvl = _int(override.get(_W + "ilvl"), 0)
                lvl = override.find(_W + "lvl")
                if lvl is not None:
                    levels[ilvl] = _Level(lvl)
                start = _val(override, "startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = levels[ilvl].restarted(_int(start, 1))
            self.levels[num.get(_W + "numId") or ""] = levels

    def _read_styles(self, root: Any) -> None:
        for style in root.iter(_W + "style"):
            if style.get(_W + "type") != "paragraph":
                continue
            ppr = style.find(_W + "pPr")
            num_pr = ppr.find(_W + "numPr") if ppr is not None else None
            self.styles[style.get(_W + "styleId") or ""] = (
                _val(num_pr, "numId"),
                _val(num_pr, "ilvl"),
                _val(style, "basedOn"),
            )

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, str | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            num_id, ilvl, based_on = self.styles[style_id]
            if num_id is not None:
                return num_id, ilvl
            style_id = based_on
        return None, None

    def label(self, p: Any) -> str:
        """The label of paragraph ``p`` including its trailing space, advancing the counters; "" if none."""
        ppr = p.find(_W + "pPr")
        if ppr is None:
            return ""
        num_pr = ppr.find(_W + "numPr")
        num_id, ilvl_text = _val(num_pr, "numId"), _val(num_pr, "ilvl")
        if num_id is None:
            style_num, style_ilvl = self._style_numbering(_val(ppr, "pStyle"))
            num_id, ilvl_text = style_num, ilvl_text or style_ilvl
        levels = self.levels.get(num_id or "0")
        if not levels:
            return ""
        ilvl = min(max(_int(ilvl_text, 0), 0), 8)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(num_id or "", {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return _bullet(level.text) + " "
        text = level.text
        for k in range(9, 0, -1):
            if f"%{k}" in text:
                source = levels.get(k - 1)
                value = counters.get(k - 1, source.start if source else 1)
                text = text.replace(f"%{k}", _format_number(value, source.fmt if source else "decimal"))
        return text + level.suffix if text.strip() else ""

"""Plain text and Markdown: decoding UTF-8, UTF-16 and Windows-1258 safely, refusing anything else.

Also holds :func:`decode_text` (reused by the HTML loader) and :func:`join_row_cells`, the one rule for
turning a table row into lines that both the DOCX and HTML loaders follow.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from corpus.errors import EmptyDocumentError, EncodingError, UnsupportedFormatError
from corpus.loaders.base import LoadedFile, Loader

__all__ = ["MarkdownLoader", "TextLoader", "decode_text", "join_row_cells"]

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"
# Every letter of the Vietnamese alphabet that is not ASCII, precomposed (NFC), both cases.
_VIETNAMESE_LETTERS = (
    frozenset(
        unicodedata.normalize("NFC", vowel + tone)
        for base in _VOWELS
        for vowel in (base, base.upper())
        for tone in _TONES
    )
    - frozenset("aeiouyAEIOUY")
) | frozenset("đĐ")
# Typography that genuinely occurs in Vietnamese Windows-1258 documents. Deliberately excludes the
# characters (‡ ¡ º » ™ Ÿ …) that UTF-8 read as Windows-1258 turns into, so mojibake is caught.
_TYPOGRAPHY = frozenset("“”‘’–—•·₫°§×±€©\u00a0²³½¼¾")
# Tolerated share of characters that do not fit the decoding (stray symbols, a lone control).
_NOISE_RATIO = 0.01
# C0/C1 controls except tab, newlines, vertical tab and form feed; private use; non-characters; U+FFFD.
_NOISE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff\ufffd]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _noise_count(text: str) -> int:
    """Characters that should not occur in text: controls, private use, non-characters, U+FFFD."""
    return len(_NOISE.findall(text))


def _too_noisy(text: str) -> bool:
    return _noise_count(text) > _NOISE_RATIO * max(len(text), 1)


def _plausible_cp1258(text: str) -> bool:
    """True when Windows-1258 decoding produced Vietnamese rather than mojibake or binary junk.

    Vietnamese in Windows-1258 spells most toned vowels as a base letter plus a combining tone mark;
    after NFC every mark must have composed into a Vietnamese letter, and nearly every other
    non-ASCII character must be a Vietnamese letter or common typography.
    """
    composed = unicodedata.normalize("NFC", text)
    non_ascii = _NON_ASCII.findall(composed)
    if not non_ascii:
        return not _too_noisy(composed)
    bad = sum(1 for ch in non_ascii if ch not in _VIETNAMESE_LETTERS and ch not in _TYPOGRAPHY)
    return bad <= _NOISE_RATIO * len(non_ascii) and not _too_noisy(composed)


def _utf16_without_bom(data: bytes) -> str | None:
    """Detect UTF-16 without a byte order mark by where the zero bytes fall, then decode it."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    even_zeros, odd_zeros = data[0::2].count(0), data[1::2].count(0)
    # Latin and Vietnamese text in UTF-16 has a zero high byte for every ASCII character.
    if odd_zeros >= 0.3 * half and even_zeros <= 0.05 * half:
        encoding = "utf-16-le"
    elif even_zeros >= 0.3 * half and odd_zeros <= 0.05 * half:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if _too_noisy(text) else text


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Decode the bytes of a text file as UTF-8, UTF-16 or Windows-1258, whichever they really are.

    Returns:
        The decoded text (not yet normalized) and the name of the encoding used.

    Raises:
        EncodingError: the bytes are in no supported encoding (or decode to junk).
        UnsupportedFormatError: the bytes contain NUL bytes but are not UTF-16, i.e. binary data.
    """
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise EncodingError(path, "the text is UTF-32, which is not supported; save it as UTF-8")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    path,
                    f"the file starts with a {encoding.upper()} byte order mark but is not valid "
                    f"{encoding.upper()} (bad bytes at offset {exc.start}); save it again as UTF-8",
                ) from None
            if _too_noisy(text):
                raise EncodingError(
                    path, f"the text decodes as {encoding.upper()} but looks like binary data"
                )
            return text, encoding
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, "utf-16"
    if b"\x00" in data:
        raise UnsupportedFormatError(path, "the file contains NUL bytes: it is binary data, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        if _too_noisy(text):
            raise EncodingError(path, "the text is full of control characters: it looks like binary data")
        return text, "utf-8"
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        pass
    else:
        if _plausible_cp1258(text):
            return text, "cp1258"
    raise EncodingError(
        path,
        f"the text is not valid UTF-8 (bad byte 0x{data[first_bad]:02X} at offset {first_bad}) and is not "
        "UTF-16 or Windows-1258 Vietnamese either; save the file as UTF-8 and try again",
    )


def join_row_cells(cells: Sequence[Sequence[str]]) -> list[str]:
    """Lines for one table row, given the lines of each cell.

    A row of one-line cells becomes one line, cells joined by ``" | "`` (keeps "agency | task | deadline"
    together). When any cell holds several lines (a layout table wrapping whole sections), every line
    stays its own line so a numbered heading inside a cell still starts a line.
    """
    filled = [[line.strip() for line in cell if line.strip()] for cell in cells]
    filled = [cell for cell in filled if cell]
    if all(len(cell) == 1 for cell in filled):
        return [" | ".join(cell[0] for cell in filled)] if filled else []
    return [line for cell in filled for line in cell]


class TextLoader(Loader):
    """Plain text files (``.txt``): one page, decoded by :func:`decode_text`."""

    extensions: tuple[str, ...] = (".txt",)
    format = "txt"
    # Content sniffing (see registry): text must not look like any known binary format.
    content_kinds: frozenset[str | None] = frozenset({None})

    def load(self, path: Path, data: bytes) -> LoadedFile:
        """Decode ``data`` into a single page."""
        text, encoding = decode_text(path, data)
        if not text.strip():
            raise EmptyDocumentError(path, "the file contains only whitespace")
        return LoadedFile(
            source=path.name,
            format=self.format,
            pages=[text],
            content_hash=hashlib.sha256(data).hexdigest(),
            metadata={"encoding": encoding},
        )


class MarkdownLoader(TextLoader):
    """Markdown files (``.md``): read as text; the markup is left for the structure parser."""

    extensions = (".md",)
    format = "md"

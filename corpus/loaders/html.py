"""HTML pages: the main text only, one line per block (paragraph, list item, heading, table row, <br>).

Government portals wrap a document in site chrome (menus, breadcrumbs, "Ý kiến bạn đọc" comment boxes,
footers). We drop what is never content, prefer ``<article>``/``<main>``, otherwise the block holding most
paragraph text, and never drop an element that holds most of the remaining text (ASP.NET sites wrap
the whole page in one ``<form>``).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PageElement, PreformattedString

from corpus.errors import CorruptDocumentError, EmptyDocumentError, EncodingError, IngestError, TooLargeError
from corpus.loaders.base import LoadedFile, Loader
from corpus.loaders.text import decode_text, join_row_cells

__all__ = ["HtmlLoader"]

_NEVER_CONTENT = {
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
    "button", "select", "input", "textarea", "link", "meta", "head", "dialog",
}  # fmt: skip
_CHROME_TAGS = ["nav", "aside", "footer", "header", "form"]
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
# id/class words that mark navigation, sharing and comment widgets (Vietnamese portals included).
_CHROME_WORDS = re.compile(
    r"(?:^|[-_\s])(?:comments?|binh-?luan|y-?kien|share|sharing|social|breadcrumbs?|sidebar|related|"
    r"adverts?|advertisement|ads|quang-?cao|cookies?|menu|navbar|nav|popup|modal|footer|toolbar)(?:$|[-_\s])",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "ul",
    }
)  # fmt: skip
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# A container must hold at least this share of the page's text to be trusted as "the" content.
_MAIN_SHARE = 0.3
_BLOCK_SHARE = 0.5
# Parsing costs ~5 µs per element; real documents have a few thousand. The cap bounds hostile pages.
MAX_TAGS = 100_000


class HtmlLoader(Loader):
    """Reads ``.html``/``.htm`` files with BeautifulSoup and lxml."""

    extensions: tuple[str, ...] = (".html", ".htm")
    format = "html"
    content_kinds: frozenset[str | None] = frozenset({None})

    def load(self, path: Path, data: bytes) -> LoadedFile:
        """Extract the main text of the page as one page of lines."""
        if data.count(b"<") > MAX_TAGS:
            raise TooLargeError(
                path, f"the page has more than {MAX_TAGS:,} tags; save the document itself instead"
            )
        text = _decode(path, data)
        try:
            soup = BeautifulSoup(text, "lxml")
            metadata = _metadata(soup)
            lines = _main_lines(soup)
        except IngestError:
            raise
        except RecursionError:
            raise CorruptDocumentError(path, "the HTML is nested too deeply to read") from None
        if not lines:
            raise EmptyDocumentError(path, "the page contains no readable text")
        return LoadedFile(
            source=path.name,
            format=self.format,
            pages=["\n".join(lines)],
            content_hash=hashlib.sha256(data).hexdigest(),
            metadata=metadata,
        )


def _decode(path: Path, data: bytes) -> str:
    """Decode by byte order mark, then ``<meta charset>``, then UTF-8 / UTF-16 / Windows-1258 detection."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(path, data)[0]
    match = _META_CHARSET.search(data[:8192])
    if match:
        name = match.group(1).decode("ascii").lower()
        # Browsers read Latin-1 and ASCII declarations as Windows-1252 (WHATWG Encoding Standard).
        if name in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
            name = "cp1252"
        try:
            codec = codecs.lookup(name)
        except LookupError:
            codec = None
        # A UTF-16/32 declaration readable as ASCII bytes is wrong by construction; detect instead.
        if codec is not None and not codec.name.startswith(("utf-16", "utf-32")):
            text = data.decode(codec.name, errors="replace")
            if text.count("\ufffd") > 0.01 * len(text):
                raise EncodingError(path, f"the page declares charset '{name}' but is not valid {name}")
            return text
    return decode_text(path, data)[0]


def _metadata(soup: BeautifulSoup) -> dict[str, str]:
    metadata: dict[str, str] = {}
    title = soup.find("meta", attrs={"property": "og:title"})
    title_text = title.get("content") if isinstance(title, Tag) else None
    if not title_text and soup.title is not None:
        title_text = soup.title.get_text()
    if isinstance(title_text, str) and title_text.strip():
        metadata["title"] = _HTML_SPACE.sub(" ", title_text).strip()[:1000]
    author = soup.find("meta", attrs={"name": "author"})
    author_text = author.get("content") if isinstance(author, Tag) else None
    if isinstance(author_text, str) and author_text.strip():
        metadata["author"] = author_text.strip()[:1000]
    return metadata


def _main_lines(soup: BeautifulSoup) -> list[str]:
    # Collect first, then mutate: each bs4 find_all is a full traversal, and ``Tag.decomposed`` even
    # searches the subtree, so everything below works on lists made in single passes (hostile pages
    # nest tens of thousands of elements).
    junk: list[Tag] = []
    strays: list[PreformattedString] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            if node.name in _NEVER_CONTENT:
                junk.append(node)
        elif isinstance(node, PreformattedString):
            strays.append(node)  # comments, doctype, processing instructions
    for removed in [*strays, *junk]:
        removed.extract()  # extracting inside an already extracted subtree is harmless
    body = soup.body if soup.body is not None else soup
    tree = _Tree(body)
    container = _main_container(tree)
    if container is None:
        _drop_chrome(tree, body, keep_header=False)
        tree = _Tree(body)
        block = _largest_block(tree)
        use_block = block is not None and tree.text_len(block) >= _BLOCK_SHARE * tree.text_len(body)
        container = block if use_block and block is not None else body
    else:
        _drop_chrome(tree, container, keep_header=True)
    writer = _Writer()
    writer.render(container)
    writer.newline()
    return writer.lines


class _Tree:
    """The tags under ``root`` in document order, with text length and descendant count of each.

    Computed bottom-up in one pass, so choosing a container costs O(n) however deep the page nests.
    """

    def __init__(self, root: Tag) -> None:
        self.root = root
        nodes = list(root.descendants)
        self.tags = [node for node in nodes if isinstance(node, Tag)]
        self._index = {id(tag): i for i, tag in enumerate(self.tags)}
        self._length: dict[int, int] = defaultdict(int)
        self._size: dict[int, int] = defaultdict(int)
        for node in reversed(nodes):
            parent = id(node.parent)
            if isinstance(node, Tag):
                self._length[parent] += self._length[id(node)]
                self._size[parent] += self._size[id(node)] + 1
            elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
                self._length[parent] += sum(map(len, node.split()))

    def text_len(self, tag: Tag) -> int:
        """Characters of visible text under ``tag``, whitespace not counted."""
        return self._length[id(tag)]

    def descendants_of(self, tag: Tag) -> list[Tag]:
        """The tags under ``tag`` (which must be ``root`` or one of ``tags``) in document order."""
        if tag is self.root:
            return self.tags
        start = self._index[id(tag)] + 1
        return self.tags[start : start + self._size[id(tag)]]

    def size(self, tag: Tag) -> int:
        """Number of tags under ``tag``."""
        return self._size[id(tag)]


def _main_container(tree: _Tree) -> Tag | None:
    """The largest ``<article>``, ``<main>`` or ``role=main`` element, if it holds a fair share of the page."""
    body_len = max(tree.text_len(tree.root), 1)
    for found in (
        [tag for tag in tree.tags if tag.name == "article"],
        [tag for tag in tree.tags if tag.name == "main"],
        [tag for tag in tree.tags if tag.get("role") == "main"],
    ):
        if found:
            best = max(found, key=tree.text_len)
            if tree.text_len(best) >= _MAIN_SHARE * body_len:
                return best
    return None


def _is_chrome(tag: Tag) -> bool:
    if tag.name in _CHROME_TAGS or tag.get("role") in _CHROME_ROLES or tag.has_attr("hidden"):
        return True
    style = str(tag.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    classes: Any = tag.get("class") or []
    words = [str(tag.get("id") or ""), *(classes if isinstance(classes, list) else [str(classes)])]
    return any(_CHROME_WORDS.search(word) for word in words if word)


def _drop_chrome(tree: _Tree, container: Tag, *, keep_header: bool) -> None:
    """Extract navigation, sharing and comment widgets under ``container``."""
    total = tree.text_len(container)
    tags = tree.descendants_of(container)
    i = 0
    while i < len(tags):
        tag = tags[i]
        # Never drop what holds most of the text: a page-wide <form> or a wrapper with a "menu" class.
        if (
            _is_chrome(tag)
            and not (keep_header and tag.name == "header")
            and tree.text_len(tag) <= 0.5 * total
        ):
            tag.extract()
            i += tree.size(tag)  # its descendants went with it
        i += 1


def _largest_block(tree: _Tree) -> Tag | None:
    """The element whose paragraphs (and its children's, at half weight) hold the most text."""
    scores: dict[int, tuple[float, Tag]] = {}
    for p in tree.tags:
        if p.name not in ("p", "li"):
            continue
        length = tree.text_len(p)
        parent = p.parent
        for weight in (1.0, 0.5):
            if not isinstance(parent, Tag) or parent is tree.root:
                break
            score, _ = scores.get(id(parent), (0.0, parent))
            scores[id(parent)] = (score + weight * length, parent)
            parent = parent.parent
    if not scores:
        return None
    return max(scores.values(), key=lambda item: item[0])[1]


class _Writer:
    """Accumulates inline text and cuts it into lines at block boundaries."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buffer: list[str] = []

    def newline(self) -> None:
        line = _HTML_SPACE.sub(" ", "".join(self._buffer)).strip()
        self._buffer.clear()
        if line:
            self.lines.append(line)

    def render(self, root: Tag) -> None:
        """Write the text under ``root``; iterative, so page depth is not bounded by Python's stack."""
        # Stack items: an element to visit, or None meaning "a block closed here".
        stack: list[PageElement | None] = list(reversed(root.contents))
        while stack:
            node = stack.pop()
            if node is None:
                self.newline()
            elif isinstance(node, NavigableString):
                if not isinstance(node, PreformattedString):
                    self._buffer.append(str(node))
            elif isinstance(node, Tag):
                name = node.name
                if name == "br":
                    self.newline()
                elif name == "pre":
                    self.newline()
                    self.lines.extend(line.rstrip() for line in node.get_text().split("\n") if line.strip())
                elif name == "tr":
                    self.newline()
                    cells = [_cell_lines(cell) for cell in node.find_all(["td", "th"], recursive=False)]
                    self.lines.extend(join_row_cells(cells))
                elif name in _BLOCK_TAGS:
                    self.newline()
                    stack.append(None)
                    stack.extend(reversed(node.contents))
                else:
                    stack.extend(reversed(node.contents))


def _cell_lines(cell: Tag) -> list[str]:
    writer = _Writer()
    writer.render(cell)
    writer.newline()
    return writer.lines

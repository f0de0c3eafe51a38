"""Creates and loads lexical indexes by kind (like txtai ``ann/factory.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from index.errors import CorruptIndexError
from index.lexical.base import LexicalIndex
from index.lexical.bm25 import PARAMS_FILE, BM25Index, BM25Params

__all__ = ["DEFAULT_KIND", "create_lexical_index", "kinds", "load_lexical_index"]

DEFAULT_KIND = "bm25"
_KINDS: dict[str, type[LexicalIndex]] = {BM25Index.kind: BM25Index}


def kinds() -> list[str]:
    """Every available lexical index kind (the conformance tests run over all of them)."""
    return sorted(_KINDS)


def create_lexical_index(kind: str = DEFAULT_KIND, **params: Any) -> LexicalIndex:
    """A new, empty index of ``kind``; ``params`` override the measured defaults.

    Raises:
        ValueError: unknown kind or parameter.
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown lexical index kind {kind!r}; available: {', '.join(kinds())}")
    if kind == BM25Index.kind:
        defaults = vars(BM25Params())
        unknown = set(params) - set(defaults)
        if unknown:
            raise ValueError(f"unknown bm25 parameter(s): {', '.join(sorted(unknown))}")
        return BM25Index(BM25Params(**{**defaults, **params}))
    return _KINDS[kind]()


def load_lexical_index(kind: str | None, directory: Path) -> LexicalIndex:
    """Open the lexical index saved in ``directory``.

    Args:
        kind: The kind recorded in the manifest, or None to read it from the index's own params file.

    Raises:
        CorruptIndexError: missing or unreadable files, or an unknown kind.
    """
    path = directory / PARAMS_FILE
    if kind is None:
        try:
            kind = json.loads(path.read_text(encoding="utf-8")).get("kind")
        except FileNotFoundError as exc:
            raise CorruptIndexError(path, "missing") from exc
        except (OSError, ValueError, AttributeError) as exc:
            raise CorruptIndexError(path, f"unreadable ({exc})") from exc
    if kind not in _KINDS:
        raise CorruptIndexError(path, f"unknown lexical index kind {kind!r}")
    return _KINDS[kind].load(directory)

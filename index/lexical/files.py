"""The files of a lexical index: one field's CSC arrays as ``.npy`` and the JSON beside them, read back
with the checks that turn a truncated or mismatched file into :class:`~index.errors.CorruptIndexError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.errors import CorruptIndexError
from index.lexical.fields import Field

__all__ = ["read_array", "read_field", "read_json", "write_field"]


def write_field(directory: Path, name: str, fld: Field) -> None:
    """Write one field's four arrays (``<name>.indptr/rows/weights/cutoff.npy``)."""
    np.save(directory / f"{name}.indptr.npy", np.asarray(fld.indptr, dtype=np.int64))
    np.save(directory / f"{name}.rows.npy", np.asarray(fld.rows, dtype=np.int32))
    np.save(directory / f"{name}.weights.npy", np.asarray(fld.weights, dtype=np.float32))
    np.save(directory / f"{name}.cutoff.npy", np.asarray(fld.cutoff, dtype=np.float32))


def read_field(directory: Path, name: str, vocab: dict[str, int], avg_len: float, *, mmap: bool) -> Field:
    """One field's arrays, checked against each other and the vocabulary (postings memory-mapped)."""
    indptr = read_array(directory / f"{name}.indptr.npy", np.int64, mmap=False)
    rows = read_array(directory / f"{name}.rows.npy", np.int32, mmap=mmap)
    weights = read_array(directory / f"{name}.weights.npy", np.float32, mmap=mmap)
    cutoff = read_array(directory / f"{name}.cutoff.npy", np.float32, mmap=False)
    if indptr.shape != (len(vocab) + 1,) or int(indptr[0]) != 0 or int(indptr[-1]) != rows.size:
        raise CorruptIndexError(directory / f"{name}.indptr.npy", "does not match the vocabulary")
    if rows.shape != weights.shape:
        raise CorruptIndexError(directory / f"{name}.weights.npy", "does not match the rows array")
    if indptr.size > 1 and bool(np.any(np.diff(indptr) < 0)):
        raise CorruptIndexError(directory / f"{name}.indptr.npy", "offsets are not increasing")
    if cutoff.shape != (len(vocab),):
        raise CorruptIndexError(directory / f"{name}.cutoff.npy", "does not match the vocabulary")
    return Field(vocab, indptr, rows, weights, cutoff, avg_len)


def read_json(path: Path) -> Any:
    """Parsed JSON of ``path``.

    Raises:
        CorruptIndexError: missing or unreadable.
    """
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError as exc:
        raise CorruptIndexError(path, "missing") from exc
    except (OSError, ValueError) as exc:
        raise CorruptIndexError(path, f"unreadable JSON ({exc})") from exc


def read_array(path: Path, dtype: type[np.generic], *, mmap: bool) -> npt.NDArray[Any]:
    """A 1-d ``dtype`` array from ``path``, memory-mapped when ``mmap``.

    Raises:
        CorruptIndexError: missing, unreadable, or of another dtype or shape.
    """
    try:
        loaded = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except FileNotFoundError as exc:
        raise CorruptIndexError(path, "missing") from exc
    except (OSError, ValueError, EOFError) as exc:
        raise CorruptIndexError(path, f"unreadable array ({exc})") from exc
    if not isinstance(loaded, np.ndarray) or loaded.dtype != dtype or loaded.ndim != 1:
        raise CorruptIndexError(path, f"expected a 1-d {np.dtype(dtype).name} array")
    return np.asarray(loaded)  # a plain view over the memory map: slicing a memmap costs more

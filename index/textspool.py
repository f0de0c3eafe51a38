"""An append-only spool of texts on disk, read back as a sequence: builds stream 1M chunks in flat memory."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import overload

import numpy as np
import numpy.typing as npt

__all__ = ["TextSpool"]

_READ_BLOCK = 4096  # texts decoded per read when iterating


class TextSpool(Sequence[str]):
    """Texts written one by one to a file (UTF-8, back to back), then iterated or indexed like a list.

    Only the offsets stay in memory (8 bytes a text), so an index build holds the text of a million chunks
    on disk rather than in RAM. The file is scratch space: :meth:`remove` deletes it.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._writer = self.path.open("wb")
        self._ends: list[int] = []
        self._size = 0
        self._offsets: npt.NDArray[np.int64] | None = None

    def append(self, text: str) -> None:
        """Add one text (only before :meth:`finish`)."""
        data = text.encode("utf-8")
        self._writer.write(data)
        self._size += len(data)
        self._ends.append(self._size)

    def finish(self) -> TextSpool:
        """Close the writer; the spool becomes readable."""
        self._writer.close()
        self._offsets = np.concatenate([[0], np.asarray(self._ends, dtype=np.int64)])
        self._ends = []
        return self

    def _bounds(self) -> npt.NDArray[np.int64]:
        if self._offsets is None:
            raise RuntimeError("TextSpool.finish() must be called before reading")
        return self._offsets

    def __len__(self) -> int:
        return len(self._ends) if self._offsets is None else int(self._offsets.size - 1)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        self._bounds()
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return self._read(start, stop) if start < stop else []
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(f"text {index} out of range (spool of {len(self)})")
        return self._read(position, position + 1)[0]

    def _read(self, start: int, stop: int) -> list[str]:
        bounds = self._bounds()
        with self.path.open("rb") as handle:
            handle.seek(int(bounds[start]))
            data = handle.read(int(bounds[stop] - bounds[start]))
        cuts = (bounds[start : stop + 1] - bounds[start]).tolist()
        return [data[a:b].decode("utf-8") for a, b in pairwise(cuts)]

    def __iter__(self) -> Iterator[str]:
        total = len(self)
        for start in range(0, total, _READ_BLOCK):
            yield from self._read(start, min(start + _READ_BLOCK, total))

    def remove(self) -> None:
        """Delete the spool file."""
        if not self._writer.closed:
            self._writer.close()
        self.path.unlink(missing_ok=True)

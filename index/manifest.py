"""Index manifests and the versioned directory layout.

An index root holds ``versions/<version>/`` directories and a ``CURRENT`` file naming the live one.
A build writes ``versions/.tmp-<version>/``, renames it into place, then replaces ``CURRENT``
atomically (write + fsync + ``os.replace``). A build killed at any moment therefore leaves the
previous version live and intact; leftovers are removed by the next build.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from index.errors import CorruptIndexError, IncompatibleIndexError, IndexNotFoundError

FORMAT_NAME = "tracuu-index"
FORMAT_VERSION = 2  # 2: heading titles (index.headings)
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
VERSIONS = "versions"
TMP_PREFIX = ".tmp-"
KEEP_VERSIONS = 2


def new_version_name() -> str:
    """A sortable, unique version name."""
    now = datetime.now(UTC)
    return now.strftime("v%Y%m%dT%H%M%S") + f"{now.microsecond:06d}-{os.getpid()}"


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose output the index depends on."""
    found = {"python": platform.python_version()}
    for name in ("tracuu", "numpy", "scipy", "faiss-cpu", "pyvi", "sentence-transformers", "torch"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that readers see either the old or the new file, never a partial one."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def fsync_tree(directory: Path) -> None:
    """Flush every file of a freshly written version directory to disk."""
    for path in directory.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(directory)


def current_version_dir(root: Path) -> Path:
    """The live version directory of an index root."""
    pointer = root / CURRENT
    if not pointer.is_file():
        raise IndexNotFoundError(root)
    name = pointer.read_text(encoding="utf-8").strip()
    if not name or "/" in name or name.startswith("."):
        raise CorruptIndexError(pointer, "the CURRENT pointer is damaged")
    directory = root / VERSIONS / name
    if not directory.is_dir():
        raise CorruptIndexError(directory, "the live index version is missing")
    return directory


def has_index(root: Path) -> bool:
    """True when ``root`` has a live version."""
    try:
        current_version_dir(root)
    except (IndexNotFoundError, CorruptIndexError):
        return False
    return True


def read_manifest(directory: Path) -> dict[str, Any]:
    """Read and check a version's manifest."""
    path = directory / MANIFEST
    if not path.is_file():
        raise CorruptIndexError(path, "manifest.json is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptIndexError(path, f"manifest.json is unreadable ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise IncompatibleIndexError(path, "not a tracuu index manifest")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise IncompatibleIndexError(
            path, f"index format version {version} is newer than this tracuu supports ({FORMAT_VERSION})"
        )
    if version < FORMAT_VERSION:
        raise IncompatibleIndexError(
            path, f"index format version {version} is too old ({FORMAT_VERSION} needed)"
        )
    return data


def publish(root: Path, tmp_dir: Path, version: str) -> Path:
    """Move a complete temporary version into place and make it live atomically."""
    fsync_tree(tmp_dir)
    final = root / VERSIONS / version
    os.replace(tmp_dir, final)
    _fsync_dir(final.parent)
    pointer_tmp = root / f"{CURRENT}.{os.getpid()}.tmp"
    with pointer_tmp.open("w", encoding="utf-8") as handle:
        handle.write(version + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer_tmp, root / CURRENT)
    _fsync_dir(root)
    return final


def prepare_tmp_dir(root: Path, version: str) -> Path:
    """Create the directory a build writes into, clearing leftovers of killed builds."""
    versions = root / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    for leftover in versions.glob(TMP_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for stray in root.glob(f"{CURRENT}.*.tmp"):
        stray.unlink(missing_ok=True)
    tmp = versions / f"{TMP_PREFIX}{version}"
    tmp.mkdir()
    return tmp


def prune_versions(root: Path, keep: int = KEEP_VERSIONS) -> None:
    """Delete all but the newest ``keep`` versions (the live one is always kept).

    A version younger than a minute is kept too: a server may still be opening it.
    """
    live = root / CURRENT
    live_name = live.read_text(encoding="utf-8").strip() if live.is_file() else ""
    versions = sorted(
        (p for p in (root / VERSIONS).iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )
    now = time.time()
    for old in versions[:-keep]:
        if old.name != live_name and now - old.stat().st_mtime > 60:
            shutil.rmtree(old, ignore_errors=True)

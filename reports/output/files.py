"""Where memos go and how files are written: whole or not at all, same bytes every time."""

from __future__ import annotations

import errno
import functools
import hashlib
import io
import logging
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from reports.errors import OutputError

log = logging.getLogger(__name__)

# Zip entries (docx, xlsx) get this fixed time so rebuilding gives the same bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# An unfinished ``.*.part`` file this old (seconds) was left by a killed writer.
STALE_PART_SECONDS = 3600


def published_folder(root: Path, markings, level: str) -> Path:
    """Where memos of ``level`` are published under ``root``: ``root`` itself for a desk
    with one level; else one folder per level (``root/unclassified``, ...), each holding
    only the memos of that level, with its own index, so that each may be put where that
    level may be read. ``markings``: the desk's :class:`reports.tradecraft.Markings`."""
    if len(markings.levels) <= 1:
        return Path(root)
    return Path(root) / level_folder(level)


def level_folder(level: str) -> str:
    """A marking level as a folder name: ``CONFIDENTIAL // REL JPN`` -> ``confidential-rel-jpn``."""
    return re.sub(r"[^a-z0-9]+", "-", level.lower()).strip("-") or "level"


def memo_path(out_dir: Path, memo_id: str, as_of: str, ext: str) -> Path:
    """``<out>/<memo-id>/<as-of>/<memo-id>_<as-of>.<ext>`` as cli.md specifies."""
    return Path(out_dir) / memo_id / as_of / f"{memo_id}_{as_of}.{ext}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


PACKAGE = Path(__file__).resolve().parents[1]  # reports/, every folder of it


@functools.cache
def code_fingerprint() -> str:
    """The toolkit's own code as one hash: every ``.py`` file of the package, by its path
    inside it. What a build or a cached chart depends on besides its inputs; a changed
    line anywhere in the package makes new charts and rebuilds a due memo."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(f"{path.relative_to(PACKAGE).as_posix()}\0".encode())
        digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it into place.

    A crash at any point leaves either the old file or the new one, never half of one.
    Disk full or a read-only folder raises :class:`OutputError` naming the path.
    """
    return write_all({Path(path): data})[0]


def write_all(files: dict[Path, bytes]) -> list[Path]:
    """Write several files as one: every one is written and synced under a temporary name
    first, and only when all of them are complete are they renamed into place.

    A failure while writing (disk full, a folder not writable) leaves every old file as
    it was and no temporary file behind, and raises :class:`OutputError` naming the path.
    Renames within a folder do not fail in practice; if one did, the files renamed before
    it would be new and the rest old (each file still whole).
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((Path(path), _stage(Path(path), data)))
        for path, tmp in staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise OutputError(_explain(path, exc)) from exc
    except BaseException:
        for _, tmp in staged:
            _remove_quietly(tmp)
        raise
    for folder in dict.fromkeys(path.parent for path, _ in staged):
        _fsync_dir(folder)
    return [path for path, _ in staged]


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a synced temporary file beside ``path``; its name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(_explain(path, exc)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        _remove_quietly(Path(tmp))
        raise OutputError(_explain(path, exc)) from exc
    except BaseException:
        _remove_quietly(Path(tmp))
        raise
    return Path(tmp)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip (docx, xlsx) with fixed entry times and attributes, entries in order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3
            target.writestr(fixed, source.read(info.filename), compresslevel=6)
    return buffer.getvalue()


def clean_stale_parts(folder: Path, *, older_than: float | None = None) -> int:
    """Remove ``.*.part`` files (left by a killed writer) under ``folder``; how many.

    With ``older_than`` (seconds) only those untouched that long: younger ones may belong
    to another process writing at this moment.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    removed = 0
    limit = time.time() - older_than if older_than is not None else None
    for part in folder.rglob(".*.part"):
        try:
            if limit is None or part.stat().st_mtime < limit:
                part.unlink()
                removed += 1
                log.info("removed %s, left by a run that was stopped midway", part)
        except OSError:
            pass
    return removed


def keep_under(folder: Path, max_bytes: int, kept: tuple[str, ...],
               leftover: Callable[[str], bool]) -> None:
    """Keep a cache folder under ``max_bytes``: when the files whose names end in ``kept``
    total more, the least recently touched go until they total three quarters of it; the
    files ``leftover`` names (a killed writer's temporary files) go once they are
    ``STALE_PART_SECONDS`` old (a younger one may be a writer at work). Raises OSError."""
    entries, total, stale = [], 0, time.time() - STALE_PART_SECONDS
    with os.scandir(folder) as found:
        for entry in found:
            stat = entry.stat()
            if leftover(entry.name):
                if stat.st_mtime < stale:
                    Path(entry.path).unlink(missing_ok=True)
            elif entry.name.endswith(kept):
                entries.append((stat.st_mtime_ns, entry.name, stat.st_size))
                total += stat.st_size
    if total <= max_bytes:
        return
    for _, name, size in sorted(entries):
        (Path(folder) / name).unlink(missing_ok=True)
        total -= size
        if total <= max_bytes * 3 // 4:
            break


def _explain(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"could not write {path}: the disk is full; free some space and run again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"could not write {path}: the folder is not writable; choose another "
                "folder with --out or fix its permissions")
    return f"could not write {path}: {exc.strerror or exc}"


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

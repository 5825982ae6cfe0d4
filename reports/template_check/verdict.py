"""A passing template check kept on disk, so that unchanged templates are not parsed again.

``build`` and ``run`` check every template they use before anything is rendered
(:func:`reports.template_check.check.check_templates`); reading every tag costs about as
much as the rest of a small build, though templates seldom change. So a check that
passed leaves a mark under ``[paths] cache``/``templates``, named by the SHA-256 of all
that the verdict depends on:

- every file of the templates folder (its path inside the folder and its bytes, found
  again each time: a file added, removed or changed in one byte makes another name);
- the formats checked (they decide which templates are checked);
- the toolkit's code (``reports.output.files.code_fingerprint``) and the versions of
  the libraries the check reads templates with.

A mark found means the same check of the same bytes passed before: it is not run again.
Only a pass is ever kept, and only when the folder hashes the same after the check as
before it (a template saved meanwhile leaves no mark); a check that finds a problem
keeps nothing and runs in full every time, naming every problem. A folder that cannot be
read or written costs only the saving: the check runs as if there were no cache (said
once in the log).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

MARK = b"template check passed\n"
KEEP = 64  # marks kept (the least recently used beyond that are removed)
_warned: set[str] = set()


def verdict_key(folder: Path, formats: Iterable[str], libraries: dict[str, str]
                ) -> tuple[str, dict[Path, os.stat_result]] | None:
    """The name of the mark for checking ``folder`` for ``formats``, and each file's
    status taken just before its bytes were read; None if a file cannot be read."""
    from reports.output.files import code_fingerprint

    folder = Path(folder)
    digest = hashlib.sha256(f"template check 1\0code {code_fingerprint()}\0".encode())
    for name, version in sorted(libraries.items()):
        digest.update(f"{name} {version}\0".encode())
    digest.update(f"formats {','.join(sorted(set(formats)))}\0".encode())
    stats: dict[Path, os.stat_result] = {}
    try:
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        for path in files:
            stats[path] = path.stat()  # before reading: a later change changes the time
            data = path.read_bytes()
            digest.update(f"file {path.relative_to(folder).as_posix()}\0".encode())
            digest.update(hashlib.sha256(data).digest())
    except OSError as exc:
        log.debug("template check: %s cannot be read whole (%s); checking in full", folder, exc)
        return None
    return digest.hexdigest(), stats


def passed(cache: Path, key: str) -> bool:
    """Whether a check with this key passed before (its mark is in ``cache``)."""
    path = Path(cache) / f"{key}.ok"
    try:
        if path.read_bytes() != MARK:
            return False
    except OSError:
        return False
    try:
        os.utime(path)  # recently used: kept
    except OSError:
        pass
    return True


def record_pass(cache: Path, key: str) -> None:
    """Keep the mark of a check that passed (written whole, or not at all)."""
    cache = Path(cache)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=cache)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(MARK)
            os.replace(tmp, cache / f"{key}.ok")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(cache)
    except OSError as exc:
        if str(cache) not in _warned:
            _warned.add(str(cache))
            log.warning("template check: cannot keep its result in %s (%s); the templates "
                        "are checked in full on every build", cache, exc)


def _prune(cache: Path) -> None:
    marks = []
    for path in cache.glob("*.ok"):
        try:
            marks.append((path.stat().st_mtime_ns, path))
        except OSError:  # removed meanwhile by another build
            pass
    for _, old in sorted(marks, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)

"""What the site reads of the run record about editions and drafts: a short-lived
connection per request (the site's threads never share one), and each edition's files
read from the archive by the record's paths and checked against the hashes recorded when
they were built. No path from a request ever reaches the disk."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from reports.config.load import Config
from reports.schedule.record import RunRecord
from reports.schedule.record.builds import BuildRecord

T = TypeVar("T")

MEDIA = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def reading(config: Config, what: Callable[[RunRecord], T]) -> T:
    """``what(record)`` on the run record (an empty one when there is none yet)."""
    with RunRecord.open(config.run_record_path, create=False) as record:
        return what(record)


def archived_file(build: BuildRecord, fmt: str) -> bytes | None:
    """One of ``build``'s files as archived; None when it is not there or not as built."""
    path = build.files.get(fmt)
    if path is None or fmt not in MEDIA:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == build.hashes.get(fmt) else None

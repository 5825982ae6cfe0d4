"""Where an edition's files go. An edition is a memo as of one day; it is written whole
(its files and its ``.memo.json`` manifest together, see :func:`files.write_all`) into one
of three places:

- the **published folder** (``Config.published``: the output folder, or its folder for
  the memo's level): what the intranet shows, the latest issued revision of each edition,
  and hand builds of days that were never issued;
- the **archive** (``[paths] archive``): every revision issued to readers, exactly as it
  was sent, in ``<archive>/<memo-id>/<as-of>/r<revision>/``, never written again. The run
  record names these files; mail attachments and ``send`` read them from there;
- **drafts**, ``<archive>/<memo-id>/<as-of>/draft/``: a hand build of a day that was
  already issued (``build --force``), which never touches the issued files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from reports.output.files import memo_path, write_all
from reports.output.manifest import MANIFEST, manifest_bytes

log = logging.getLogger(__name__)

DRAFT = "draft"


def edition_folder(root: Path, memo_id: str, as_of: str) -> Path:
    """``<root>/<memo-id>/<as-of>``: where an edition's files lie under ``root``."""
    return memo_path(root, memo_id, as_of, "x").parent


def archived_folder(archive: Path, memo_id: str, as_of: str, revision: int) -> Path:
    """Where revision ``revision`` of an edition is kept as it was issued."""
    return edition_folder(archive, memo_id, as_of) / f"r{revision}"


def draft_folder(archive: Path, memo_id: str, as_of: str) -> Path:
    return edition_folder(archive, memo_id, as_of) / DRAFT


def write_edition(folder: Path, memo, as_of: str, files: dict[str, bytes],
                  mail: dict) -> dict[str, Path]:
    """Write an edition's ``files`` (format -> bytes) and its manifest into ``folder``,
    all or nothing; format -> path. ``memo``: its :class:`reports.config.load.MemoConfig`."""
    name = memo_path(folder, memo.id, as_of, "x").stem
    paths = {fmt: folder / f"{name}.{fmt}" for fmt in ("docx", "html", "pdf") if fmt in files}
    out = {paths[fmt]: files[fmt] for fmt in paths}
    out[folder / MANIFEST] = manifest_bytes(memo, as_of, paths, mail)
    write_all(out)
    return paths

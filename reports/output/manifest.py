"""What is written beside each memo's files (``.memo.json``) and the index built from them.

The manifest says which memo and edition the folder holds, its files, and what the mail
needs from the memo, so ``send`` can mail files made by ``build`` without rebuilding:

    {"memo_id": "issue-trade-talks", "kind": "issue", "title": "Issue brief",
     "as_of": "2019-11-25", "files": {"docx": "issue-trade-talks_2019-11-25.docx", ...},
     "edition_label": "Issue brief: Trade talks, 25 November 2019",
     "marking": "UNCLASSIFIED", "summary": {"bottom_line": [...], "changes": [...]}}

``output/index.html`` lists every manifest under the output folder, grouped by memo (the
latest edition first), each edition by its label, under the highest marking among them.
Each edition's HTML page links to the index, its Word file and the previous edition
(:func:`page_links`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reports.config.load import MemoConfig
from reports.output.files import atomic_write, memo_path
from reports.text import short_date

log = logging.getLogger(__name__)

MANIFEST = ".memo.json"  # beside each memo's files


def manifest_path(out_dir: Path, memo_id: str, as_of: str) -> Path:
    return memo_path(out_dir, memo_id, as_of, "x").parent / MANIFEST


def mail_info(context: Mapping[str, Any]) -> dict[str, Any]:
    """What a message about the memo needs from its context: the edition's label (the
    mail subject and index title), its banner marking and the banner's short form, and
    its summary (key judgments, what changed and the day that counts from)."""
    memo = context["memo"]
    summary = memo.get("summary") or {}
    return {
        "edition_label": memo.get("edition_label") or f"{memo['subject']}, {memo['date']}",
        "marking": memo.get("marking") or "",
        "short_marking": memo.get("short_marking") or "",
        "summary": {"bottom_line": list(summary.get("bottom_line") or []),
                    "changes": list(summary.get("changes") or []),
                    "since": str(summary.get("since") or "")},
    }


def page_links(out_dir: Path, memo_id: str, as_of: str, formats: Iterable[str],
               previous_as_of: str | None = None) -> dict[str, str]:
    """Where an edition's HTML page links, relative to it: the published folder's index,
    the edition's own .docx (when built) and the previous edition's page in the same
    published folder (the issued edition ``previous_as_of`` when its page is there, else
    the latest earlier one), with its day as ``previous_label``. Every edition in one
    published folder is of one level, so no link leads above the memo's."""
    links = {"index": "../../index.html"}
    if "docx" in formats:
        links["docx"] = memo_path(Path("."), memo_id, as_of, "docx").name
    folder = Path(out_dir) / memo_id
    earlier = sorted((p.name for p in folder.glob("*") if p.is_dir()
                      and re.fullmatch(r"\d{4}-\d\d-\d\d", p.name) and p.name < as_of
                      and memo_path(Path(out_dir), memo_id, p.name, "html").is_file()),
                     reverse=True) if folder.is_dir() else []
    day = previous_as_of if previous_as_of in earlier else (earlier[0] if earlier else None)
    if day:
        links["previous"] = f"../{day}/{memo_path(Path('.'), memo_id, day, 'html').name}"
        links["previous_label"] = short_date(day)
    return links


def manifest_bytes(memo: MemoConfig, as_of: str, files: dict[str, Path],
                   mail: dict[str, Any]) -> bytes:
    manifest = {"memo_id": memo.id, "kind": memo.kind, "title": memo.title, "as_of": as_of,
                "files": {fmt: p.name for fmt, p in sorted(files.items())}, **mail}
    return json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")


def read_manifest(out_dir: Path, memo_id: str, as_of: str) -> dict[str, Any] | None:
    """The manifest of an edition in ``out_dir``; None if there is none or it is unreadable."""
    path = manifest_path(out_dir, memo_id, as_of)
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def write_index(out_dir: Path, templates: Path, markings: Any) -> Path:
    """``<out>/index.html``: every memo ever built into ``out_dir``, grouped by memo, the
    latest edition first.

    Each entry: ``memo_id``, ``kind``, ``title`` (the edition label, e.g. "Issue brief:
    Trade talks, 25 November 2019"), ``memo_title`` (the memo's configured title),
    ``as_of``, ``marking`` (the memo's banner) and ``files`` (format -> relative path).
    The page's banner is the highest marking among the entries (``markings``: the
    desk's :class:`reports.tradecraft.Markings`).
    """
    from reports.render.html import render_index

    entries: list[dict[str, Any]] = []
    ranks: list[int] = []
    for manifest in sorted(Path(out_dir).glob(f"*/*/{MANIFEST}")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        rel = manifest.parent.relative_to(out_dir)
        data["files"] = {fmt: f"{rel.as_posix()}/{name}" for fmt, name in data["files"].items()
                         if (manifest.parent / name).exists()}
        data["memo_title"] = data.get("title", "")
        data["title"] = data.get("edition_label") or data["memo_title"]
        data["marking"] = data.get("marking") or markings.default
        rank = markings.rank(data["marking"])
        if rank is None:  # made under another marking scheme: treat it as the highest
            log.warning("%s: marking %r is not a configured level; the index is marked %s",
                        manifest, data["marking"], markings.levels[-1])
            rank = len(markings.levels) - 1
        ranks.append(rank)
        entries.append(data)
    return atomic_write(Path(out_dir) / "index.html",
                        render_index(entries, templates,
                                     marking=markings.banner(ranks)).encode("utf-8"))

"""What is written beside each memo's files (``.memo.json``) and the index built from them.

The manifest says which memo and edition the folder holds, its files, and what the mail
needs from the memo, so ``send`` can mail files made by ``build`` without rebuilding:

    {"memo_id": "issue-trade-talks", "kind": "issue", "title": "Issue brief",
     "as_of": "2019-11-25", "files": {"docx": "issue-trade-talks_2019-11-25.docx", ...},
     "edition_label": "Issue brief: Trade talks, 25 November 2019",
     "marking": "UNCLASSIFIED", "summary": {"bottom_line": [...], "changes": [...]}}

``output/index.html`` lists every manifest under the output folder, newest first, each by
its edition label, under the highest marking among them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from reports.config.load import MemoConfig
from reports.output.files import atomic_write, memo_path

log = logging.getLogger(__name__)

MANIFEST = ".memo.json"  # beside each memo's files


def manifest_path(out_dir: Path, memo_id: str, as_of: str) -> Path:
    return memo_path(out_dir, memo_id, as_of, "x").parent / MANIFEST


def mail_info(context: dict) -> dict:
    """What a message about the memo needs from its context: the edition's label (the
    mail subject and index title), its banner marking, and its summary."""
    memo = context["memo"]
    summary = memo.get("summary") or {}
    return {
        "edition_label": memo.get("edition_label") or f"{memo['subject']}, {memo['date']}",
        "marking": memo.get("marking") or "",
        "summary": {"bottom_line": list(summary.get("bottom_line") or []),
                    "changes": list(summary.get("changes") or [])},
    }


def manifest_bytes(memo: MemoConfig, as_of: str, files: dict[str, Path], mail: dict) -> bytes:
    manifest = {"memo_id": memo.id, "kind": memo.kind, "title": memo.title, "as_of": as_of,
                "files": {fmt: p.name for fmt, p in sorted(files.items())}, **mail}
    return json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")


def read_manifest(out_dir: Path, memo_id: str, as_of: str) -> dict | None:
    """The manifest of an edition in ``out_dir``; None if there is none or it is unreadable."""
    path = manifest_path(out_dir, memo_id, as_of)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_index(out_dir: Path, templates: Path, markings) -> Path:
    """``<out>/index.html``: every memo ever built into ``out_dir``, newest first.

    Each entry: ``memo_id``, ``kind``, ``title`` (the edition label, e.g. "Issue brief:
    Trade talks, 25 November 2019"), ``memo_title`` (the memo's configured title),
    ``as_of``, ``marking`` (the memo's banner) and ``files`` (format -> relative path).
    The page's banner is the highest marking among the entries (``markings``: the
    desk's :class:`reports.tradecraft.Markings`).
    """
    from reports.render.html import render_index

    entries, ranks = [], []
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

"""The text tables the command line prints: validation problems and the run record.

One table layout for both: columns padded to their widest cell, the last column (the
message) left free.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reports.schedule.record.store import parse_iso
from reports.text import local_time

if TYPE_CHECKING:
    from reports.schedule.record import RunRecord


WIDTH = 100  # what ``history`` fits by default: a terminal of 100 columns


def table(header: tuple[str, ...], rows: list[tuple[str, ...]],
          width: int | None = None) -> list[str]:
    """Columns padded to their widest cell; the last one left free, or with ``width`` cut
    (ending "…") so that each line fits."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [c.ljust(widths[i]) for i, c in enumerate(row[:-1])]
        last = row[-1]
        if width is not None:
            room = max(width - sum(widths) - 2 * len(widths), 12)
            last = last if len(last) <= room else last[:room - 1] + "…"
        lines.append("  ".join([*cells, last]).rstrip())
    return lines


def problems(found: list) -> list[str]:
    """``validate``'s listing: severity, where (sheet!cell (column)), code, message."""
    if not found:
        return []
    return table(("SEVERITY", "WHERE", "CODE", "MESSAGE"),
                 [(p.severity, p.where, p.code, p.message) for p in found])


def history(record: RunRecord, memo_id: str | None = None, limit: int = 50, *,
            zone: str | None = None, wide: bool = False) -> str:
    """The most recent ``limit`` builds, deliveries and notices (of ``memo_id``), times in
    the desk's ``zone``; each line fits 100 columns unless ``wide`` (every column, whole)."""
    builds = record.builds(memo_id, limit)
    deliveries = record.deliveries(memo_id, limit=limit)
    notices = [] if memo_id else record.notices(limit)
    place = record.path or record.missing
    what = f' of "{memo_id}"' if memo_id else ""
    if not builds and not deliveries and not notices:
        return f"no builds or deliveries{what} recorded yet in {place}"
    width = None if wide else WIDTH
    out = [f"Builds{what}, newest first (times in {zone or 'UTC'})", f"Run record: "
           f"{_fit(str(place), WIDTH - 12) if not wide else place}"]
    if wide:
        out += table(("#", "MEMO", "AS OF", "REV", "FIRE TIME", "OUTCOME", "STARTED", "SECS",
                      "FILES / ERROR"),
                     [(str(b.id), b.memo_id, b.as_of.isoformat(), _s(b.revision),
                       local_time(b.fire_time, zone), b.outcome, local_time(b.started, zone),
                       _seconds(b.started, b.finished), _build_note(b)) for b in builds])
    else:
        out += table(("#", "EDITION", "OUTCOME", "STARTED", "SECS", "FILES / ERROR"),
                     [(str(b.id), _edition(b), b.outcome, _short(b.started, zone),
                       _seconds(b.started, b.finished), _build_note(b)) for b in builds],
                     width)
    if not builds:
        out.append("none")
    out += ["", f"Deliveries{what}, newest first"]
    if wide:
        out += table(("#", "MEMO", "AS OF", "REV", "CHANNEL", "RECIPIENT", "TRIES", "OUTCOME",
                      "UPDATED", "MESSAGE ID / ERROR"),
                     [(str(d.id), d.memo_id, d.as_of.isoformat(), str(d.revision), d.channel,
                       d.recipient, str(d.attempts), d.outcome, local_time(d.updated, zone),
                       _delivery_note(d, zone)) for d in deliveries])
    else:
        out += table(("#", "EDITION", "TO", "TRIES", "OUTCOME", "UPDATED", "NOTE"),
                     [(str(d.id), _edition(d), _fit(d.target, 28), str(d.attempts),
                       d.outcome, _short(d.updated, zone), _delivery_note(d, zone))
                      for d in deliveries], width)
    if not deliveries:
        out.append("none")
    clearances = record.clearances(memo_id, limit)
    if clearances:
        out += ["", f"Clearance{what}: drafts approved or returned, newest first"]
        out += table(("#", "EDITION", "DECISION", "BY", "VIA", "AT", "NOTE"),
                     [(str(c.id), _edition(c), c.action, c.by, c.via,
                       local_time(c.at, zone) if wide else _short(c.at, zone), c.note or "")
                      for c in clearances], width)
    if notices:
        out += ["", "Notices to editors and the operator, newest first"]
        out += table(("#", "NOTICE", "TO", "TRIES", "OUTCOME", "UPDATED", "SUBJECT / ERROR"),
                     [(str(n.id), n.kind, n.recipient if wide else _fit(n.recipient, 24),
                       str(n.attempts), n.outcome,
                       local_time(n.updated, zone) if wide else _short(n.updated, zone),
                       n.error if n.error and n.outcome != "sent" else n.subject)
                      for n in notices], width)
    return "\n".join(out)


def _edition(row) -> str:
    """``weekly 2019-11-25 r1``: a build's or delivery's memo, as-of day and revision."""
    revision = f" r{row.revision}" if row.revision else ""
    return f"{row.memo_id} {row.as_of.isoformat()}{revision}"


def _short(moment: str | None, zone: str | None) -> str:
    """``11-25 07:00``: the zone is named in the listing's first line."""
    return local_time(moment, zone)[5:16]


def _fit(text: str, room: int) -> str:
    return text if len(text) <= room else "\u2026" + text[-(room - 1):]


def history_json(record: RunRecord, memo_id: str | None = None, limit: int = 50) -> str:
    """The same as :func:`history`, every field, as JSON (times ISO 8601 in UTC)."""
    def plain(item: object) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in asdict(item).items()  # type: ignore[call-overload]
                if k not in ("snapshot_json", "attachment")}

    return json.dumps({"builds": [plain(b) for b in record.builds(memo_id, limit)],
                       "deliveries": [plain(d) for d in record.deliveries(memo_id,
                                                                          limit=limit)],
                       "notices": [] if memo_id else [plain(n) for n in
                                                      record.notices(limit)],
                       "clearances": [plain(c) for c in record.clearances(memo_id, limit)]},
                      ensure_ascii=False, indent=1)


def _build_note(b) -> str:
    if b.outcome in ("failed", "interrupted"):
        return _s(b.error)
    files = ", ".join(Path(p).name for p in b.files.values()) or _s(b.error)
    return f"draft, not issued: {files}" if b.clear_by and b.issued is None else files


def _delivery_note(d, zone: str | None) -> str:
    if d.outcome == "acknowledged":
        note = f": {d.ack_note}" if d.ack_note else ""
        return (f"acknowledged by {d.acked_by} at {local_time(d.acked_at, zone)}{note} "
                f"(was: {d.error})")
    return d.error if d.error and d.outcome != "sent" else d.message_id


def _s(value) -> str:
    return "" if value is None else str(value)


def _seconds(started: str, finished: str | None) -> str:
    if not finished:
        return ""
    return str(int((parse_iso(finished) - parse_iso(started)).total_seconds()))

"""The text tables the command line prints: validation problems and the run record.

One table layout for both: columns padded to their widest cell, the last column (the
message) left free.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reports.schedule.record.store import parse_iso

if TYPE_CHECKING:
    from reports.schedule.record import RunRecord


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [c.ljust(widths[i]) for i, c in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return lines


def problems(found: list) -> list[str]:
    """``validate``'s listing: severity, where (sheet!cell (column)), code, message."""
    if not found:
        return []
    return table(("SEVERITY", "WHERE", "CODE", "MESSAGE"),
                 [(p.severity, p.where, p.code, p.message) for p in found])


def history(ledger: RunRecord, memo_id: str | None = None, limit: int = 50) -> str:
    """The most recent ``limit`` builds, deliveries and notices (of ``memo_id``)."""
    builds = ledger.builds(memo_id, limit)
    deliveries = ledger.deliveries(memo_id, limit=limit)
    notices = [] if memo_id else ledger.notices(limit)
    place = ledger.path or ledger.missing
    what = f' of "{memo_id}"' if memo_id else ""
    if not builds and not deliveries and not notices:
        return f"no builds or deliveries{what} recorded yet in {place}"
    out = [f"Builds{what} (newest first) in {place}"]
    out += table(("#", "MEMO", "AS OF", "REV", "FIRE TIME", "OUTCOME", "STARTED", "SECONDS",
                  "FILES / ERROR"),
                 [(str(b.id), b.memo_id, b.as_of.isoformat(), _s(b.revision), _s(b.fire_time),
                   b.outcome, b.started, _seconds(b.started, b.finished),
                   b.error if b.outcome in ("failed", "interrupted") else
                   ", ".join(Path(p).name for p in b.files.values()) or _s(b.error))
                  for b in builds]) if builds else ["none"]
    out += ["", f"Deliveries{what} (newest first)"]
    out += table(("#", "MEMO", "AS OF", "REV", "CHANNEL", "RECIPIENT", "TRIES", "OUTCOME",
                  "UPDATED", "MESSAGE ID / ERROR"),
                 [(str(d.id), d.memo_id, d.as_of.isoformat(), str(d.revision), d.channel,
                   d.recipient, str(d.attempts), d.outcome, d.updated, _delivery_note(d))
                  for d in deliveries]) if deliveries else ["none"]
    if notices:
        out += ["", "Notices to editors and the operator (newest first)"]
        out += table(("#", "NOTICE", "TO", "TRIES", "OUTCOME", "UPDATED", "SUBJECT / ERROR"),
                     [(str(n.id), n.kind, n.recipient, str(n.attempts), n.outcome, n.updated,
                       n.error if n.error and n.outcome != "sent" else n.subject)
                      for n in notices])
    return "\n".join(out)


def _delivery_note(d) -> str:
    if d.outcome == "acknowledged":
        note = f": {d.ack_note}" if d.ack_note else ""
        return f"acknowledged by {d.acked_by} at {d.acked_at}{note} (was: {d.error})"
    return d.error if d.error and d.outcome != "sent" else d.message_id


def _s(value) -> str:
    return "" if value is None else str(value)


def _seconds(started: str, finished: str | None) -> str:
    if not finished:
        return ""
    return str(int((parse_iso(finished) - parse_iso(started)).total_seconds()))

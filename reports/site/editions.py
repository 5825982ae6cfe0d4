"""Issued editions on the site, for every user whose level allows the memo.

- ``/editions/{memo}``: the memo's issued editions, newest first, each with its revisions
  (newest first): when it was issued and who approved it, its archived files, and what
  changed since the edition before it (its own mail summary, made from the memo's cut of
  the workbook);
- ``/editions/{memo}/{as-of}/r{N}.{fmt}``: an issued revision's archived file, exactly as
  it was sent (the HTML shown sandboxed).

Drafts never appear here. A memo above the user's level, and an edition that was never
issued, answer exactly as a memo or an edition that does not exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from reports.schedule.record import RunRecord
from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.clearances import APPROVED, Clearance
from reports.site import access
from reports.site.clearance import file_response
from reports.site.core import Site
from reports.site.pages import _no_memo, memo_for
from reports.site.record import MEDIA, archived_file, reading
from reports.site.users import Session


@dataclass
class Revision:
    build: BuildRecord
    approval: Clearance | None

    @property
    def changes(self) -> list[str]:
        summary = (self.build.mail or {}).get("summary") or {}
        return list(summary.get("changes") or []) if isinstance(summary, dict) else []

    @property
    def formats(self) -> list[str]:
        return [fmt for fmt in ("html", "docx", "pdf") if fmt in self.build.files]


@dataclass
class EditionView:
    as_of: date
    label: str
    revisions: list[Revision] = field(default_factory=list)


def _editions(record: RunRecord, memo_id: str) -> list[EditionView]:
    found: dict[date, EditionView] = {}
    for build in record.issued_builds(memo_id):
        assert build.revision is not None
        mail: dict[str, Any] = build.mail or {}
        view = found.setdefault(build.as_of, EditionView(
            build.as_of, str(mail.get("edition_label") or build.title or memo_id)))
        decision = record.clearance(memo_id, build.as_of, build.revision)
        view.revisions.append(Revision(build, decision if decision is not None
                                       and decision.action == APPROVED else None))
    return list(found.values())


async def editions(site: Site, request: Request, session: Session) -> Response:
    memo = memo_for(site, session, request.path_params["memo_id"])
    if memo is None:
        return _no_memo(site, request, session)
    found = await anyio.to_thread.run_sync(reading, site.config,
                                           lambda r: _editions(r, memo.id))
    markings = site.config.markings
    ranks = [markings.rank((r.build.mail or {}).get("marking")) or 0
             for e in found for r in e.revisions]
    return site.render(request, "editions.html", session, title=f"Editions: {memo.title}",
                       memo=memo, editions=found,
                       banner=markings.banner(ranks) if found else "")


def _no_edition(site: Site, request: Request, session: Session) -> Response:
    """The one answer for an edition that does not exist and one the user may not read."""
    params = request.path_params
    shown = {k: json.dumps(str(params.get(k, "")), ensure_ascii=False)[1:-1][:80]
             for k in ("memo_id", "as_of", "revision", "fmt")}
    return site.not_found(request, session, f'There is no issued edition of "{shown["memo_id"]}"'
                          f' as of "{shown["as_of"]}", revision {shown["revision"]} '
                          f'({shown["fmt"]}).')


async def edition_file(site: Site, request: Request, session: Session) -> Response:
    memo = memo_for(site, session, request.path_params["memo_id"])
    fmt = request.path_params["fmt"]
    try:
        day = date.fromisoformat(request.path_params["as_of"])
    except ValueError:
        day = None
    if memo is None or day is None or fmt not in MEDIA:
        return _no_edition(site, request, session)
    revision = request.path_params["revision"]

    def issued(record: RunRecord) -> BuildRecord | None:
        return next((b for b in record.issued_builds(memo.id)
                     if b.as_of == day and b.revision == revision), None)

    build = await anyio.to_thread.run_sync(reading, site.config, issued)
    data = archived_file(build, fmt) if build is not None else None
    if data is None:
        return _no_edition(site, request, session)
    return file_response(data, fmt, f"{memo.id}_{day.isoformat()}_r{revision}.{fmt}")


# (path, methods, part, handler, is a page)
ROUTES = [
    ("/editions/{memo_id}", ["GET"], access.EDITIONS, editions, True),
    ("/editions/{memo_id}/{as_of}/r{revision:int}.{fmt}", ["GET"], access.EDITIONS,
     edition_file, True),
]

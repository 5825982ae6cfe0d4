"""Clearance on the site: the drafts waiting, a draft's page, approve and return.

- ``/drafts``: "Waiting for clearance": the drafts the user may read (the memos naming
  them as a clearer, or every memo for an admin; each at or below their level);
- ``/drafts/{memo}/{as-of}``: the draft as archived (its HTML in a sandboxed frame, its
  files to download), what changed since the last issued edition (the draft's own mail
  summary), its deadline or the decision made on it, and, for its clearers, the approve
  and return forms (a CSRF token and the revision shown: a draft superseded meanwhile is
  refused);
- ``/drafts/{memo}/{as-of}/r{N}.{fmt}``: the draft's archived files.

A draft of a memo above the user's level, of a memo that does not name them (unless
they are an admin), or of a memo or day that does not exist, answers alike: 404 with the
same body. All text comes from the memo's own record row (its label, banner and mail
summary, made from its own cut of the workbook) and the decisions recorded on it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from reports.config.load import MemoConfig
from reports.errors import ReportsError, WorkbookInvalid
from reports.schedule.record import RunRecord
from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.clearances import Clearance
from reports.site import access, security
from reports.site.core import Site
from reports.site.pages import memos_for
from reports.site.record import MEDIA, archived_file, reading
from reports.site.users import Session

log = logging.getLogger(__name__)

MAX_NOTE = 4000  # characters of a comment kept


@dataclass
class DraftView:
    """What a draft's page shows."""

    memo: MemoConfig
    draft: BuildRecord
    decision: Clearance | None
    previous: BuildRecord | None  # the last edition issued before this one
    issued: BuildRecord | None  # an earlier revision of this edition, issued
    sent: int  # deliveries of this revision sent (after approval)

    @property
    def mail(self) -> dict[str, Any]:
        return self.draft.mail or {}

    @property
    def summary(self) -> dict[str, Any]:
        summary = self.mail.get("summary") or {}
        return summary if isinstance(summary, dict) else {}


def _rank(site: Site, memo: MemoConfig) -> int:
    return site.config.markings.rank(memo.marking) or 0


def readable(site: Site, session: Session) -> list[MemoConfig]:
    """The memos whose drafts the user may read."""
    return [m for m in memos_for(site, session) if m.clearers
            and access.sees_draft(session.user, _rank(site, m), m.clearers)]


def _memo(site: Site, session: Session, memo_id: str) -> MemoConfig | None:
    return next((m for m in readable(site, session) if m.id == memo_id), None)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _no_draft(site: Site, request: Request, session: Session) -> Response:
    """The one answer for a draft that does not exist and one the user may not read."""
    memo_id = json.dumps(request.path_params.get("memo_id", ""), ensure_ascii=False)[1:-1][:80]
    day = json.dumps(request.path_params.get("as_of", ""), ensure_ascii=False)[1:-1][:40]
    return site.not_found(request, session, f'There is no draft of "{memo_id}" as of '
                          f'"{day}".')


async def waiting(site: Site, request: Request, session: Session) -> Response:
    memos = {m.id: m for m in readable(site, session)}
    drafts = await anyio.to_thread.run_sync(reading, site.config, lambda r: r.waiting())
    shown = [d for d in drafts if d.memo_id in memos]
    ranks = [_rank(site, memos[d.memo_id]) for d in shown]
    return site.render(request, "drafts.html", session, title="Waiting for clearance",
                       drafts=shown, memos=memos,
                       banner=site.config.markings.banner(ranks) if shown else "")


def _view(record: RunRecord, memo: MemoConfig, day: date) -> DraftView | None:
    draft = record.draft(memo.id, day)
    if draft is None or draft.revision is None:
        return None
    issued = record.issued_revision(memo.id, day)
    sent = [d for d in record.deliveries(memo.id, day, draft.revision) if d.outcome == "sent"]
    return DraftView(memo, draft, record.clearance(memo.id, day, draft.revision),
                     record.previous_edition(memo.id, day),
                     issued if issued is not None and issued.id != draft.id else None,
                     len(sent))


async def draft_page(site: Site, request: Request, session: Session, *, error: str = "",
                     status: int = 200) -> Response:
    memo = _memo(site, session, request.path_params["memo_id"])
    day = _day(request.path_params["as_of"])
    if memo is None or day is None:
        return _no_draft(site, request, session)
    view = await anyio.to_thread.run_sync(reading, site.config,
                                          lambda r: _view(r, memo, day))
    if view is None:
        return _no_draft(site, request, session)
    user = session.user
    label = view.mail.get("edition_label") or memo.title
    return site.render(
        request, "draft.html", session, status, title=f"Draft: {label}", view=view,
        memo=memo, day=day, error=error,
        may_clear=access.may_clear(user, _rank(site, memo), memo.clearers),
        banner=view.mail.get("marking") or memo.marking)


async def draft_file(site: Site, request: Request, session: Session) -> Response:
    memo = _memo(site, session, request.path_params["memo_id"])
    day = _day(request.path_params["as_of"])
    fmt = request.path_params["fmt"]
    if memo is None or day is None or fmt not in MEDIA:
        return _no_draft(site, request, session)
    revision = request.path_params["revision"]
    build = await anyio.to_thread.run_sync(
        reading, site.config, lambda r: r.draft_revision(memo.id, day, revision))
    data = archived_file(build, fmt) if build is not None else None
    if data is None:
        return _no_draft(site, request, session)
    return file_response(data, fmt, f"{memo.id}_{day.isoformat()}_r{revision}_draft.{fmt}")


def file_response(data: bytes, fmt: str, name: str) -> Response:
    """An archived file: HTML shown sandboxed (no script), the others downloaded."""
    if fmt == "html":
        return Response(data, media_type=MEDIA[fmt], headers={
            "content-security-policy": security.MEMO_CSP, "x-frame-options": "SAMEORIGIN"})
    return Response(data, media_type=MEDIA[fmt],
                    headers={"content-disposition": f'attachment; filename="{name}"'})


async def approve_post(site: Site, request: Request, session: Session) -> Response:
    return await decide(site, request, session, "approve")


async def return_post(site: Site, request: Request, session: Session) -> Response:
    return await decide(site, request, session, "return")


async def decide(site: Site, request: Request, session: Session, action: str) -> Response:
    """``POST /drafts/{memo}/{as-of}/approve`` or ``/return``."""
    memo = _memo(site, session, request.path_params["memo_id"])
    day = _day(request.path_params["as_of"])
    if memo is None or day is None:
        return _no_draft(site, request, session)
    user = session.user
    if not access.may_clear(user, _rank(site, memo), memo.clearers):
        return site.render(request, "error.html", session, 403, title="Not a clearer of this "
                           "memo", message="Only the clearers this memo names in the config "
                           "may approve or return its drafts; you may read them.")
    form = await request.form()
    note = " ".join(str(form.get("note") or "").split())[:MAX_NOTE]
    try:
        revision = int(str(form.get("revision") or ""))
    except ValueError:
        return await draft_page(site, request, session, error="The form did not say which "
                                "revision it decides; reload the page and try again.",
                                status=400)
    if action == "return" and not note:
        return await draft_page(site, request, session, error="Say what the editors should "
                                "correct: the comment is required to return a draft.",
                                status=400)
    from reports.schedule.clearance import approve, return_draft

    try:
        if action == "approve":
            await anyio.to_thread.run_sync(lambda: approve(
                site.config, memo.id, day, by=user.name, via="site", note=note or None,
                revision=revision))
        else:
            await anyio.to_thread.run_sync(lambda: return_draft(
                site.config, memo.id, day, by=user.name, via="site", note=note,
                revision=revision))
    except WorkbookInvalid as exc:  # the Distribution sheet: who would receive it
        log.warning("%s could not %s %s as of %s: %s", user.name, action, memo.id, day, exc)
        return await draft_page(site, request, session, status=409, error=(
            "The workbook's Distribution sheet has errors (the Workbook page and `validate` "
            "list them), so who receives this memo is not known: nothing was approved or "
            "sent. Once they are fixed, approve it again."))
    except ReportsError as exc:
        log.warning("%s could not %s %s as of %s: %s", user.name, action, memo.id, day, exc)
        return await draft_page(site, request, session, error=str(exc), status=409)
    log.info("%s %s %s as of %s (revision %d) on the site", user.name,
             "approved" if action == "approve" else "returned", memo.id, day, revision)
    return RedirectResponse(f"/drafts/{memo.id}/{day.isoformat()}", status_code=303)


# (path, methods, part, handler, is a page)
ROUTES = [
    ("/drafts", ["GET"], access.CLEAR, waiting, True),
    ("/drafts/{memo_id}/{as_of}", ["GET"], access.CLEAR, draft_page, True),
    ("/drafts/{memo_id}/{as_of}/r{revision:int}.{fmt}", ["GET"], access.CLEAR, draft_file,
     True),
    ("/drafts/{memo_id}/{as_of}/approve", ["POST"], access.CLEAR, approve_post, True),
    ("/drafts/{memo_id}/{as_of}/return", ["POST"], access.CLEAR, return_post, True),
]

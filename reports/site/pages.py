"""The site's pages, each for the roles :data:`reports.site.access.GRANTS` names.

- ``/``: the memos the user is cleared for (and what else they may open);
- ``/workbook``: the workbook's problems as ``validate`` reports them, updated by itself
  (``/workbook/events``, server-sent events; ``/workbook/problems`` for a page without
  them), with the annotated copy (``/workbook/annotated.xlsx``);
- ``/memos/{id}``: a memo's preview (``preview.html`` in a sandboxed frame,
  ``preview.docx`` to download), as of a day (``?as_of=``, default today);
- ``/users``: the users, their roles and levels (administrators).

A memo above the user's level answers exactly as a memo that does not exist.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from reports.config.load import MemoConfig
from reports.site import access, security
from reports.site.annotated import annotated_copy
from reports.site.core import SESSION_COOKIE, Site
from reports.site.preview import PreviewError, today
from reports.site.problems import listing
from reports.site.users import Session

KEEPALIVE_SECONDS = 15.0


def memos_for(site: Site, session: Session) -> list[MemoConfig]:
    markings = site.config.markings
    return [m for m in site.config.memos
            if session.user.sees(markings.rank(m.marking) or 0)]


def memo_for(site: Site, session: Session, memo_id: str) -> MemoConfig | None:
    """The memo ``memo_id`` if it exists and the user is cleared for it, else None."""
    return next((m for m in memos_for(site, session) if m.id == memo_id), None)


async def home(site: Site, request: Request, session: Session) -> Response:
    return site.render(request, "home.html", session, title="Briefing memos",
                       memos=memos_for(site, session))


async def workbook(site: Site, request: Request, session: Session) -> Response:
    return site.render(request, "workbook.html", session, title="Workbook problems",
                       **_problems(site, session))


def _problems(site: Site, session: Session) -> dict:
    saved = site.live.saved
    return {"version": site.live.version,
            "listing": listing(saved, session.user, site.config) if saved else None}


async def problems(site: Site, request: Request, session: Session) -> Response:
    return site.render(request, "problems.html", session, **_problems(site, session))


async def events(site: Site, request: Request, session: Session) -> Response:
    """Server-sent events: the problems fragment each time the workbook is read again."""
    token = request.cookies.get(SESSION_COOKIE)
    live = site.live

    async def stream():
        seen = -1
        try:
            while not live.stopping:
                current, _ = await anyio.to_thread.run_sync(site.current, request)
                if current is None or current.user != session.user or \
                        not current.user.may(access.PROBLEMS):
                    yield "event: signed-out\ndata: \n\n"
                    return
                if live.version != seen:
                    seen = live.version
                    html = site.pages.get_template("problems.html").render(
                        user=current.user, markings=site.config.markings,
                        **_problems(site, current))
                    data = "\n".join(f"data: {line}" for line in html.splitlines())
                    yield f"event: problems\nid: {seen}\n{data}\n\n"
                else:
                    yield ": still here\n\n"
                await live.changed(seen, KEEPALIVE_SECONDS)
        except asyncio.CancelledError:
            return

    del token
    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})


async def annotated(site: Site, request: Request, session: Session) -> Response:
    saved = site.live.saved
    copy = None
    if saved is not None:
        copy = await anyio.to_thread.run_sync(annotated_copy, saved, session.user.rank,
                                              site.config)
    if copy is None:
        return site.not_found(request, session, "There is no annotated copy: the workbook "
                              "could not be read (its problem says why).")
    stem = saved.path.stem if copy.whole else f"{saved.path.stem}-cut"
    return Response(copy.data, media_type="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={
                        "content-disposition": f'attachment; filename="{_safe(stem)}'
                                               '-problems.xlsx"'})


def _safe(stem: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)[:80] or "workbook"


def _as_of(site: Site, request: Request) -> date | None:
    text = request.query_params.get("as_of")
    if not text:
        return today(site.config)
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


async def memo(site: Site, request: Request, session: Session) -> Response:
    found = memo_for(site, session, request.path_params["memo_id"])
    if found is None:
        return _no_memo(site, request, session)
    as_of = _as_of(site, request)
    error, banner = "", None
    if as_of is None:
        error, as_of = "That is not a date; give it as YYYY-MM-DD.", today(site.config)
    else:
        try:
            context = await anyio.to_thread.run_sync(
                site.previews.context, site.live.saved, found, as_of)
            banner = context["memo"].get("marking")
        except PreviewError as exc:
            error = str(exc)
    return site.render(request, "memo.html", session, title=f"Preview: {found.title}",
                       memo=found, as_of=as_of, error=error, banner=banner)


async def memo_file(site: Site, request: Request, session: Session) -> Response:
    found = memo_for(site, session, request.path_params["memo_id"])
    as_of = _as_of(site, request)
    fmt = request.path_params["fmt"]
    if found is None or fmt not in ("html", "docx"):
        return _no_memo(site, request, session)
    if as_of is None:
        return site.render(request, "error.html", session, 400, title="Not a date",
                           message="Give the day as YYYY-MM-DD.")
    try:
        data = await anyio.to_thread.run_sync(site.previews.rendered, site.live.saved,
                                              found, as_of, fmt)
    except PreviewError as exc:
        return site.render(request, "error.html", session, 409, title="No preview",
                           message=str(exc))
    if fmt == "html":
        return Response(data, media_type="text/html; charset=utf-8", headers={
            "content-security-policy": security.MEMO_CSP, "x-frame-options": "SAMEORIGIN"})
    name = f"{found.id}_{as_of.isoformat()}_preview.docx"
    return Response(data, media_type="application/vnd.openxmlformats-officedocument."
                    "wordprocessingml.document",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def _no_memo(site: Site, request: Request, session: Session) -> Response:
    """The one answer for a memo that does not exist and one above the user's level."""
    shown = json.dumps(request.path_params.get("memo_id", ""), ensure_ascii=False)[1:-1][:80]
    return site.not_found(request, session, f'There is no memo "{shown}".')


async def users(site: Site, request: Request, session: Session) -> Response:
    everyone = await anyio.to_thread.run_sync(site.users.all)
    return site.render(request, "users.html", session, title="Users", users=everyone,
                       roles=access.ROLE_HELP)


# (path, methods, part, handler, is a page: else answered 401 when not signed in)
ROUTES = [
    ("/", ["GET"], access.MEMOS, home, True),
    ("/workbook", ["GET"], access.PROBLEMS, workbook, True),
    ("/workbook/problems", ["GET"], access.PROBLEMS, problems, False),
    ("/workbook/events", ["GET"], access.PROBLEMS, events, False),
    ("/workbook/annotated.xlsx", ["GET"], access.ANNOTATED, annotated, True),
    ("/memos/{memo_id}", ["GET"], access.PREVIEW, memo, True),
    ("/memos/{memo_id}/preview.{fmt}", ["GET"], access.PREVIEW, memo_file, True),
    ("/users", ["GET"], access.USERS, users, True),
]

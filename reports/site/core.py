"""What every page shares: the :class:`Site` (config, users, live workbook, previews,
templates), the signed-in user of a request, and :func:`guarded`.

Every route is listed with the part of the site it belongs to
(:data:`reports.site.access.GRANTS`); :func:`guarded` wraps each handler so that it runs
only for a signed-in user whose role may use that part, with their level checked
against the desk's markings, on every request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from reports.config.load import Config
from reports.site import access, security
from reports.site.preview import Previews
from reports.site.users import PROXY, Session, Users
from reports.site.watcher import Live

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "reports_session"
SIGNIN_COOKIE = "reports_signin"
STATIC = {  # name -> (file, media type); nothing else is served from disk
    "site.css": (HERE / "static" / "site.css", "text/css"),
    "live.js": (HERE / "static" / "live.js", "text/javascript"),
}


@dataclass
class Site:
    """What the handlers share: the config, the users, the live workbook, the previews."""

    config: Config
    users: Users
    live: Live
    previews: Previews
    pages: jinja2.Environment

    @property
    def settings(self):
        return self.config.site

    def render(self, request: Request, template: str, session: Session | None = None,
               status: int = 200, **values: Any) -> Response:
        html = self.pages.get_template(template).render(
            request=request, session=session, user=session.user if session else None,
            access=access, desk=self.config.desk, markings=self.config.markings, **values)
        return Response(html, status_code=status, media_type="text/html; charset=utf-8")

    def not_found(self, request: Request, session: Session | None, what: str) -> Response:
        return self.render(request, "error.html", session, 404, title="Not found",
                           message=what)

    def set_session_cookie(self, request: Request, response: Response, token: str) -> None:
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                            secure=security.is_https(request, self.settings),
                            max_age=int(self.settings.session_hours * 3600))

    def current(self, request: Request) -> tuple[Session | None, str | None]:
        """The signed-in user's session (and a new cookie token for a proxy sign-in)."""
        settings = self.settings
        token = request.cookies.get(SESSION_COOKIE)
        session = self.users.session(token)
        name = security.proxy_user(request, settings)
        if name is None:
            return session, None
        if session is not None and session.user.name == name:
            return session, None
        user = self.users.get(name)
        if user is None:
            log.warning("the proxy signed in %r, who has no account here", name)
            return None, None
        token = self.users.start_session(user, settings.session_hours, via=PROXY)
        return self.users.session(token), token


Handler = Callable[[Site, Request, Session], Awaitable[Response]]


def guarded(site: Site, part: str, handler: Handler, *, page: bool = True):
    """``handler`` for signed-in users whose role may use ``part``; level checked too."""

    async def endpoint(request: Request) -> Response:
        import anyio.to_thread

        session, new_token = await anyio.to_thread.run_sync(site.current, request)
        if session is None:
            if not page:
                return PlainTextResponse("Sign in first.", status_code=401)
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            from urllib.parse import quote

            return RedirectResponse(f"/signin?next={quote(target, safe='/')}", status_code=303)
        user = session.user
        if user.rank < 0:
            return site.render(request, "error.html", session, 403, title="Level unknown",
                               message=f'Your handling level "{user.level}" is not one of '
                               "the desk's levels; ask an administrator to set it.")
        if not user.may(part):
            return site.render(request, "error.html", session, 403, title="Not for your role",
                               message=f"Your role ({user.role}) does not include this page.")
        if request.method == "POST":
            form = await request.form()
            if not (security.same_origin(request, site.settings)
                    and security.same_token(form.get("csrf"), session.csrf)):
                return site.render(request, "error.html", session, 403, title="Refused",
                                   message="This form was not sent from this site's page, or "
                                   "the page was too old; go back, reload it and try again.")
        response = await handler(site, request, session)
        if new_token:
            site.set_session_cookie(request, response, new_token)
        return response

    return endpoint



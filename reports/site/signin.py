"""Signing in and out.

The sign-in form carries a token that is also set in a short-lived cookie (both must
match: a page of another site cannot post a sign-in). A name that failed too often
lately is refused before its password is looked at (see :mod:`reports.site.users`);
every failure gets the same answer, whether the name exists or not. With
``[site] password_sign_in = false`` only the proxy's header signs anyone in.
"""

from __future__ import annotations

import logging
import secrets

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from reports.site import access, security
from reports.site.core import SESSION_COOKIE, SIGNIN_COOKIE, Site
from reports.site.users import Session

log = logging.getLogger(__name__)

WRONG = "That name and password do not match an account."


def _site(request: Request) -> Site:
    return request.app.state.site


async def form(request: Request) -> Response:
    site = _site(request)
    session, _ = await anyio.to_thread.run_sync(site.current, request)
    target = security.safe_next(request.query_params.get("next"))
    if session is not None:
        return RedirectResponse(target, status_code=303)
    return _form(site, request, target)


def _form(site: Site, request: Request, target: str, status: int = 200, error: str = "",
          name: str = "") -> Response:
    token = secrets.token_urlsafe(32)
    response = site.render(request, "signin.html", None, status, title="Sign in",
                           csrf=token, next=target, error=error, name=name,
                           password_sign_in=site.settings.password_sign_in)
    response.set_cookie(SIGNIN_COOKIE, token, httponly=True, samesite="strict",
                        secure=security.is_https(request, site.settings), max_age=3600)
    return response


async def submit(request: Request) -> Response:
    site = _site(request)
    settings = site.settings
    form_data = await request.form()
    target = security.safe_next(str(form_data.get("next") or ""))
    if not (security.same_origin(request, settings) and security.same_token(
            form_data.get("csrf"), request.cookies.get(SIGNIN_COOKIE))):
        return _form(site, request, target, 403, "The sign-in form was out of date or not "
                     "sent from this site; please try again.")
    if not settings.password_sign_in:
        return _form(site, request, target, 403, "Sign in through the intranet's single "
                     "sign-on; this site takes no passwords.")
    name = str(form_data.get("name") or "").strip()[:64]
    password = str(form_data.get("password") or "")
    if not name or not password:
        return _form(site, request, target, 400, "Give your user name and your password.",
                     name)
    address = security.client_address(request, settings)
    throttled = await anyio.to_thread.run_sync(
        site.users.throttled, name, address, settings.max_failures, settings.throttle_minutes)
    if throttled:
        log.warning("sign-in for %r from %s refused: too many failures", name, address)
        return _form(site, request, target, 429, "Too many failed sign-ins for this name or "
                     f"from this computer: try again in {settings.throttle_minutes:g} minutes, "
                     "or ask an administrator to set a new password.", name)
    user = await anyio.to_thread.run_sync(site.users.check_password, name, password, address)
    if user is None:
        log.info("failed sign-in for %r from %s", name, address)
        return _form(site, request, target, 400, WRONG, name)
    token = await anyio.to_thread.run_sync(site.users.start_session, user,
                                           settings.session_hours)
    log.info("%s signed in from %s", name, address)
    response = RedirectResponse(target, status_code=303)
    site.set_session_cookie(request, response, token)
    response.delete_cookie(SIGNIN_COOKIE, httponly=True, samesite="strict",
                           secure=security.is_https(request, settings))
    return response


async def signout(site: Site, request: Request, session: Session) -> Response:
    await anyio.to_thread.run_sync(site.users.end_session, request.cookies.get(SESSION_COOKIE))
    log.info("%s signed out", session.user.name)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict",
                           secure=security.is_https(request, site.settings))
    return response


# (path, methods, part, handler, is a page)
ROUTES = [("/signout", ["POST"], access.MEMOS, signout, True)]

"""The site as a Starlette application: :func:`create_app`.

The routes are those of :mod:`reports.site.pages`, :mod:`reports.site.signin`,
:mod:`reports.site.clearance` and :mod:`reports.site.editions`, each behind
:func:`reports.site.core.guarded`; the sign-in page and the static files (the
site's stylesheet and script, and the memos' ``memo.css``) are the only things served to
anyone. A static file is looked up by name in a fixed table: no path reaches the disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from reports.config.load import Config
from reports.site import clearance, editions, pages, security, signin
from reports.site.core import HERE, STATIC, Site, guarded
from reports.site.preview import Previews
from reports.site.users import Users
from reports.site.watcher import Live
from reports.text import local_time

log = logging.getLogger(__name__)


def static(request: Request) -> Response:
    name = request.path_params["name"]
    config: Config = request.app.state.site.config
    if name == "memo.css":
        path, media = config.templates / "memo.css", "text/css"
    elif name in STATIC:
        path, media = STATIC[name]
    else:
        return PlainTextResponse("Not found.", status_code=404)
    try:
        data = path.read_bytes()
    except OSError:
        return PlainTextResponse("Not found.", status_code=404)
    return Response(data, media_type=media, headers={"cache-control": "no-cache"})


def create_app(config: Config) -> Starlette:
    """The site for ``config``: the workbook is watched while the app runs."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    zone = ZoneInfo(config.desk.timezone) if config.desk.timezone else None
    env.filters["when"] = lambda moment: _when(moment, zone)
    env.filters["stamp"] = lambda text: local_time(text, config.desk.timezone)  # the record's
    site = Site(config, Users(config.run_record_path, config.markings), Live(config),
                Previews(config), env)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        site.users.prepare()
        await site.live.start()
        # matplotlib and the fonts, loaded beside serving: the first preview is then quick
        warming = asyncio.create_task(asyncio.to_thread(_warm_up))
        try:
            yield
        finally:
            await site.live.stop()
            await warming

    routes = [
        Route("/signin", signin.form, methods=["GET"]),
        Route("/signin", signin.submit, methods=["POST"]),
        Route("/static/{name}", static, methods=["GET"]),
    ]
    for path, methods, part, handler, is_page in (pages.ROUTES + signin.ROUTES
                                                  + clearance.ROUTES + editions.ROUTES):
        routes.append(Route(path, guarded(site, part, handler, page=is_page), methods=methods))
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(security.Headers, settings=config.site)],
                    exception_handlers={404: _not_found, 405: _not_allowed, 500: _failed},
                    max_body_size=64 * 1024)
    app.state.site = site
    return app


def _warm_up() -> None:
    from reports.render.charts.draw import warm_up

    try:
        warm_up()
    except Exception:  # a preview will say what is wrong; serving goes on
        log.warning("could not load the chart library ahead of the first preview",
                    exc_info=True)


async def _not_found(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("Not found.", status_code=404)


async def _failed(request: Request, exc: Exception) -> Response:
    """A bug: one line for the user, the traceback in the log; the usual headers still."""
    log.error("internal error on %s", request.url.path, exc_info=exc)
    headers = {k.decode(): v.decode() for k, v in security.HEADERS}
    headers.update({"content-security-policy": security.CSP, "x-frame-options": "DENY",
                    "cache-control": "no-store"})
    return PlainTextResponse("Internal error: the site's log has the details.",
                             status_code=500, headers=headers)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("Method not allowed.", status_code=405)


def _when(moment: datetime, zone: ZoneInfo | None) -> str:
    """``07:05:09 KST, 25 November 2019``: in the desk's zone, else the machine's."""
    local = moment.astimezone(zone)
    return local.strftime("%H:%M:%S %Z, ") + f"{local.day} " + local.strftime("%B %Y")

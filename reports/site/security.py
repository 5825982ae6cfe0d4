"""What every response and every state change goes through: headers, addresses, CSRF.

- :class:`Headers` (ASGI middleware) adds a strict Content-Security-Policy (no inline
  script or style: the site's own files only), nosniff, no framing, no referrer to other sites, a
  same-origin opener and resource policy, ``Cache-Control: no-store`` (pages quote
  workbook cells), and HSTS when the request came over TLS. A response may set its own
  CSP (the memo preview, shown in a sandboxed frame of the site).
- Addresses: the peer's address is the client's, except that a trusted proxy
  (``[site] trusted_proxies``) may say whose request it forwards (``X-Forwarded-For``),
  whether it came over TLS (``X-Forwarded-Proto``) and who signed in
  (``[site] proxy_header``). From any other address those headers are ignored.
- CSRF: every POST carries a token from the page (the session's, or for the sign-in
  form one also set in a cookie) and, when the browser sends them, an ``Origin`` of
  this site and a ``Sec-Fetch-Site`` of ``same-origin``.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from urllib.parse import urlsplit

from starlette.requests import Request

from reports.site.settings import SiteSettings

log = logging.getLogger(__name__)

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
# A memo preview: its own inline styles and SVG, no script at all, framed by the site only.
MEMO_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox")
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make Origin "null"
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000")


class Headers:
    """ASGI middleware: the security headers on every HTTP response."""

    def __init__(self, app, settings: SiteSettings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = is_https(Request(scope), self.settings)

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {name.lower() for name, _ in headers}
                extra = list(HEADERS)
                extra.append((b"content-security-policy", CSP.encode()))
                extra.append((b"x-frame-options", b"DENY"))
                extra.append((b"cache-control", b"no-store"))
                if https:
                    extra.append(HSTS)
                headers += [(k, v) for k, v in extra if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


# -- addresses ---------------------------------------------------------------------------

def peer(request: Request) -> str:
    return request.client.host if request.client else ""


def from_trusted_proxy(request: Request, settings: SiteSettings) -> bool:
    if not settings.trusted_proxies:
        return False
    try:
        address = ipaddress.ip_address(peer(request))
    except ValueError:
        return False
    return any(address in network for network in settings.proxies())


def client_address(request: Request, settings: SiteSettings) -> str:
    """The client's address: the peer's, or the one a trusted proxy forwards for."""
    if from_trusted_proxy(request, settings):
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return peer(request)


def is_https(request: Request, settings: SiteSettings) -> bool:
    if request.url.scheme == "https":
        return True
    return from_trusted_proxy(request, settings) and \
        request.headers.get("x-forwarded-proto", "").lower() == "https"


def proxy_user(request: Request, settings: SiteSettings) -> str | None:
    """The name the trusted proxy signed in, or None (no header, or not from the proxy)."""
    if not settings.proxy_header:
        return None
    name = request.headers.get(settings.proxy_header)
    if name is None:
        return None
    if not from_trusted_proxy(request, settings):
        log.warning("ignored the %s header from %s, which is not a trusted proxy",
                    settings.proxy_header, peer(request))
        return None
    return name.strip() or None


# -- CSRF --------------------------------------------------------------------------------

def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(str(given), str(expected))


def same_origin(request: Request, settings: SiteSettings) -> bool:
    """False when the browser says the request came from another site."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True  # an older browser: the token alone decides
    host = request.headers.get("host", "")
    if from_trusted_proxy(request, settings):
        host = request.headers.get("x-forwarded-host", host).split(",")[0].strip()
    return urlsplit(origin).netloc.lower() == host.lower()


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target

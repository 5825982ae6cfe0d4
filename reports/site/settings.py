"""The ``[site]`` table of ``reports.toml``: where ``serve`` listens and how users sign in.

Every key takes effect or is refused, as in every table of the config: an unknown key is
an error (a mistyped security setting must not be silently ignored), and so are settings
that contradict each other (a proxy header without trusted proxies, a certificate
without its key, no way left to sign in).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reports.config.tables import at_least, wrong_port
from reports.config.typed import BAD, Checked, check, fill

TABLE = "site"
HEADER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def wrong_network(value: str) -> str | None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f'"{value}" is not an IP address or network (e.g. "10.0.0.5" or "10.0.0.0/24")'
    return None


def wrong_networks(values: list[str]) -> str | None:
    bad = [wrong_network(v) for v in values]
    return "; ".join(b for b in bad if b) or None


def wrong_header(value: str) -> str | None:
    if value and (set(value) - HEADER_CHARS or value.startswith("-")):
        return f'"{value}" is not an HTTP header name (letters, digits and -)'
    return None


def wrong_url(value: str) -> str | None:
    """The site's public address (for links in mail): http(s), a host, nothing after the
    path."""
    from urllib.parse import urlsplit

    if not value:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises on a port that is no number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or \
            parts.query or parts.fragment or any(c.isspace() for c in value):
        return (f'"{value}" is not the address of a web site; give it as the browser shows '
                'it, e.g. "https://briefings.example.org" (http or https, no ? or #)')
    return None


def wrong_address(value: str) -> str | None:
    if value in ("localhost", ""):
        return None if value else "is empty"
    return wrong_network(value) if "/" not in value else f'"{value}" is an address range'


@dataclass
class SiteSettings:
    """``[site]``: the address and port ``serve`` listens on, sign-in and sessions."""

    address: str = field(default="127.0.0.1", metadata=check(wrong_address))
    port: int = field(default=8080, metadata=check(wrong_port, "out-of-range"))
    session_hours: float = field(default=12.0, metadata=check(at_least(0.1), "out-of-range"))
    password_sign_in: bool = True
    proxy_header: str = field(default="", metadata=check(wrong_header))
    trusted_proxies: list[str] = field(default_factory=list, metadata=check(wrong_networks))
    tls_cert: Path | None = None
    tls_key: Path | None = None
    max_failures: int = field(default=5, metadata=check(at_least(1), "out-of-range"))
    throttle_minutes: float = field(default=15.0, metadata=check(at_least(1), "out-of-range"))
    url: str = field(default="", metadata=check(wrong_url, normal=lambda v: v.rstrip("/")))

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    def proxies(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(p, strict=False) for p in self.trusted_proxies]


def load_site(data: dict, checked: Checked) -> SiteSettings:
    """``[site]`` from the config's ``data``; every problem (unknown keys too) noted."""
    table = data.get(TABLE, {})
    value = fill(SiteSettings, table, TABLE, checked)
    if value is BAD:
        return SiteSettings()
    for key, message in _contradictions(value, table):
        checked.add(key, message, "bad-value" if message.endswith("is not a file") else
                    "conflict")
    return value


def _contradictions(site: SiteSettings, table: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    if site.proxy_header and not site.trusted_proxies:
        found.append(("site.trusted_proxies", "give the addresses of the reverse proxy that "
                      "sets site.proxy_header; the header is accepted from those alone"))
    if site.trusted_proxies and not site.proxy_header:
        found.append(("site.proxy_header", "name the header the trusted proxies set (e.g. "
                      '"X-Remote-User"), or remove site.trusted_proxies'))
    if not site.password_sign_in and not site.proxy_header:
        found.append(("site.password_sign_in", "is false and no proxy_header is set: nobody "
                      "could sign in"))
    if (site.tls_cert is None) != (site.tls_key is None):
        found.append(("site.tls_cert" if site.tls_cert is None else "site.tls_key",
                      "give both site.tls_cert and site.tls_key, or neither"))
    for key in ("tls_cert", "tls_key"):
        path = getattr(site, key)
        if path is not None and not path.is_file():
            found.append((f"site.{key}", f"{path} is not a file"))
    return found

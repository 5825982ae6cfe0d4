"""Email addresses, read once by the parser that sends them.

An address in the config (``smtp.sender``, ``delivery.operator``, ``desk.editors``, a
memo's recipients) or in the workbook's Distribution sheet is checked when it is read,
by :func:`mail_address`: Python's email library parses it exactly as
:mod:`reports.delivery.messages` does when it writes the message (``Address(addr_spec=...)``),
and what smtplib and mail servers would refuse later is refused now, in words naming the
fix, so a mistyped address stops the config or the sheet (exit 2, or a cell error)
instead of failing at every send:

- one address only, with nothing around it (no name, ``<>``, comment, comma or space:
  a recipient's name has its own key or column);
- the part before ``@`` is a plain dot-atom in ASCII (``first.last+tag``): a quoted one
  (``"john doe"@...``) or one in Hangul or Kanji needs what most servers lack (SMTPUTF8);
- the domain is a host name (letters, digits and hyphens, dot-separated) or an IP
  address in brackets; an international domain (``bücher.example``) is sent in its ASCII
  form (``xn--bcher-kva.example``, IDNA 2008), which every server accepts;
- at most 64 characters before ``@`` and 254 in all (RFC 5321).

What is accepted is returned as the address every later step uses (surrounding spaces
dropped, the domain in ASCII). Light: the email parser is imported only for an address
whose name part is not plain letters, digits and ``. _ % + - '``, which it is known to
read unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reports.text import CONTROL_RE, clip

LOCAL_MAX, ADDRESS_MAX, LABEL_MAX, DOMAIN_MAX = 64, 254, 63, 253
_LABEL_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
_ANGLE_RE = re.compile(r"<([^<>]*)>")
_SEPARATORS_RE = re.compile(r"[,;\s]+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")  # line breaks and tabs too
# A name part the email parser reads whole and unchanged (a test holds the two the same,
# over generated names): the usual address needs no parser import (an idle ``run`` stays
# light); anything else is read by the parser itself.
_PLAIN_LOCAL_RE = re.compile(r"^[A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*$")


class AddressError(ValueError):
    """The address cannot be sent to; the message says why and what to type."""


def mail_address(text: object) -> str:
    """``text`` as the address mail is sent to; :class:`AddressError` saying why not."""
    if not isinstance(text, str):
        raise AddressError(f"{text!r} is not an email address (text such as name@example.org)")
    return _checked(text)


def address_problem(text: object) -> str | None:
    """What is wrong with ``text`` as an email address, or None."""
    try:
        mail_address(text)
    except AddressError as exc:
        return str(exc)
    return None


def display_name(text: object) -> str:
    """A recipient's name as a mail header may hold it: on one line, no control characters."""
    return " ".join(_CONTROL_RE.sub(" ", CONTROL_RE.sub("", str(text or ""))).split())


@lru_cache(maxsize=4096)
def _checked(text: str) -> str:
    typed = text.strip()
    shown = f'"{clip(_CONTROL_RE.sub(" ", typed), 80)}"'
    if not typed:
        raise AddressError("the address is empty: type one such as name@example.org")
    if _CONTROL_RE.search(typed):
        raise AddressError(f"{shown} holds a control character (a line break or tab?): "
                           "type the address again on one line")
    if "<" in typed or ">" in typed:
        inner = _ANGLE_RE.search(typed)
        fix = f": {inner.group(1).strip()}" if inner and "@" in inner.group(1) else ""
        raise AddressError(f"{shown} is not one bare address: type the address alone, "
                           f"without a name or <>{fix} (a name goes in its own name "
                           "column or key)")
    if typed.count("@") > 1 and _SEPARATORS_RE.search(typed):
        raise AddressError(f"{shown} holds more than one address: give one address each "
                           "(one row, or one list item, per person)")
    if typed.count("@") > 1:
        raise AddressError(f"{shown} has more than one @: an address has one, between the "
                           "name and the domain")
    if '"' in typed:
        raise AddressError(f"{shown} has a quoted part before @: mail servers handle such "
                           "addresses unreliably; ask for the person's plain address")
    if "(" in typed or ")" in typed:
        raise AddressError(f"{shown} has a comment in brackets: type the address alone")
    if any(ch.isspace() for ch in typed):
        raise AddressError(f"{shown} has a space in it: an address has none")
    local, at, domain = typed.rpartition("@")
    if not at or not local or not domain:
        raise AddressError(f"{shown} is not an email address: it needs a name, @ and a "
                           "domain, as in name@example.org")
    if not local.isascii():
        raise AddressError(f"{shown} has letters outside English before @; most mail "
                           "servers refuse such addresses (they need SMTPUTF8): ask for the "
                           "person's ASCII address")
    if len(local) > LOCAL_MAX:
        raise AddressError(f"{shown} has {len(local)} characters before @; mail allows at "
                           f"most {LOCAL_MAX}")
    address = f"{local}@{_ascii_domain(domain, shown)}"
    if not _PLAIN_LOCAL_RE.match(local):
        _parse(address, shown)
    if len(address) > ADDRESS_MAX:
        raise AddressError(f"{shown} is {len(address)} characters long; mail allows at most "
                           f"{ADDRESS_MAX}")
    return address


def _parse(address: str, shown: str) -> None:
    """Python's email parser reads ``address`` whole and unchanged, as it will when
    the message is written."""
    from email.errors import MessageError
    from email.headerregistry import Address

    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError, MessageError):
        parsed = None
    if parsed is None or parsed.addr_spec != address:
        raise AddressError(f"{shown} is not an email address mail can be sent to: before @ "
                           "come letters, digits and signs such as . _ + - (no dot at the "
                           "start or end, no two dots in a row), after it the domain")


def _ascii_domain(domain: str, shown: str) -> str:
    """The domain as mail servers read it: a host name in ASCII, or [an IP address]."""
    if domain.startswith("[") and domain.endswith("]"):
        import ipaddress

        literal = domain[1:-1]
        try:
            ipaddress.ip_address(literal.removeprefix("IPv6:"))
        except ValueError:
            raise AddressError(f"{shown}: {domain} is not an IP address in brackets") from None
        return domain
    if not domain.isascii():
        import idna

        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise AddressError(f"{shown}: the domain {domain} is not a valid international "
                               f"domain name ({exc})") from None
    if len(domain) > DOMAIN_MAX:
        raise AddressError(f"{shown}: the domain is {len(domain)} characters long; mail "
                           f"allows at most {DOMAIN_MAX}")
    for label in domain.split("."):
        if not label:
            raise AddressError(f"{shown}: the domain {domain} has an empty part (two dots in "
                               "a row, or a dot at its start or end)")
        if not _LABEL_RE.match(label) or len(label) > LABEL_MAX:
            raise AddressError(f'{shown}: the domain {domain} has "{clip(label, 40)}"; each '
                               "part of a domain is letters, digits and hyphens (not at its "
                               f"start or end), at most {LABEL_MAX} of them, as in example.org")
    return domain


__all__ = ["AddressError", "mail_address", "address_problem", "display_name"]

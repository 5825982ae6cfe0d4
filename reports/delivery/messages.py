"""The messages: a memo edition to one reader, and a notice to an editor or the operator.

A memo's message is named by what it is: the subject is the short form of the memo's
banner in brackets ("[U//FOUO]", from the marking scheme's portion marks) and then the
edition's label ("Issue brief: Trade talks, 25 November 2019"), so a phone shows the
title; "(corrected, revision N)" marks a corrected edition. Its body, in plain text and
an HTML alternative laid out for a phone, carries the memo's key judgments (each with
its likelihood and confidence) and what changed, as news (changed judgments, the most
significant new events, shifts in stance; housekeeping last), so a reader is briefed
without opening the attachment; when the config gives the intranet address of the
published folder (``[delivery] published_url``) it links to the HTML copy. The .docx
(and the .pdf, when built) are attached under names saying what they are (title and
date; non-ASCII names as RFC 2231 parameters, which mail clients read). The ``Date:``
header is the time of sending, in the desk's time zone.

Message-IDs are stable: ``<memo.as_of.rN.sha8(address)@reports.local>`` per reader and
revision (retries reuse it), so mail systems recognise a repeat. MIME boundaries are
derived from the Message-ID, so a message differs between two sends only by its Date.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from reports.config.load import Config
from reports.delivery.addresses import AddressError, display_name, mail_address
from reports.delivery.channels import SendFailed
from reports.render.style import CSS_FONT_STACK
from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.notices import Notice
from reports.text import is_http_url, long_date
from reports.tradecraft import short_marking

MESSAGE_DOMAIN = "reports.local"
# SMTP's rules, lines up to RFC 5322's 998 characters: a subject stays on one line and an
# attachment's RFC 2231 file name is one parameter (clients read that form best).
POLICY = SMTP.clone(max_line_length=998)
MIME = {
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("application", "pdf"),
    "html": ("text", "html"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def sha8(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def message_id(memo_id: str, as_of: date, revision: int, address: str) -> str:
    return (f"<{memo_id}.{as_of.isoformat()}.r{revision}.{sha8(address.strip().lower())}"
            f"@{MESSAGE_DOMAIN}>")


def drop_id(memo_id: str, as_of: date, revision: int, folder: Path) -> str:
    return f"<{memo_id}.{as_of.isoformat()}.r{revision}.drop-{sha8(str(folder))}@{MESSAGE_DOMAIN}>"


def notice_id(kind: str, about: str, address: str) -> str:
    return f"<notice.{kind}.{sha8(about)}.{sha8(address.strip().lower())}@{MESSAGE_DOMAIN}>"


# -- a memo edition ----------------------------------------------------------------------------

def mail_of(build: BuildRecord) -> dict[str, Any]:
    """The build's mail data (schema 2); for builds recorded before it, from the title."""
    if build.mail:
        return build.mail
    return {"edition_label": f"{build.title or build.memo_id}, {long_date(build.as_of)}",
            "marking": "", "summary": {"bottom_line": [], "changes": []}}


def corrects(build: BuildRecord) -> bool:
    """Whether this revision corrects one sent earlier: any revision after the first,
    unless its record says none was sent before it (a draft approved after an earlier
    revision of the same edition was returned, not sent)."""
    mail = build.mail or {}
    return bool(mail.get("corrects", bool(build.revision and build.revision > 1)))


def subject(build: BuildRecord, config: Config | None = None) -> str:
    """``[U//FOUO] <title>, <date>``: the banner's short form first (the memo's own, else
    made from the desk's marking scheme), then the edition's label."""
    mail = mail_of(build)
    text = str(mail["edition_label"])
    short = mail.get("short_marking") or (
        short_marking(config.markings, mail["marking"]) if config is not None and
        mail.get("marking") else mail.get("marking", ""))
    if short:
        text = f"[{short}] {text}"
    if corrects(build):
        text += f" (corrected, revision {build.revision})"
    return text


UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def attachment_name(build: BuildRecord, fmt: str) -> str:
    """A file name saying what the file is: the edition's title and date ("Issue brief -
    Trade talks, 29 November 2019.docx"), without the characters Windows refuses in a
    file name; at most 120 characters before the extension."""
    label = mail_of(build)["edition_label"]
    name = UNSAFE_NAME.sub(" - ", label.replace(": ", " - "))
    name = " ".join(name.split()).strip(" .-")[:120].rstrip(" .-")
    return f"{name or build.memo_id}.{fmt}"


def html_address(config: Config, build: BuildRecord) -> str | None:
    """The intranet address of the edition's HTML copy: ``[delivery] published_url`` and
    the page's path under the output folder; None without either."""
    base: str | None = getattr(config.delivery, "published_url", None)
    page = build.files.get("html")
    if not base or not page or not is_http_url(base):
        return None
    try:
        rel = Path(page).resolve().relative_to(Path(config.output).resolve())
    except ValueError:
        return None
    return base.rstrip("/") + "/" + quote(rel.as_posix(), safe="/-._~")


def attachments(build: BuildRecord) -> list[str]:
    """Formats attached: the .docx and the .pdf when built; the .html only if neither."""
    chosen: list[str] = [fmt for fmt in ("docx", "pdf") if fmt in build.files]
    return chosen or [fmt for fmt in ("html",) if fmt in build.files]


def read_built(build: BuildRecord, fmt: str) -> bytes:
    """The bytes of one built file, checked against the hash recorded when it was built."""
    path = Path(build.files[fmt])
    how = f"`python run_reports.py send {build.memo_id} --as-of {build.as_of.isoformat()}`"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SendFailed(f"{path} cannot be read ({exc.strerror or exc}); rebuild the "
                              f"memo, then run {how}", permanent=True) from exc
    if hashlib.sha256(data).hexdigest() != build.hashes.get(fmt):
        raise SendFailed(
            f"{path} changed after revision {build.revision} was built (rebuilt or edited "
            f"since); to send the files as they are now, run {how}", permanent=True)
    return data


def compose(config: Config, build: BuildRecord, name: str | None, address: str, msg_id: str,
            sent_at: datetime) -> EmailMessage:
    """The email of one edition for one reader: summary in text and HTML, files attached."""
    mail = mail_of(build)
    title = subject(build, config)
    msg = _envelope(config, name, address, title, msg_id, sent_at, build.memo_id)
    msg["X-Reports-Memo"] = f"{build.memo_id} {build.as_of.isoformat()} r{build.revision}"
    files = attachments(build)
    sections: list[tuple[str, list[str]]] = []
    if corrects(build):
        sections.append(("", [f"This corrected edition (revision {build.revision}) replaces "
                              "the one sent earlier for the same date."]))
    summary = mail.get("summary") or {}
    if summary.get("bottom_line"):
        sections.append(("Bottom line", summary["bottom_line"]))
    if summary.get("changes"):
        since = summary.get("since")
        sections.append((f"What changed since {since}" if since else "What changed",
                         summary["changes"]))
    names = {fmt: attachment_name(build, fmt) for fmt in files}
    sections.append(("", ["Attached: " + ", ".join(names[f] for f in files) + "."]))
    link = html_address(config, build)
    _bodies(msg, config, mail["edition_label"], mail.get("marking", ""), sections, link)
    for fmt in files:
        _attach(msg, fmt, names[fmt], read_built(build, fmt))
    return _fix_boundaries(msg, msg_id)


# -- a notice ----------------------------------------------------------------------------------

def compose_notice(config: Config, notice: Notice, sent_at: datetime) -> EmailMessage:
    msg = _envelope(config, None, notice.recipient, notice.subject, notice.message_id, sent_at)
    msg["X-Reports-Notice"] = f"{notice.kind} {notice.about}"
    body = notice.body
    _bodies(msg, config, body["heading"], body.get("marking", ""),
            [(h, lines) for h, lines in body["sections"]])
    if notice.attachment is not None and body.get("attachment"):
        name = body["attachment"]
        _attach(msg, Path(name).suffix.lstrip("."), name, notice.attachment)
    return _fix_boundaries(msg, notice.message_id)


# -- parts -------------------------------------------------------------------------------------

def desk_time(config: Config, when: datetime, memo_id: str | None = None) -> datetime:
    """``when`` in the desk's time zone (``[desk] timezone``, else the memo's schedule's);
    as given when neither is set."""
    zone = config.desk.timezone
    if not zone and memo_id:
        memo = next((m for m in config.memos if m.id == memo_id), None)
        zone = memo.schedule.timezone if memo is not None and memo.schedule else None
    if not zone or when.tzinfo is None:
        return when
    return when.astimezone(ZoneInfo(zone))


def _envelope(config: Config, name: str | None, address: str, title: str, msg_id: str,
              sent_at: datetime, memo_id: str | None = None) -> EmailMessage:
    desk = config.desk
    msg = EmailMessage(policy=POLICY)
    try:  # the addresses were read by mail_address already; one from an old run record
        msg["From"] = Address(display_name=display_name(desk.sender or desk.office),
                              addr_spec=mail_address(config.smtp.sender))
        msg["To"] = Address(display_name=display_name(name), addr_spec=mail_address(address))
    except (AddressError, ValueError, IndexError) as exc:
        raise SendFailed(
            f"{exc}; correct it in the Distribution sheet or the config", permanent=True) \
            from None
    msg["Subject"] = title
    msg["Date"] = format_datetime(desk_time(config, sent_at, memo_id))
    msg["Message-ID"] = msg_id
    return msg


MAIL_CSS = (
    "body{margin:0;padding:0;background:#fff;color:#1b1d21;font-family:" + CSS_FONT_STACK
    + ";font-size:16px;line-height:1.5;-webkit-text-size-adjust:100%;text-size-adjust:100%}"
    ".page{max-width:40rem;margin:0 auto;padding:1rem}"
    ".marking{margin:0;padding:.4rem 1rem;background:#f4f6f9;color:#1f3a5f;font-size:.75rem;"
    "font-weight:700;letter-spacing:.06em;text-align:center}"
    "h1{font-size:1.35rem;line-height:1.25;margin:.5rem 0 1rem}"
    "h2{font-size:1.05rem;margin:1.4rem 0 .5rem;color:#1f3a5f}"
    "ul{margin:0;padding-left:1.2rem}li{margin:0 0 .6rem}p{margin:0 0 .75rem}"
    "a{color:#1c4f8a}.signature{color:#4d535c;font-size:.9rem}"
    "@media (max-width:480px){body{font-size:15px}.page{padding:.75rem}}")


def _bodies(msg: EmailMessage, config: Config, heading: str, marking: str,
            sections: list[tuple[str, list[str]]], link: str | None = None) -> None:
    """The plain-text body and its HTML alternative (one column for a phone: viewport,
    the memo's fonts, no ASCII arrows): marking, heading, the link to the HTML copy,
    sections of lines (a section with a heading is a list), signature, marking."""
    desk = config.desk
    signature = f"-- {desk.sender or desk.office}"
    text = [marking, ""] if marking else []
    page = [f'<header><p class="marking">{html.escape(marking)}</p></header>'] if marking else []
    page.append('<main class="page">')
    text += [heading, ""]
    page.append(f"<h1>{html.escape(heading)}</h1>")
    if link:
        text += [f"Read it on the intranet: {link}", ""]
        page.append(f'<p><a href="{html.escape(link)}">Read it on the intranet</a></p>')
    for title, lines in sections:
        lines = [_arrows(line) for line in lines]
        if title:
            text += [title, *(f"  - {line}" for line in lines), ""]
            page.append(f"<h2>{html.escape(title)}</h2><ul>"
                        + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>")
        else:
            text += [*lines, ""]
            page += [f"<p>{html.escape(line)}</p>" for line in lines]
    text.append(signature)
    page.append(f'<p class="signature">{html.escape(signature)}</p></main>')
    if marking:
        text += ["", marking]
        page.append(f'<footer><p class="marking">{html.escape(marking)}</p></footer>')
    msg.set_content("\n".join(text) + "\n")
    msg.add_alternative(
        f'<!DOCTYPE html><html lang="{html.escape(desk.lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(str(msg['Subject']))}</title><style>{MAIL_CSS}</style></head>"
        "<body>\n" + "\n".join(page) + "\n</body></html>\n", subtype="html")


def _arrows(line: str) -> str:
    """A line with typed arrows ("->") as the arrow itself."""
    return line.replace(" -> ", " \u2192 ").replace("->", "\u2192")


def _attach(msg: EmailMessage, fmt: str, name: str, data: bytes) -> None:
    """``data`` attached as ``name``: in Content-Disposition's filename and Content-Type's
    name (older clients read that one), each RFC 2231-encoded when not ASCII."""
    maintype, subtype = MIME.get(fmt, ("application", "octet-stream"))
    if maintype == "text":
        msg.add_attachment(data.decode("utf-8"), subtype=subtype, filename=name)
    else:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    part = list(msg.iter_attachments())[-1]
    part.set_param("name", name, header="Content-Type")


def _fix_boundaries(msg: EmailMessage, msg_id: str) -> EmailMessage:
    """MIME boundaries from the Message-ID: the same message gives the same bytes."""
    seed = hashlib.sha256(msg_id.encode("utf-8")).hexdigest()[:24]
    for number, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_memo_{seed}_{number}")
    return msg

"""The messages: a memo edition to one reader, and a notice to an editor or the operator.

A memo's message is named by what it is: the subject is the edition's label ("Issue
brief: Trade talks, 25 November 2019"), after the memo's banner marking in brackets,
with "(corrected, revision N)" for a corrected edition. Its body, in plain text and an
HTML alternative, carries the memo's bottom line and what changed since the previous
edition, so a reader on a phone is briefed without opening the attachment; the .docx
(and the .pdf, when built) are attached. The ``Date:`` header is the time of sending.

Message-IDs are stable: ``<memo.as_of.rN.sha8(address)@reports.local>`` per reader and
revision (retries reuse it), so mail systems recognise a repeat. MIME boundaries are
derived from the Message-ID, so a message differs between two sends only by its Date.
"""

from __future__ import annotations

import hashlib
import html
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from reports.addresses import AddressError, display_name, mail_address
from reports.config.load import Config
from reports.delivery.channels import SendFailed
from reports.schedule.record.builds import BuildRecord
from reports.schedule.record.notices import Notice
from reports.text import long_date

MESSAGE_DOMAIN = "reports.local"
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

def mail_of(build: BuildRecord) -> dict:
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


def subject(build: BuildRecord) -> str:
    mail = mail_of(build)
    text = mail["edition_label"]
    if mail.get("marking"):
        text = f"[{mail['marking']}] {text}"
    if corrects(build):
        text += f" (corrected, revision {build.revision})"
    return text


def attachments(build: BuildRecord) -> list[str]:
    """Formats attached: the .docx and the .pdf when built; the .html only if neither."""
    chosen = [fmt for fmt in ("docx", "pdf") if fmt in build.files]
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
    title = subject(build)
    msg = _envelope(config, name, address, title, msg_id, sent_at)
    msg["X-Reports-Memo"] = f"{build.memo_id} {build.as_of.isoformat()} r{build.revision}"
    files = attachments(build)
    sections = []
    if corrects(build):
        sections.append(("", [f"This corrected edition (revision {build.revision}) replaces "
                              "the one sent earlier for the same date."]))
    summary = mail.get("summary") or {}
    if summary.get("bottom_line"):
        sections.append(("Bottom line", summary["bottom_line"]))
    if summary.get("changes"):
        sections.append(("What changed", summary["changes"]))
    sections.append(("", ["Attached: " + ", ".join(Path(build.files[f]).name for f in files)
                          + "."]))
    _bodies(msg, config, mail["edition_label"], mail.get("marking", ""), sections)
    for fmt in files:
        _attach(msg, fmt, Path(build.files[fmt]).name, read_built(build, fmt))
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

def _envelope(config: Config, name: str | None, address: str, title: str, msg_id: str,
              sent_at: datetime) -> EmailMessage:
    desk = config.desk
    msg = EmailMessage(policy=SMTP)
    try:  # the addresses were read by mail_address already; one from an old run record
        msg["From"] = Address(display_name=display_name(desk.sender or desk.office),
                              addr_spec=mail_address(config.smtp.sender))
        msg["To"] = Address(display_name=display_name(name), addr_spec=mail_address(address))
    except (AddressError, ValueError, IndexError) as exc:
        raise SendFailed(
            f"{exc}; correct it in the Distribution sheet or the config", permanent=True) \
            from None
    msg["Subject"] = title
    msg["Date"] = format_datetime(sent_at)
    msg["Message-ID"] = msg_id
    return msg


def _bodies(msg: EmailMessage, config: Config, heading: str, marking: str,
            sections: list[tuple[str, list[str]]]) -> None:
    """The plain-text body and its HTML alternative: marking, heading, sections of lines
    (a section with a heading is a list), signature, marking."""
    desk = config.desk
    signature = f"-- {desk.sender or desk.office}"
    text = [marking, ""] if marking else []
    page = [f"<p><strong>{html.escape(marking)}</strong></p>"] if marking else []
    text += [heading, ""]
    page.append(f"<h1>{html.escape(heading)}</h1>")
    for title, lines in sections:
        if title:
            text += [title, *(f"  - {line}" for line in lines), ""]
            page.append(f"<h2>{html.escape(title)}</h2><ul>"
                        + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>")
        else:
            text += [*lines, ""]
            page += [f"<p>{html.escape(line)}</p>" for line in lines]
    text.append(signature)
    page.append(f"<p>{html.escape(signature)}</p>")
    if marking:
        text += ["", marking]
        page.append(f"<p><strong>{html.escape(marking)}</strong></p>")
    msg.set_content("\n".join(text) + "\n")
    msg.add_alternative(
        f'<!DOCTYPE html><html lang="{html.escape(desk.lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(str(msg['Subject']))}</title></head><body>\n"
        + "\n".join(page) + "\n</body></html>\n", subtype="html")


def _attach(msg: EmailMessage, fmt: str, name: str, data: bytes) -> None:
    maintype, subtype = MIME.get(fmt, ("application", "octet-stream"))
    if maintype == "text":
        msg.add_attachment(data.decode("utf-8"), subtype=subtype, filename=name)
    else:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)


def _fix_boundaries(msg: EmailMessage, msg_id: str) -> EmailMessage:
    """MIME boundaries from the Message-ID: the same message gives the same bytes."""
    seed = hashlib.sha256(msg_id.encode("utf-8")).hexdigest()[:24]
    for number, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_memo_{seed}_{number}")
    return msg

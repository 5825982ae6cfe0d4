"""Distribution: each built issue to its readers, exactly once, by email and a drop folder.

Who receives a memo: the workbook's Distribution sheet when it has at least one row for
that memo id (its ``active`` rows; all inactive means nobody), otherwise the memo's
``recipients`` in the config.

Each (memo, as-of, revision, recipient) is one row in the run record with a stable
Message-ID, ``<memo.as_of.rN.sha8(address)@reports.local>``: a corrected rebuild of an
issue is revision N+1 and a new message; retries of one revision reuse the same id. A
delivery recorded as sent is never repeated. One that fails for a passing reason (server
down, 4xx, dropped connection) is retried by later runs after ``backoff_minutes``, doubled
after each failure, up to ``max_attempts``; then, or at once on a permanent refusal (5xx),
it is given up and reported, and ``send MEMO --as-of DATE`` tries again. One message per
recipient, on its own connection, so one failure never affects the others.

The drop-folder channel copies the issue's files, each written whole (temporary file,
then rename), to ``<drop_folder>/<memo-id>/``; one delivery row per file set.

The SMTP login comes from the environment variables the config names; neither it nor
the password is ever logged.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from reports.config import Config, MemoConfig, Recipient
from reports.errors import EXIT_OK, EXIT_UNDELIVERED, ConfigError, DeliveryError
from reports.ledger import Build, Delivery, Ledger, iso, parse_iso, run_lock
from reports.output import atomic_write, memo_path, sha256_file
from reports.text import long_date

log = logging.getLogger(__name__)

MESSAGE_DOMAIN = "reports.local"
LOCK_WAIT_SECONDS = 120  # how long ``send`` waits for a running ``run`` to finish
MIME = {
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("application", "pdf"),
    "html": ("text", "html"),
}


class DeliveryFailure(Exception):
    """One attempt failed; ``permanent`` ones are not retried automatically."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


# -- who and which message ----------------------------------------------------------------

def recipients_for(config: Config, memo: MemoConfig, distribution: list[dict]) -> list[Recipient]:
    """The Distribution sheet's active rows for ``memo`` if it has any row for it, else the
    config's recipients; each address once."""
    rows = [r for r in distribution or [] if str(r.get("memo_id", "")).strip() == memo.id]
    if rows:
        people = [Recipient(str(r.get("name") or r["email"]), str(r["email"]).strip())
                  for r in rows if r.get("active", True) not in (False, None)]
    else:
        people = list(memo.recipients)
    seen, unique = set(), []
    for person in people:
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            unique.append(person)
    return unique


def _sha8(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def message_id(memo_id: str, as_of: str, revision: int, address: str) -> str:
    return f"<{memo_id}.{as_of}.r{revision}.{_sha8(address.strip().lower())}@{MESSAGE_DOMAIN}>"


def drop_id(memo_id: str, as_of: str, revision: int, folder: Path) -> str:
    return f"<{memo_id}.{as_of}.r{revision}.drop-{_sha8(str(folder))}@{MESSAGE_DOMAIN}>"


def plan_deliveries(config: Config, ledger: Ledger, build: Build, recipients: list[Recipient],
                    now: datetime) -> int:
    """Add a pending delivery per recipient (and the drop folder) for ``build``'s revision.

    Idempotent: deliveries already recorded (same Message-ID) are left as they are, so an
    unchanged issue is never sent twice and a recipient added later still gets it.
    """
    added = 0
    with ledger.transaction():
        for person in recipients:
            added += ledger.add_delivery(
                build, memo_id=build.memo_id, as_of=build.as_of, revision=build.revision,
                recipient=person.email, name=person.name, channel="email",
                message_id=message_id(build.memo_id, build.as_of, build.revision, person.email),
                now=now)
        folder = config.delivery.drop_folder
        if folder:
            added += ledger.add_delivery(
                build, memo_id=build.memo_id, as_of=build.as_of, revision=build.revision,
                recipient=str(folder), name=None, channel="drop",
                message_id=drop_id(build.memo_id, build.as_of, build.revision, folder), now=now)
    return added


# -- the message ---------------------------------------------------------------------------

def _message_date(build: Build) -> datetime:
    """The build's time, not the sending time, so a message is the same bytes every time."""
    if build.fire_time:
        return parse_iso(build.fire_time)
    if build.started:
        return parse_iso(build.started)
    return datetime.fromisoformat(build.as_of).replace(tzinfo=UTC)


def attachments(build: Build) -> list[str]:
    """Formats attached: the .docx and the .pdf when built; the .html only if neither."""
    chosen = [fmt for fmt in ("docx", "pdf") if fmt in build.files]
    return chosen or [fmt for fmt in ("html",) if fmt in build.files]


def read_built(build: Build, fmt: str) -> bytes:
    """The bytes of one built file, checked against the hash recorded when it was built."""
    path = Path(build.files[fmt])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeliveryFailure(
            f"{path} cannot be read ({exc.strerror or exc}); rebuild the memo, then run "
            f"`python run_reports.py send {build.memo_id} --as-of {build.as_of}`",
            permanent=True) from exc
    if hashlib.sha256(data).hexdigest() != build.hashes.get(fmt):
        raise DeliveryFailure(
            f"{path} changed after revision {build.revision} was built (rebuilt or edited "
            "since); to send the files as they are now, run "
            f"`python run_reports.py send {build.memo_id} --as-of {build.as_of}`",
            permanent=True)
    return data


def compose(config: Config, build: Build, name: str | None, address: str,
            msg_id: str) -> EmailMessage:
    """The email for one recipient: short text and HTML bodies, the files attached."""
    title = build.title or build.memo_id
    when = long_date(build.as_of)
    desk = config.desk
    msg = EmailMessage(policy=SMTP)
    subject = f"{title}, {when}"
    if build.revision and build.revision > 1:
        subject += f" (corrected, revision {build.revision})"
    try:
        msg["From"] = Address(display_name=desk.sender or desk.office,
                              addr_spec=config.smtp.sender)
        msg["To"] = Address(display_name=name or "", addr_spec=address)
    except (ValueError, IndexError) as exc:
        raise DeliveryFailure(
            f'"{address}" is not a usable email address ({exc}); correct it in the '
            "Distribution sheet or the config", permanent=True) from None
    msg["Subject"] = subject
    msg["Date"] = format_datetime(_message_date(build))
    msg["Message-ID"] = msg_id
    msg["X-Reports-Memo"] = f"{build.memo_id} {build.as_of} r{build.revision}"
    files = attachments(build)
    names = [Path(build.files[fmt]).name for fmt in files]
    lines = [desk.marking, ""] if desk.marking else []
    lines += [title, f"As of {when}", ""]
    if build.revision and build.revision > 1:
        lines += [f"This corrected issue (revision {build.revision}) replaces the one sent "
                  "earlier for the same date.", ""]
    lines += ["Attached: " + ", ".join(names) + ".", "", f"-- {desk.sender or desk.office}"]
    if desk.marking:
        lines += ["", desk.marking]
    msg.set_content("\n".join(lines) + "\n")
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" if line else ""
                         for line in lines)
    msg.add_alternative(
        f'<!DOCTYPE html><html lang="{html.escape(desk.lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head><body>{paragraphs}</body></html>\n",
        subtype="html")
    for fmt in files:
        maintype, subtype = MIME[fmt]
        data = read_built(build, fmt)
        if maintype == "text":
            msg.add_attachment(data.decode("utf-8"), subtype=subtype,
                               filename=Path(build.files[fmt]).name)
        else:
            msg.add_attachment(data, maintype=maintype, subtype=subtype,
                               filename=Path(build.files[fmt]).name)
    # Fixed MIME boundaries: the same issue gives the same bytes (dry runs, retries).
    seed = hashlib.sha256(msg_id.encode("utf-8")).hexdigest()[:24]
    for number, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_memo_{seed}_{number}")
    return msg


# -- channels ------------------------------------------------------------------------------

def send_email(config: Config, msg: EmailMessage, address: str) -> None:
    """Send ``msg`` to ``address`` on a connection of its own; raise DeliveryFailure."""
    smtp = config.smtp
    where = f"the SMTP server {smtp.host}:{smtp.port}"
    client = None
    try:
        context = ssl.create_default_context()
        if smtp.security == "tls":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                      context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.security == "starttls":
            client.starttls(context=context)
        user = os.environ.get(smtp.username_env)
        if user:
            client.login(user, os.environ.get(smtp.password_env, ""))
        client.send_message(msg, from_addr=smtp.sender, to_addrs=[address])
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryFailure(f"{where} refused the login ({exc.smtp_code}); check the "
                              f"environment variables {smtp.username_env} and "
                              f"{smtp.password_env}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (0, b""))
        raise DeliveryFailure(f"{where} refused {address}: {code} {_text(text)}"
                              + _advice(code, address), permanent=500 <= code < 600) from None
    except smtplib.SMTPResponseException as exc:
        code = exc.smtp_code
        raise DeliveryFailure(f"{where} answered {code} {_text(exc.smtp_error)}"
                              + _advice(code, address), permanent=500 <= code < 600) from None
    except smtplib.SMTPServerDisconnected as exc:
        reason = exc or "no reason given"
        raise DeliveryFailure(f"{where} closed the connection ({reason})") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailure(f"cannot reach {where} ({exc}); check smtp.host and smtp.port "
                              "in the config and that the server is up") from None
    finally:
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _advice(code: int, address: str) -> str:
    if 500 <= code < 600:
        return (f" (a permanent refusal: check the address {address} and the sender "
                "address smtp.sender)")
    return ""


def drop_files(config: Config, build: Build) -> list[Path]:
    """Copy the issue's files into ``<drop_folder>/<memo-id>/``, each written whole."""
    folder = Path(config.delivery.drop_folder) / build.memo_id
    written = []
    try:
        for fmt in sorted(build.files):
            data = read_built(build, fmt)
            name = Path(build.files[fmt]).name
            for stale in folder.glob(f".{name}.*.part") if folder.exists() else ():
                stale.unlink(missing_ok=True)
            written.append(atomic_write(folder / name, data))
    except DeliveryFailure:
        raise
    except Exception as exc:  # OutputError and OSError: the share is down or read-only
        raise DeliveryFailure(f"cannot copy to the drop folder {folder}: {exc}") from None
    return written


# -- doing deliveries ----------------------------------------------------------------------

@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def deliver(config: Config, ledger: Ledger, rows: list[Delivery], now: datetime) -> Tally:
    """Try each delivery once (those another run took meanwhile are skipped)."""
    tally = Tally()
    builds: dict[int, Build] = {}
    for row in rows:
        claimed = ledger.claim(row.id)
        if claimed is None:
            continue
        if claimed.build_id not in builds:
            builds[claimed.build_id] = ledger.build(claimed.build_id)
        build = builds[claimed.build_id]
        what = f"{build.memo_id} as of {build.as_of} (revision {build.revision})"
        try:
            if claimed.channel == "drop":
                paths = drop_files(config, build)
                ledger.mark_sent(claimed.id)
                log.info("copied %s to the drop folder: %s", what,
                         ", ".join(str(p) for p in paths))
            else:
                msg = compose(config, build, claimed.name, claimed.recipient, claimed.message_id)
                _pause("before-send")
                send_email(config, msg, claimed.recipient)
                _pause("after-send")
                ledger.mark_sent(claimed.id)
                log.info("sent %s to %s, Message-ID %s", what, claimed.recipient,
                         claimed.message_id)
            tally.sent += 1
        except DeliveryFailure as exc:
            limit = config.delivery.max_attempts
            target = claimed.recipient if claimed.channel == "email" else "the drop folder"
            if exc.permanent or claimed.attempts >= limit:
                ledger.mark_gave_up(claimed.id, str(exc))
                tally.gave_up += 1
                log.error("gave up delivering %s to %s after %d attempt(s): %s. Fix the cause, "
                          "then run `python run_reports.py send %s --as-of %s`", what, target,
                          claimed.attempts, exc, build.memo_id, build.as_of)
            else:
                wait = config.delivery.backoff_minutes * 2 ** (claimed.attempts - 1)
                retry = now + timedelta(minutes=wait)
                ledger.mark_failed(claimed.id, str(exc), retry)
                tally.failed += 1
                log.warning("could not deliver %s to %s (attempt %d of %d): %s; the next run "
                            "after %s tries again", what, target, claimed.attempts, limit,
                            exc, iso(retry))
    return tally


def deliver_due(config: Config, ledger: Ledger, now: datetime) -> Tally:
    """Every pending delivery, and every failed one whose backoff has passed."""
    for row in ledger.recover_sending(now):
        log.warning("the run that was sending %s as of %s to %s stopped midway; sending it "
                    "again (Message-ID %s, so a duplicate can be recognised)", row.memo_id,
                    row.as_of, row.recipient, row.message_id)
    return deliver(config, ledger, ledger.due_deliveries(now), now)


# -- the send command ----------------------------------------------------------------------

def _pause(point: str) -> None:
    from reports.scheduler import _pause as pause

    pause(point)


def distribution_rows(config: Config) -> list[dict]:
    """The workbook's Distribution sheet (reads and checks the whole workbook)."""
    from reports.build import load

    return load(config.workbook).distribution


def _on_disk(config: Config, memo: MemoConfig, as_of: str) -> dict[str, Path]:
    found = {}
    for fmt in ("docx", "html", "pdf"):
        path = memo_path(config.output, memo.id, as_of, fmt)
        if path.exists():
            found[fmt] = path
    return found


def current_build(config: Config, ledger: Ledger, memo: MemoConfig, as_of: str, *,
                  record: bool) -> Build:
    """The issue to send: the newest recorded revision if its files are as built; else the
    files on disk (from ``build``) as a new revision, recorded when ``record``."""
    latest = ledger.latest_revision(memo.id, as_of)
    disk = _on_disk(config, memo, as_of)
    if latest is not None:
        intact = all(Path(p).exists() and sha256_file(Path(p)) == latest.hashes.get(fmt)
                     for fmt, p in latest.files.items())
        if intact:
            return latest
    if not disk:
        if latest is not None:
            raise ConfigError(
                f"the files of {memo.id} as of {as_of} are missing from {config.output}; "
                f"rebuild them with `python run_reports.py build {memo.id} --as-of {as_of}`")
        raise ConfigError(
            f"{memo.id} has not been built as of {as_of}; build it first with "
            f"`python run_reports.py build {memo.id} --as-of {as_of}`")
    files = {fmt: str(p) for fmt, p in disk.items()}
    hashes = {fmt: sha256_file(p) for fmt, p in disk.items()}
    revision = (latest.revision if latest else 0) + 1
    stamp = iso()
    build = Build(id=0, memo_id=memo.id, as_of=as_of, fire_time=None, revision=revision,
                  title=memo.title, trigger="send", workbook_sha256=None, template_sha256=None,
                  config_sha256=None, files=files, hashes=hashes, snapshot=None, started=stamp,
                  finished=stamp, outcome="done", error=None)
    if record:
        with ledger.transaction():
            build.id = ledger.start_build(memo.id, as_of, fire_time=None, title=memo.title,
                                          inputs=(None, None, None), trigger="send")
            ledger.finish_build(build.id, outcome="done", revision=revision, files=files,
                                hashes=hashes)
            ledger.supersede(memo.id, as_of, revision)
        build = ledger.build(build.id)
        log.info("recorded %s as of %s from the files in %s as revision %d", memo.id, as_of,
                 config.output, revision)
    return build


def send_memo(config: Config, memo_id: str, as_of: date, dry_run: bool = False) -> int:
    """``send MEMO_ID``: deliver an already built issue to whoever has not had it yet.

    Deliveries that failed or were given up are tried again at once. With ``dry_run`` the
    messages are written as ``.eml`` files to the outbox folder and nothing is recorded.
    """
    memo = config.memo(memo_id)
    day = as_of.isoformat()
    if dry_run:
        return _dry_run(config, memo, day)
    from filelock import Timeout

    try:
        lock = run_lock(config.ledger_path)
        lock.acquire(timeout=LOCK_WAIT_SECONDS)
    except Timeout:
        raise DeliveryError(f"another run is still working after {LOCK_WAIT_SECONDS} s "
                            f"(lock {lock.lock_file}); try again when it has finished") from None
    except OSError as exc:
        raise ConfigError(f"cannot take the run lock beside {config.ledger_path} ({exc}); "
                          "check that the folder is writable, or set [paths] ledger in the "
                          "config") from exc
    try:
        with Ledger.open(config.ledger_path) as ledger:
            now = datetime.now(UTC)
            build = current_build(config, ledger, memo, day, record=True)
            plan_deliveries(config, ledger, build,
                            recipients_for(config, memo, distribution_rows(config)), now)
            ledger.recover_sending(now)
            mine = ledger.deliveries(memo.id, day, build.revision)
            ledger.retry_now([d.id for d in mine if d.outcome in ("failed", "gave-up")], now)
            done = [d for d in mine if d.outcome == "sent"]
            if done:
                log.info("%s as of %s (revision %d) was already delivered to %d recipient(s); "
                         "not sent to them again", memo.id, day, build.revision, len(done))
            todo = [d for d in ledger.deliveries(memo.id, day, build.revision)
                    if d.outcome in ("pending", "failed")]
            if not mine:
                log.warning("%s has no recipients: add recipients to its [[memos]] entry or "
                            "rows to the workbook's Distribution sheet", memo.id)
            deliver(config, ledger, todo, now)
            left = [d for d in ledger.deliveries(memo.id, day, build.revision)
                    if d.outcome not in ("sent", "superseded")]
            return EXIT_UNDELIVERED if left else EXIT_OK
    finally:
        lock.release()


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._-]+", "_", text)


def _dry_run(config: Config, memo: MemoConfig, day: str) -> int:
    with Ledger.open(config.ledger_path, create=False) as ledger:
        build = current_build(config, ledger, memo, day, record=False)
    recipients = recipients_for(config, memo, distribution_rows(config))
    if not recipients:
        log.warning("%s has no recipients: add recipients to its [[memos]] entry or rows to "
                    "the workbook's Distribution sheet", memo.id)
    folder = config.outbox_path / memo.id / day
    for person in recipients:
        msg_id = message_id(memo.id, day, build.revision, person.email)
        try:
            msg = compose(config, build, person.name, person.email, msg_id)
        except DeliveryFailure as exc:
            raise DeliveryError(str(exc)) from None
        path = atomic_write(folder / f"{memo.id}_{day}_r{build.revision}_{_safe(person.email)}"
                                     ".eml", msg.as_bytes(policy=SMTP))
        log.info("dry run: wrote the message for %s to %s", person.email, path)
    if config.delivery.drop_folder:
        log.info("dry run: would copy %s to the drop folder %s", ", ".join(
            Path(p).name for p in build.files.values()), config.delivery.drop_folder)
    return EXIT_OK

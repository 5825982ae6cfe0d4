"""The ways a message or a memo's files leave the machine: SMTP and a drop folder.

Each attempt either succeeds or raises :class:`SendFailed`; ``permanent`` failures
(a 5xx refusal, a file that cannot be read) are not retried automatically. The retry
policy is here too, shared by memo deliveries and notices: after a passing failure the
next attempt waits ``backoff_minutes``, doubled after each failure, up to
``max_attempts``.

The SMTP login comes from the environment variables the config names; neither it nor
the password is ever logged.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from reports.config.load import Config
from reports.delivery.addresses import AddressError, mail_address
from reports.output.files import write_all

log = logging.getLogger(__name__)


class SendFailed(Exception):
    """One attempt failed; ``permanent`` ones are not retried automatically."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def as_failure(exc: Exception) -> SendFailed:
    """``exc`` as a failed attempt: itself if it is one; anything else is an unexpected error
    (a bug), counted like a passing failure so that one message never stops the others."""
    if isinstance(exc, SendFailed):
        return exc
    log.debug("the failure in detail", exc_info=exc)
    return SendFailed(f"an unexpected error ({type(exc).__name__}: {exc}); rerun with "
                           "--debug for the details and report it")


def retry_at(config: Config, failure: SendFailed, attempts: int,
             now: datetime) -> datetime | None:
    """When to try again after ``attempts`` attempts failed; None: give up."""
    if failure.permanent or attempts >= config.delivery.max_attempts:
        return None
    return now + timedelta(minutes=config.delivery.backoff_minutes * 2 ** (attempts - 1))


def send_email(config: Config, msg: EmailMessage, address: str) -> None:
    """Send ``msg`` to ``address`` on a connection of its own; raise SendFailed."""
    smtp = config.smtp
    where = f"the SMTP server {smtp.host}:{smtp.port}"
    try:  # read by mail_address when the config or sheet was; an old run record's may not be
        sender, address = mail_address(smtp.sender), mail_address(address)
    except AddressError as exc:
        raise SendFailed(f"{exc}; correct it in the Distribution sheet or the config",
                         permanent=True) from None
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
        client.send_message(msg, from_addr=sender, to_addrs=[address])
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed(f"{where} refused the login ({exc.smtp_code}); check the "
                              f"environment variables {smtp.username_env} and "
                              f"{smtp.password_env}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (0, b""))
        raise SendFailed(f"{where} refused {address}: {code} {_text(text)}"
                              + _advice(code, address), permanent=500 <= code < 600) from None
    except smtplib.SMTPResponseException as exc:
        code = exc.smtp_code
        raise SendFailed(f"{where} answered {code} {_text(exc.smtp_error)}"
                              + _advice(code, address), permanent=500 <= code < 600) from None
    except smtplib.SMTPNotSupportedError as exc:  # e.g. SMTPUTF8, which no address needs
        raise SendFailed(f"{where} cannot take this message ({exc})", permanent=True) from None
    except smtplib.SMTPServerDisconnected as exc:
        reason = exc or "no reason given"
        raise SendFailed(f"{where} closed the connection ({reason})") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(f"cannot reach {where} ({exc}); check smtp.host and smtp.port "
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


def drop_files(drop_folder: Path, memo_id: str, files: dict[str, bytes]) -> list[Path]:
    """Copy an edition's files (name -> bytes) into ``<drop_folder>/<memo-id>/``, all
    written together (each whole, under its final name only when all are complete)."""
    folder = Path(drop_folder) / memo_id
    try:
        for name in files:
            for stale in folder.glob(f".{name}.*.part") if folder.exists() else ():
                stale.unlink(missing_ok=True)
        return write_all({folder / name: data for name, data in files.items()})
    except Exception as exc:  # OutputError and OSError: the share is down or read-only
        raise SendFailed(f"cannot copy to the drop folder {folder}: {exc}") from None

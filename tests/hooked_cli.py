"""Run the real command line with a test's hook in it: a pause or an injected bug.

    python tests/hooked_cli.py pause POINT MARKER SECONDS -- run --config reports.toml ...
    python tests/hooked_cli.py crash MEMO_ID -- build --config reports.toml ...
    python tests/hooked_cli.py crash-mail ADDRESS -- run --config reports.toml ...

Wraps the package's own functions (nothing in the package knows about it) and then calls
``reports.cli.main`` with the arguments after ``--``.

``pause``: when the run reaches POINT it writes MARKER ("<pid> <point>") and sleeps
SECONDS (then goes on), so a test can SIGKILL it there. Points:

- ``before-render``: the build is recorded as started, nothing made yet;
- ``after-render``: the memo's files are written (archive and published), not yet
  recorded;
- ``after-record``: recorded as issued with its deliveries planned, nothing sent yet;
- ``before-send``: the first message is claimed (``sending``) but not handed to SMTP;
- ``after-send``: the SMTP server accepted it, not yet recorded as sent.

``crash``: building the memo MEMO_ID raises an unexpected error (a stand-in for a bug in
the renderers), to show that the toolkit reports it, names the memo and builds the others.
``crash-mail``: composing the message to ADDRESS raises one (a bug in the mail code).
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def pause_hook(point: str, marker: Path, seconds: float):
    def pause() -> None:
        marker.write_text(f"{os.getpid()} {point}\n", encoding="utf-8")
        time.sleep(seconds)
    return pause


def around(owner, name: str, *, before=None, after=None) -> None:
    """Replace ``owner.name`` by a wrapper that calls ``before``/``after`` around it."""
    real = getattr(owner, name)

    @functools.wraps(real)
    def wrapper(*args, **kwargs):
        if before:
            before()
        result = real(*args, **kwargs)
        if after:
            after()
        return result

    setattr(owner, name, wrapper)


def install_pause(point: str, marker: Path, seconds: float) -> None:
    from reports import pipeline as build
    from reports.delivery import channels
    from reports.schedule import issue

    pause = pause_hook(point, marker, seconds)
    targets = {
        "before-render": (build, "make", "before"),
        "after-render": (issue.Scheduled, "issue", "before"),
        "after-record": (issue.Scheduled, "issue", "after"),
        "before-send": (channels, "send_email", "before"),
        "after-send": (channels, "send_email", "after"),
    }
    owner, name, when = targets[point]
    around(owner, name, **{when: pause})


def install_crash(memo_id: str) -> None:
    from reports.memo import contents as memos

    real = memos.build_context

    def build_context(model, spec):
        if spec.memo_id == memo_id:
            raise ZeroDivisionError("a bug planted by tests/hooked_cli.py")
        return real(model, spec)

    memos.build_context = build_context


def install_mail_crash(address: str) -> None:
    from reports.delivery import distribute

    real = distribute.compose

    def compose(config, build, name, recipient, msg_id, sent_at):
        if recipient == address:
            raise ZeroDivisionError("a bug planted by tests/hooked_cli.py")
        return real(config, build, name, recipient, msg_id, sent_at=sent_at)

    distribute.compose = compose


def main(argv: list[str]) -> int:
    split = argv.index("--")
    hook, *params = argv[:split]
    if hook == "pause":
        point, marker, seconds = params
        install_pause(point, Path(marker), float(seconds))
    elif hook == "crash":
        install_crash(*params)
    elif hook == "crash-mail":
        install_mail_crash(*params)
    else:
        raise SystemExit(f"unknown hook {hook!r}")
    from reports.cli import main as cli_main

    return cli_main(argv[split + 1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

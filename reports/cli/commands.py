"""The command line: ``python run_reports.py COMMAND`` (see docs/operations.md).

Commands only: each parses its flags, calls the library, and turns errors into a
message and an exit code (see reports/errors.py; no traceback unless ``--debug``).
Heavy modules (the workbook readers, matplotlib, the renderers) are imported inside the commands so
``--help`` and idle scheduled runs start fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reports.cli.parser import parser
from reports.errors import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_STDOUT_CLOSED,
    EXIT_UNDELIVERED,
    EXIT_USAGE,
    EXIT_WORKBOOK,
    ConfigError,
    ReportsError,
    WorkbookInvalid,
    WorkbookUnreadable,
    worst,
)
from reports.text import plural

if TYPE_CHECKING:
    from reports.schedule.run import RunReport

log = logging.getLogger("reports")

COMMANDS = {}  # name -> handler, filled by @handles below


def handles(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _setup_logging(args)
    try:
        return COMMANDS[args.command](args)
    except WorkbookInvalid as exc:
        from reports.cli.listing import problems

        _print(problems(exc.problems))
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ReportsError as exc:
        log.debug("the failure in detail", exc_info=True)
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in one line, the traceback with --debug
        if isinstance(exc, BrokenPipeError) and _stdout_closed():
            _drop_stdout()  # `... | head`: the reader has all it wanted
            return EXIT_STDOUT_CLOSED
        if args.debug:
            log.exception("internal error")
        print(f"internal error: {type(exc).__name__}: {exc}; nothing more was done. Rerun "
              "with --debug for the traceback and report it", file=sys.stderr)
        return EXIT_INTERNAL


def _stdout_closed() -> bool:
    """Whether standard output is a pipe whose reader has gone (not some other pipe or
    socket the command was using)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _fd, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no file behind it (a caller's buffer)
        return False


def _drop_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's own flush at
    exit does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file behind it (a caller's buffer)
        pass


def _setup_logging(args: argparse.Namespace) -> None:
    """The toolkit's own lines at the level asked for; other libraries' (matplotlib,
    fontTools, the web server...) at WARNING, or INFO with ``--debug``, never their debug
    detail: ``-v`` is the toolkit's detail, not theirs."""
    level = logging.DEBUG if args.verbose or args.debug else \
        logging.WARNING if args.quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if args.debug else max(level, logging.WARNING))
    logging.getLogger("reports").setLevel(level)


def _log_to_file(path: Path) -> None:
    """Also log to ``path`` (scheduled runs), one timestamped line per action."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the log file {path} ({exc.strerror or exc}); set "
                          "[paths] log_file in the config to a writable place") from exc
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)


def _config(args: argparse.Namespace):
    from reports.config.load import load_config

    explicit = getattr(args, "config", None)
    return load_config(explicit or Path("reports.toml"), required=explicit is not None)


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)


# -- commands -------------------------------------------------------------------------------

@handles("init")
def cmd_init(args: argparse.Namespace) -> int:
    from reports.workbook.excel import init_workbook

    print(init_workbook(args.path, _config(args).rules()))
    return EXIT_OK


@handles("validate")
def cmd_validate(args: argparse.Namespace) -> int:
    if args.templates:
        return _validate_templates(_config(args).templates, args.json)
    from reports.model.load import distribution_problems
    from reports.problems import sort_key
    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    config = _config(args)
    path = args.workbook or config.workbook
    try:
        book = read_workbook(path)
    except WorkbookUnreadable as exc:
        if args.json:  # scripts parse stdout: the problem goes there too, as JSON
            problem = {"severity": "error", "sheet": None, "cell": None, "column": None,
                       "code": "unreadable", "message": str(exc)}
            print(json.dumps([problem], ensure_ascii=False, indent=1))
        raise
    checked = validate(book, config.rules())
    checked.problems = sorted(checked.problems + distribution_problems(
        config, book, checked.records), key=sort_key)
    if args.annotate:
        from reports.workbook.annotate import annotate

        annotate(book.path, checked.problems, args.annotate)
        log.info("annotated copy written to %s", args.annotate)
    if args.json:
        print(json.dumps([p.as_dict() for p in checked.problems], ensure_ascii=False, indent=1))
    else:
        from reports.cli.listing import problems

        _print(problems(checked.problems))
        print(f"{path}: {plural(len(checked.errors), 'error')}, "
              f"{plural(len(checked.warnings), 'warning')}")
    return EXIT_WORKBOOK if checked.errors else EXIT_OK


# -- validate --templates (the template check: reports/template_check/check.py) -----------

def _validate_templates(folder: Path, as_json: bool) -> int:
    """Every problem of the templates in ``folder``: exit 0 when there is none, else 2."""
    from reports.template_check.check import template_problems

    problems = template_problems(folder)
    if as_json:
        print(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=1))
    else:
        for problem in problems:
            print(f"{problem.template}, {problem.where} [{problem.code}]: {problem.message}")
        print(f"{folder}: {plural(len(problems), 'template problem')}" if problems else
              f"{folder}: the templates have no problems")
    return EXIT_USAGE if problems else EXIT_OK


# -- end of validate --templates ------------------------------------------------------------


@handles("build")
def cmd_build(args: argparse.Namespace) -> int:
    from reports.config.load import adhoc_memo
    from reports.pipeline import build

    config = _config(args)
    if args.kind:
        if args.memo_ids:
            raise ConfigError("give either MEMO_IDs or --kind, not both")
        memos = [adhoc_memo(args.kind, args.issue, args.actor, args.window_days, config)]
    else:
        if args.issue or args.actor or args.window_days:
            raise ConfigError("--issue, --actor and --window-days go with --kind")
        memos = [config.memo(m) for m in args.memo_ids] if args.memo_ids else config.memos
        if not memos:
            raise ConfigError(f"no memos configured in {config.path or 'reports.toml'}; "
                              "add [[memos]] entries or use --kind")
    formats = list(dict.fromkeys(args.formats)) if args.formats else None
    report = build(config, memos, args.as_of or date.today(), formats=formats,
                   out_dir=args.out, workbook=args.workbook, jobs=args.jobs, force=args.force)
    if report.stopped is not None:
        raise report.stopped  # nothing was built: said as any error is
    for outcome in report.outcomes:
        if outcome.ok:
            _print([str(path) for path in outcome.files.values()])
        else:
            print(f"error: could not build {outcome.error}", file=sys.stderr)
    failures = report.failures
    if failures:
        print(f"error: {len(failures)} of {plural(len(report.outcomes), 'memo')} could not be "
              "built "
              f"({', '.join(o.edition.memo.id for o in failures)})"
              + ("; the others were" if len(failures) < len(report.outcomes) else ""),
              file=sys.stderr)
    return worst(*(error.exit_code for error in report.errors()))


@handles("run")
def cmd_run(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.dry_run:
        from reports.schedule.plan import plan
        from reports.schedule.run import resolve_now

        _print(plan(config, resolve_now(args.now, config)).plan)
        return EXIT_OK
    _log_to_file(config.log_path)
    from reports.schedule.run import run_due

    return run_exit_code(run_due(config, args.now))


def run_exit_code(ran: RunReport) -> int:
    """A run's exit code: its worst error (1, 2, 5, 4), then 3 while anything is not
    delivered (retried or given up), else 0."""
    codes = [error.exit_code for error in ran.errors()]
    return worst(*codes, EXIT_UNDELIVERED if ran.undelivered or ran.given_up else EXIT_OK)


@handles("send")
def cmd_send(args: argparse.Namespace) -> int:
    config = _config(args)
    _log_to_file(config.log_path)
    from reports.delivery.send import send_memo

    return send_memo(config, args.memo_id, args.as_of, dry_run=args.dry_run)


@handles("ack")
def cmd_ack(args: argparse.Namespace) -> int:
    config = _config(args)
    _log_to_file(config.log_path)
    from reports.delivery.send import acknowledge

    rows = acknowledge(config, args.memo_id, args.as_of, recipient=args.recipient,
                       every=args.all, note=args.note, by=args.by)
    _print([f"acknowledged: {r.memo_id} as of {r.as_of.isoformat()} (revision {r.revision}) "
            f"to {r.target}" for r in rows])
    return EXIT_OK


@handles("approve")
def cmd_approve(args: argparse.Namespace) -> int:
    config = _config(args)
    _log_to_file(config.log_path)
    from reports.delivery.send import login_name
    from reports.schedule.clearance import approve

    done = approve(config, args.memo_id, args.as_of, by=args.by or login_name(),
                   via="command line", note=args.note)
    what = done.decision.edition
    if done.already:
        print(f"{what} was approved already by {done.decision.by}; nothing was sent twice"
              + (f" (sent now: {done.sent})" if done.sent else ""))
    else:
        print(f"approved: {what}, by {done.decision.by}; published and sent to "
              f"{plural(done.sent, 'recipient')}")
    if done.undelivered:
        print(f"{plural(done.undelivered, 'delivery', 'deliveries')} "
              f"{'is' if done.undelivered == 1 else 'are'} not done yet; later runs retry "
              "(see `history`)", file=sys.stderr)
    return EXIT_UNDELIVERED if done.undelivered else EXIT_OK


@handles("return")
def cmd_return(args: argparse.Namespace) -> int:
    config = _config(args)
    _log_to_file(config.log_path)
    from reports.delivery.send import login_name
    from reports.schedule.clearance import return_draft

    done = return_draft(config, args.memo_id, args.as_of, by=args.by or login_name(),
                        via="command line", note=args.note)
    what = done.decision.edition
    if done.already:
        print(f"{what} was returned already by {done.decision.by}; the editors were not "
              "told again")
    else:
        print(f"returned: {what}, by {done.decision.by}; nothing was sent; told: "
              + (", ".join(done.told or []) or "nobody (no editors or operator configured)"))
    return EXIT_OK


@handles("history")
def cmd_history(args: argparse.Namespace) -> int:
    from reports.cli.listing import history, history_json
    from reports.schedule.record import RunRecord

    config = _config(args)
    with RunRecord.open(config.run_record_path, create=False) as record:
        if args.memo_id and args.memo_id not in {m.id for m in config.memos} and \
                not record.builds(args.memo_id, 1):
            from reports.text import did_you_mean

            known = {m.id for m in config.memos} | {b.memo_id for b in record.builds()}
            raise ConfigError(f'no memo "{args.memo_id}" in {config.path or "the config"} or '
                              f"the run record{did_you_mean(args.memo_id, sorted(known))}")
        if args.json:
            print(history_json(record, args.memo_id, args.limit))
        else:
            print(history(record, args.memo_id, args.limit, zone=config.desk.timezone,
                          wide=args.wide))
    return EXIT_OK


@handles("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    from reports.site.serve import serve

    return serve(_config(args))


@handles("user")
def cmd_user(args: argparse.Namespace) -> int:
    from reports.site.commands import user_command

    if args.action != "list" and not args.name:
        raise ConfigError(f"'user {args.action}' needs the user's NAME")
    _print(user_command(_config(args), args.action, args.name, args.role, args.level,
                        args.no_password, args.email))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

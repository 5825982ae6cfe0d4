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
import sys
from datetime import date, datetime
from pathlib import Path

from reports.errors import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    EXIT_WORKBOOK,
    ConfigError,
    MemosFailed,
    ReportsError,
    WorkbookInvalid,
    WorkbookUnreadable,
)
from reports.memo.kinds import FORMATS, MEMO_KINDS

log = logging.getLogger("reports")

EPILOG = """examples:
  python run_reports.py validate --workbook workbook/gsomia_relations.xlsx
  python run_reports.py build --as-of 2019-11-29
  python run_reports.py build --kind issue --issue ISSUE_ID --as-of 2019-11-29 --format html
  python run_reports.py run            # from cron, every few minutes
  python run_reports.py ack weekly --as-of 2019-11-25   # a delivery given up: accept it
  python run_reports.py user add kim --role staff --level UNCLASSIFIED   # then: serve

exit codes: 0 done, 1 workbook errors (nothing built), 2 usage, config or template error,
  3 not all delivered, 4 some memos could not be built (the others were),
  5 unexpected internal error (rerun with --debug); when several apply: 1, 2, 5, 4, 3"""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date-time; use e.g. 2019-11-25T07:00+09:00") from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="run_reports.py", description="Validate the relations workbook and build, "
        "schedule and send briefing memos.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    top.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    top.add_argument("--debug", action="store_true",
                     help="log debug detail and show the traceback of any failure")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=summary,
                              epilog="example:\n  " + example,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = command("init", "write a new, empty workbook with the Guide, tables and dropdowns "
                "(the marking and likelihood dropdowns hold the desk's levels and words)",
                "python run_reports.py init workbook/new_desk.xlsx")
    p.add_argument("path", type=Path, help="where to write it (never overwritten)")
    _common(p, config=True, workbook=False)

    p = command("validate", "report every problem in the workbook",
                "python run_reports.py validate --annotate problems.xlsx")
    _common(p, config=True, workbook=True)
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    p.add_argument("--annotate", type=Path, metavar="OUT.xlsx",
                   help="write a copy with each problem cell highlighted and commented")
    p.add_argument("--templates", action="store_true",
                   help="check the templates (memo.docx and the HTML pages) instead of the "
                        "workbook: every broken tag, where it is and what to type")

    p = command("build", "build memos from the config (all, or those named) or one --kind",
                "python run_reports.py build weekly --as-of 2019-11-29 --format docx pdf")
    p.add_argument("memo_ids", nargs="*", metavar="MEMO_ID", help="memo ids from the config")
    _common(p, config=True, workbook=True)
    p.add_argument("--as-of", type=_date, help="date the memo is as of (default today)")
    p.add_argument("--format", nargs="+", action="extend", choices=FORMATS, dest="formats",
                   help="formats to write: --format docx html, or --format docx --format "
                   "html (default: each memo's formats)")
    p.add_argument("--out", type=Path, help="output folder (default from config, else output)")
    p.add_argument("--kind", choices=MEMO_KINDS,
                   help="build one memo of this kind without a config entry")
    p.add_argument("--issue", help="issue_id for --kind issue")
    p.add_argument("--actor", help="actor_id for --kind actor")
    p.add_argument("--window-days", type=int, help="window for --kind weekly (default 7)")
    p.add_argument("--jobs", type=int,
                   help="build memos in this many processes (default: one per core)")

    p = command("run", "build and send every memo that is due (cron calls this)",
                "python run_reports.py run --now 2019-12-02T07:05+09:00")
    _common(p, config=True, workbook=False)
    p.add_argument("--now", type=_datetime, help="pretend it is this time (ISO, with a zone, "
                   "or in the config's [desk] timezone)")

    p = command("send", "send an already built memo to its recipients",
                "python run_reports.py send weekly --as-of 2019-11-29 --dry-run")
    p.add_argument("memo_id", metavar="MEMO_ID")
    _common(p, config=True, workbook=False)
    p.add_argument("--as-of", type=_date, help="which edition of the memo (default today)")
    p.add_argument("--dry-run", action="store_true",
                   help="write the messages as .eml files to the outbox folder instead")

    p = command("ack", "accept that given-up deliveries of an edition will not be made",
                "python run_reports.py ack weekly --as-of 2019-11-25 "
                "--recipient japan.desk@example.org --note 'sent by hand'")
    p.add_argument("memo_id", metavar="MEMO_ID")
    _common(p, config=True, workbook=False)
    p.add_argument("--as-of", type=_date, required=True, help="which edition of the memo")
    p.add_argument("--recipient", metavar="ADDR",
                   help="only the delivery to this address (default: every given-up one)")
    p.add_argument("--note", help="why, for the record (shown by history)")
    p.add_argument("--by", help="who acknowledges (default: your user name)")

    p = command("history", "list past builds, sends and notices from the run record",
                "python run_reports.py history weekly")
    p.add_argument("memo_id", nargs="?", metavar="MEMO_ID")
    _common(p, config=True, workbook=False)
    p.add_argument("--limit", type=int, default=50, help="most recent N rows (default 50)")

    p = command("serve", "run the desk's intranet site (workbook problems live, memo "
                "previews) until stopped", "python run_reports.py serve --config reports.toml")
    _common(p, config=True, workbook=False)

    p = command("user", "add, list or remove the site's users, or set a password (read "
                "from the terminal or standard input)",
                "python run_reports.py user add kim --role staff --level UNCLASSIFIED")
    p.add_argument("action", choices=("add", "list", "remove", "password"))
    p.add_argument("name", nargs="?", metavar="NAME", help="the user (not for list)")
    _common(p, config=True, workbook=False)
    p.add_argument("--role", choices=("staff", "clearer", "reader", "admin"),
                   help="add: what they use the site for")
    p.add_argument("--level", help="add: their handling level, one of [markings] levels")
    p.add_argument("--no-password", action="store_true",
                   help="add, password: signs in only through the proxy's single sign-on")
    return top


def _common(p: argparse.ArgumentParser, *, config: bool, workbook: bool) -> None:
    if config:
        p.add_argument("--config", type=Path, help="config file (default reports.toml)")
    if workbook:
        p.add_argument("--workbook", type=Path, help="workbook (default from the config)")


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
        if args.debug:
            log.exception("internal error")
        print(f"internal error: {type(exc).__name__}: {exc}; nothing more was done. Rerun "
              "with --debug for the traceback and report it", file=sys.stderr)
        return EXIT_INTERNAL


def _setup_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if args.verbose or args.debug else \
        logging.WARNING if args.quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


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
    from reports.pipeline import distribution_problems
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
        print(f"{path}: {len(checked.errors)} error(s), {len(checked.warnings)} warning(s)")
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
        print(f"{folder}: {len(problems)} template problem(s)" if problems else
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
    try:
        built = build(config, memos, args.as_of or date.today(), formats=formats,
                      out_dir=args.out, workbook=args.workbook, jobs=args.jobs)
    except MemosFailed as exc:
        _print([str(path) for memo in exc.built for path in memo.files.values()])
        for failure in exc.failures:
            print(f"error: could not build {failure}", file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    _print([str(path) for memo in built for path in memo.files.values()])
    return EXIT_OK


@handles("run")
def cmd_run(args: argparse.Namespace) -> int:
    config = _config(args)
    _log_to_file(config.log_path)
    from reports.schedule.run import run_due

    return run_due(config, args.now)


@handles("send")
def cmd_send(args: argparse.Namespace) -> int:
    config = _config(args)
    _log_to_file(config.log_path)
    from reports.delivery.send import send_memo

    return send_memo(config, args.memo_id, args.as_of or date.today(), dry_run=args.dry_run)


@handles("ack")
def cmd_ack(args: argparse.Namespace) -> int:
    config = _config(args)
    _log_to_file(config.log_path)
    from reports.delivery.send import acknowledge

    rows = acknowledge(config, args.memo_id, args.as_of, recipient=args.recipient,
                       note=args.note, by=args.by)
    _print([f"acknowledged: {r.memo_id} as of {r.as_of.isoformat()} (revision {r.revision}) "
            f"to {r.target}" for r in rows])
    return EXIT_OK


@handles("history")
def cmd_history(args: argparse.Namespace) -> int:
    from reports.cli.listing import history
    from reports.schedule.record import RunRecord

    config = _config(args)
    with RunRecord.open(config.run_record_path, create=False) as ledger:
        print(history(ledger, args.memo_id, args.limit))
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
                        args.no_password))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The command line's grammar: every command, its flags and its ``--help`` (with an
example each); the handlers are in :mod:`reports.cli.commands`."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from reports.memo.kinds import FORMATS, MEMO_KINDS

EPILOG = """examples:
  python run_reports.py validate --workbook workbook/gsomia_relations.xlsx
  python run_reports.py build --as-of 2019-11-29
  python run_reports.py build --kind issue --issue ISSUE_ID --as-of 2019-11-29 --format html
  python run_reports.py run            # from cron, every few minutes
  python run_reports.py ack weekly --as-of 2019-11-25 --all --note "sent by hand"
  python run_reports.py approve weekly --as-of 2019-11-25   # a draft waiting for clearance
  python run_reports.py user add kim --role staff --level UNCLASSIFIED   # then: serve

exit codes: 0 done, 1 workbook errors (nothing built), 2 usage, config or template error,
  3 not all delivered, 4 some memos could not be built (the others were),
  5 unexpected internal error (rerun with --debug); when several apply: 1, 2, 5, 4, 3"""


def as_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def as_datetime(text: str) -> datetime:
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
    p.add_argument("--as-of", type=as_date, help="date the memo is as of (default today)")
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
    p.add_argument("--force", action="store_true",
                   help="for an edition already issued to its readers, write a draft beside "
                        "it in the archive (the issued files are never changed)")

    p = command("run", "build and send every memo that is due (cron calls this)",
                "python run_reports.py run --now 2019-12-02T07:05+09:00")
    _common(p, config=True, workbook=False)
    p.add_argument("--now", type=as_datetime, help="pretend it is this time (ISO, with a zone, "
                   "or in the config's [desk] timezone)")
    p.add_argument("--dry-run", action="store_true",
                   help="say what is due and what would be built and sent to whom; write, "
                        "record and send nothing")

    p = command("send", "send an already built memo to its recipients",
                "python run_reports.py send weekly --as-of 2019-11-29 --dry-run")
    p.add_argument("memo_id", metavar="MEMO_ID")
    _common(p, config=True, workbook=False)
    p.add_argument("--as-of", type=as_date,
                   help="which edition of the memo (default: its latest)")
    p.add_argument("--dry-run", action="store_true",
                   help="write the messages as .eml files to the outbox folder instead")

    p = command("ack", "accept that given-up deliveries of an edition will not be made",
                "python run_reports.py ack weekly --as-of 2019-11-25 "
                "--recipient japan.desk@example.org --note 'sent by hand'")
    p.add_argument("memo_id", metavar="MEMO_ID")
    _common(p, config=True, workbook=False)
    p.add_argument("--as-of", type=as_date, required=True, help="which edition of the memo")
    p.add_argument("--recipient", metavar="ADDR",
                   help="the delivery to this address")
    p.add_argument("--all", action="store_true",
                   help="every given-up delivery of the edition")
    p.add_argument("--note", help="why, for the record (shown by history)")
    p.add_argument("--by", help="who acknowledges (default: your user name)")

    p = command("approve", "approve a memo's draft waiting for clearance: it is published "
                "and sent to its readers at once",
                "python run_reports.py approve weekly --as-of 2019-11-25 --note 'cleared by "
                "phone'")
    p.add_argument("memo_id", metavar="MEMO_ID")
    _common(p, config=True, workbook=False)
    p.add_argument("--as-of", type=as_date,
                   help="which edition (default: the memo's newest draft waiting)")
    p.add_argument("--note", help="why, for the record (shown by history)")
    p.add_argument("--by", help="who approves (default: your user name)")

    p = command("return", "return a memo's draft to the workbook's editors with a comment: "
                "nothing is sent, and the next run after a correction builds a new draft",
                "python run_reports.py return weekly --as-of 2019-11-25 --note 'The "
                "summit date is wrong'")
    p.add_argument("memo_id", metavar="MEMO_ID")
    _common(p, config=True, workbook=False)
    p.add_argument("--as-of", type=as_date,
                   help="which edition (default: the memo's newest draft waiting)")
    p.add_argument("--note", required=True, help="what the editors should correct (mailed "
                   "to them, and kept in the record)")
    p.add_argument("--by", help="who returns it (default: your user name)")

    p = command("history", "list past builds, sends, notices and clearances from the run "
                "record",
                "python run_reports.py history weekly")
    p.add_argument("memo_id", nargs="?", metavar="MEMO_ID")
    _common(p, config=True, workbook=False)
    p.add_argument("--limit", type=int, default=50, help="most recent N rows (default 50)")
    p.add_argument("--wide", action="store_true",
                   help="every column, nothing cut (default: lines fit 100 columns)")
    p.add_argument("--json", action="store_true", help="every field, as JSON")

    p = command("serve", "run the desk's intranet site (workbook problems live, memo "
                "previews) until stopped", "python run_reports.py serve --config reports.toml")
    _common(p, config=True, workbook=False)

    p = command("user", "add, list or remove the site's users, or set a password (read "
                "from the terminal or standard input) or an address",
                "python run_reports.py user add kim --role staff --level UNCLASSIFIED")
    p.add_argument("action", choices=("add", "list", "remove", "password", "email"))
    p.add_argument("name", nargs="?", metavar="NAME", help="the user (not for list)")
    _common(p, config=True, workbook=False)
    p.add_argument("--role", choices=("staff", "clearer", "reader", "admin"),
                   help="add: what they use the site for")
    p.add_argument("--level", help="add: their handling level, one of [markings] levels")
    p.add_argument("--no-password", action="store_true",
                   help="add, password: signs in only through the proxy's single sign-on")
    p.add_argument("--email", metavar="ADDR",
                   help="add, email: their address; a memo's clearers name users by it")
    return top


def _common(p: argparse.ArgumentParser, *, config: bool, workbook: bool) -> None:
    if config:
        p.add_argument("--config", type=Path, help="config file (default reports.toml)")
    if workbook:
        p.add_argument("--workbook", type=Path, help="workbook (default from the config)")

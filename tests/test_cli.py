"""The command line as cron and staff use it: output, JSON, exit codes, files written.

Most checks run ``reports.cli.main`` in this process (``call``, tests/clitools.py): what
is printed, the exit code and the files written are the same. One test per command keeps
a real ``python run_reports.py`` process (``cli``) so that the entry point cron and staff
start stays covered, with its exit codes as the shell sees them:

- every command's ``--help`` (and the top-level one): test_help_lists_every_command_...;
- ``validate``: test_validate_prints_cells_and_exits_1;
- ``init``: test_init_writes_a_clean_workbook_and_refuses_to_overwrite (its two ``init``);
- ``build``: test_build_with_workbook_errors_writes_nothing_and_exits_1;
- ``run`` (what cron calls), and ``build`` again: test_unknown_config_keys_stop_every_...
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import wbfactory
from clitools import call, cli

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "workbook" / "gsomia_relations.xlsx"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def broken(tmp_path: Path) -> Path:
    data = wbfactory.sheets()
    data["Events"][2][1] = "22/11/2019"
    data["Positions"][1][0] = "moon-jaein"
    return wbfactory.write(tmp_path / "broken.xlsx", data)


def test_help_lists_every_command_with_an_example():
    """A real process: each command's parser through ``run_reports.py``."""
    result = cli("--help")
    assert result.returncode == 0
    for command in ("init", "validate", "build", "run", "send", "ack", "history"):
        assert command in result.stdout
        sub = cli(command, "--help")
        assert sub.returncode == 0 and "example:" in sub.stdout


def test_validate_bundled_workbook_is_clean():
    before = sha(BUNDLED)
    result = call("validate", "--workbook", str(BUNDLED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout
    assert sha(BUNDLED) == before


def test_validate_prints_cells_and_exits_1(tmp_path):
    """A real process: ``validate`` as staff run it, exit code 1 as the shell sees it."""
    path = broken(tmp_path)
    before = sha(path)
    result = cli("validate", "--workbook", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["SEVERITY", "WHERE", "CODE", "MESSAGE"]
    assert any("Events!B3 (date)" in line and '"22/11/2019" is not a date' in line
               for line in lines)
    assert any("Positions!A2 (actor_id)" in line and 'did you mean "moon-jae-in"' in line
               for line in lines)
    assert sha(path) == before


def test_validate_json(tmp_path):
    result = call("validate", "--workbook", str(broken(tmp_path)), "--json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert {tuple(sorted(p)) for p in problems} == {
        ("cell", "code", "column", "message", "severity", "sheet")}
    assert {(p["severity"], p["sheet"], p["cell"], p["code"]) for p in problems} >= {
        ("error", "Events", "B3", "bad-date"), ("error", "Positions", "A2", "unknown-ref")}


def test_validate_annotate_writes_a_copy_and_leaves_the_original(tmp_path):
    path = broken(tmp_path)
    before = sha(path)
    out = tmp_path / "annotated.xlsx"
    result = call("validate", "--workbook", str(path), "--annotate", str(out))
    assert result.returncode == 1
    assert out.exists() and sha(path) == before
    import openpyxl

    book = openpyxl.load_workbook(out)
    assert "is not a date" in book["Events"]["B3"].comment.text


@pytest.mark.parametrize("content,expected", [
    (b"", "is empty"),
    (b"id,date\n1,2019-11-22\n", "is a text file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "legacy Excel"),
])
def test_unreadable_files_get_one_sentence_and_exit_1(tmp_path, content, expected):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    result = call("validate", "--workbook", str(path))
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_workbook_file(tmp_path):
    result = call("validate", "--workbook", str(tmp_path / "nope.xlsx"))
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_init_writes_a_clean_workbook_and_refuses_to_overwrite(tmp_path):
    """``init`` in a real process, both times (exit 0, then 2 as the shell sees it)."""
    path = tmp_path / "new.xlsx"
    assert cli("init", str(path)).returncode == 0
    assert call("validate", "--workbook", str(path)).returncode == 0
    again = cli("init", str(path))
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.parametrize("toml,key", [
    ('[[memos]]\nid = "w"\nkind = "monthly"\n', "memos[0].kind"),
    ('[[memos]]\nid = "w"\nkind = "weekly"\nwindow_days = "seven"\n', "memos[0].window_days"),
    ('[[memos]]\nid = "i"\nkind = "issue"\n', "memos[0].issue"),
    ('[desk]\noffice = 5\n', "desk.office"),
    ('[[memos]]\nid = "w"\nkind = "weekly"\nschedule = { cron = "every monday" }\n',
     "memos[0].schedule.cron"),
])
def test_config_errors_name_the_key_and_exit_2(tmp_path, toml, key):
    config = tmp_path / "reports.toml"
    config.write_text(toml)
    result = call("build", "--config", str(config))
    assert result.returncode == 2
    assert key in result.stderr


def test_unknown_config_keys_stop_every_command_naming_each(tmp_path):
    """A typo in the config never silently does nothing: a memo's misspelt schedule would
    leave it unscheduled, so build and run refuse the config (exit 2), writing nothing.
    Real processes: ``run`` as cron starts it, and ``build``."""
    config = tmp_path / "reports.toml"
    config.write_text('[desk]\nofice = "typo"\n[[memos]]\nid = "w"\nkind = "weekly"\n'
                      'colour = "blue"\nshedule = { cron = "0 7 * * MON", timezone = "UTC" }\n'
                      f'[paths]\noutput = "{tmp_path / "out"}"\n')
    for command in (["build"], ["run", "--now", "2019-11-25T07:05+00:00"]):
        result = cli(*command, "--config", str(config))
        assert result.returncode == 2, result.stderr
        assert 'desk.ofice: unknown key (did you mean "office"?)' in result.stderr
        assert "memos[0].colour: unknown key; the keys here are: id, kind" in result.stderr
        assert 'memos[0].shedule: unknown key (did you mean "schedule"?)' in result.stderr
        assert "has 3 problems" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_with_workbook_errors_writes_nothing_and_exits_1(tmp_path):
    """A real process: ``build`` as staff run it, exit code 1 as the shell sees it."""
    out = tmp_path / "out"
    result = cli("build", "--kind", "weekly", "--as-of", "2019-11-29", "--workbook",
                 str(broken(tmp_path)), "--out", str(out))
    assert result.returncode == 1
    assert "Events!B3" in result.stdout
    assert not out.exists() or not any(out.rglob("*.*"))


def test_bad_date_flag_is_a_usage_error():
    result = call("build", "--as-of", "29/11/2019")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


# -- the Distribution sheet against the config --------------------------------------------------

DESK = """
[[memos]]
id = "weekly"
kind = "weekly"
schedule = { cron = "0 7 * * MON", timezone = "Asia/Seoul" }
[[memos]]
id = "overview"
kind = "overview"
schedule = { cron = "0 7 * * MON", timezone = "Asia/Seoul" }
recipients = [{ email = "director@example.org" }]
[[memos]]
id = "issue-gsomia"
kind = "issue"
issue = "gsomia"
"""


def distribution(tmp_path: Path, rows: list[list]) -> tuple[Path, Path]:
    data = wbfactory.sheets()
    data["Distribution"] = [["memo_id", "name", "email", "active", "editor"], *rows]
    book = wbfactory.write(tmp_path / "desk.xlsx", data)
    config = tmp_path / "reports.toml"
    config.write_text(f'[paths]\nworkbook = "{book}"\noutput = "{tmp_path / "out"}"\n'
                      f'templates = "{ROOT / "templates"}"\n' + DESK)
    return book, config


def test_validate_checks_the_distribution_sheet_against_the_config(tmp_path):
    _, config = distribution(tmp_path, [
        ["weekyl", "Typo", "typo@example.org", "yes", ""],
        ["weekly", "Reader", "reader@example.org", "yes", ""],
        ["weekly", "Again", "Reader@Example.org", "yes", ""],
        ["issue-gsomia", "Bad", "not-an-address", "yes", ""],
        ["issue-gsomia", "Editor", "editor@example.org", "no", "maybe"],
        ["overview-old", "Gone", "gone@example.org", "no", ""],
    ])
    result = call("validate", "--config", str(config))
    assert result.returncode == 1
    out = result.stdout
    lines = out.splitlines()
    assert any("Distribution!A2 (memo_id)" in line and "unknown-memo" in line and
               '"weekyl" is not a memo id in reports.toml (did you mean "weekly"?)' in line
               for line in lines)
    assert any("Distribution!A7 (memo_id)" in line and '"overview-old"' in line and
               'did you mean "overview"' in line for line in lines)
    assert any("Distribution!C4 (email)" in line and "duplicate-recipient" in line and
               "(first in row 3)" in line for line in lines)
    assert any("Distribution!C5 (email)" in line and "bad-email" in line for line in lines)
    assert any("Distribution!E6 (editor)" in line and '"maybe" is not yes or no' in line
               for line in lines)
    assert out.splitlines()[-1].endswith("4 errors, 1 warning")
    json_out = json.loads(call("validate", "--config", str(config), "--json").stdout)
    codes = {(p["cell"], p["code"]) for p in json_out}
    assert {("A2", "unknown-memo"), ("C4", "duplicate-recipient"), ("E6", "bad-flag")} <= codes


def test_a_scheduled_memo_nobody_receives_is_a_warning(tmp_path):
    _, config = distribution(tmp_path, [
        ["weekly", "Paused", "paused@example.org", "no", ""],
        ["overview", "Director", "director@example.org", "yes", ""],
    ])
    result = call("validate", "--config", str(config))
    assert result.returncode == 0, result.stdout
    (line,) = [x for x in result.stdout.splitlines() if "no-recipients" in x]
    assert line.startswith("warning") and 'memo "weekly" is scheduled but goes to nobody' in line
    assert "issue-gsomia" not in result.stdout  # not scheduled: built by hand, mailed by send


def test_build_refuses_a_distribution_sheet_naming_an_unknown_memo(tmp_path):
    book, config = distribution(tmp_path, [["weekyl", "Typo", "typo@example.org", "yes", ""]])
    before = sha(book)
    result = call("build", "weekly", "--config", str(config), "--as-of", "2019-11-29")
    assert result.returncode == 1
    assert "Distribution!A2 (memo_id)" in result.stdout and 'did you mean "weekly"' in \
        result.stdout
    assert not (tmp_path / "out").exists()
    assert sha(book) == before


def test_help_lists_ack_and_debug():
    result = call("--help")
    assert "ack" in result.stdout and "--debug" in result.stdout
    assert "4 some memos could not be built" in result.stdout
    ack = call("ack", "--help")
    assert ack.returncode == 0 and "--recipient" in ack.stdout and "example:" in ack.stdout

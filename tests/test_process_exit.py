"""How ``python run_reports.py`` ends, as a shell or cron sees it.

The command line ends its process as soon as the command is done (``reports.cli.run``):
the exit hooks run and the output is flushed, but the interpreter does not free every
object one by one. Whatever was printed or logged must still arrive whole, and a reader
that stops reading (``| head``) ends the command quietly.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import cli

REPO = Path(__file__).resolve().parents[1]
# As cron starts it: standard output a pipe with a buffer, not written through at once.
BUFFERED: dict[str, str | None] = {"PYTHONUNBUFFERED": None}


@pytest.fixture(scope="module")
def many_problems(tmp_path_factory) -> tuple[Path, Path]:
    """A generated workbook of 3,000 events whose rows are marked "UNCLASSIFIED", and the
    bundled desk's config, which has no such level: one error per marked row."""
    folder = tmp_path_factory.mktemp("many")
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "3000", "--out",
                    str(folder / "big.xlsx")], check=True, stdout=subprocess.DEVNULL)
    return folder / "big.xlsx", REPO / "reports.toml"


def test_a_long_listing_arrives_whole_through_a_pipe(many_problems):
    """About a megabyte of problems, as JSON and as the table: every one arrives, and the
    table's last line counts as many as the JSON holds."""
    workbook, config = many_problems
    as_json = cli("validate", "--workbook", str(workbook), "--config", str(config), "--json",
                  env=BUFFERED)
    as_table = cli("validate", "--workbook", str(workbook), "--config", str(config),
                   env=BUFFERED)
    for done in (as_json, as_table):
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
    problems = json.loads(as_json.stdout)  # the last byte is there, or this fails
    assert len(as_json.stdout) > 500_000
    assert sum(p["code"] == "bad-marking" for p in problems) > 1000
    lines = as_table.stdout.splitlines()
    assert lines[0].split()[:3] == ["SEVERITY", "WHERE", "CODE"]
    summary = re.search(r": ([\d,]+) errors?, ([\d,]+) warnings?$", lines[-1])
    assert summary, lines[-1]
    errors, warnings = (int(n.replace(",", "")) for n in summary.groups())
    assert errors == sum(p["severity"] == "error" for p in problems)
    assert warnings == sum(p["severity"] == "warning" for p in problems)
    assert sum(line.startswith(("error", "warning")) for line in lines) == len(problems)


@pytest.mark.parametrize("lines_read", [0, 1, 40])
def test_a_reader_that_stops_reading_ends_the_command_quietly(many_problems, lines_read):
    workbook, config = many_problems
    proc = subprocess.Popen([sys.executable, str(REPO / "run_reports.py"), "validate",
                             "--workbook", str(workbook), "--config", str(config)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=_environment())
    assert proc.stdout is not None and proc.stderr is not None
    for _ in range(lines_read):
        assert proc.stdout.readline()
    proc.stdout.close()  # as `| head` does when it has its lines
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    for noise in ("internal error", "Traceback", "Exception ignored", "BrokenPipe"):
        assert noise not in err, err


def test_the_log_file_of_a_run_is_complete_when_the_process_has_ended(tmp_path):
    """The log is written by a handler the exit hooks flush: its last line is there."""
    config = tmp_path / "reports.toml"
    config.write_text(
        f'[paths]\nworkbook = "{REPO / "workbook" / "gsomia_relations.xlsx"}"\n'
        f'templates = "{REPO / "templates"}"\n\n[delivery]\ndrop_folder = "drop"\n\n'
        '[[memos]]\nid = "weekly"\nkind = "weekly"\ntitle = "Weekly"\nformats = ["html"]\n'
        'schedule = { cron = "0 8 * * mon", timezone = "UTC" }\n', encoding="utf-8")
    done = cli("run", "--config", str(config), "--now", "2019-11-25T09:00:00+00:00",
               env=BUFFERED)
    assert done.returncode == 0, done.stderr
    logs = sorted(tmp_path.rglob("*.log"))
    assert logs, sorted(p.name for p in tmp_path.rglob("*"))
    last = [log.read_text(encoding="utf-8").splitlines()[-1] for log in logs]
    # the run's last act was the copy to the drop folder: the line saying so is there
    assert any("copied weekly as of 2019-11-25 (revision 1) to the drop folder" in line
               for line in last), last

def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in BUFFERED}


@pytest.mark.parametrize("where", ["a mail server", "LibreOffice's converter"])
def test_a_broken_pipe_that_is_not_standard_output_is_an_internal_error(monkeypatch, where):
    """Only a reader of the output that went away ends a command quietly: a connection the
    command itself used, broken under it, is said as the failure it is (exit 5)."""
    from clitools import call

    from reports.cli import commands

    def broken(_args):
        raise BrokenPipeError(32, f"Broken pipe (writing to {where})")

    monkeypatch.setitem(commands.COMMANDS, "validate", broken)
    done = call("validate")
    assert done.returncode == 5
    assert f"internal error: BrokenPipeError: [Errno 32] Broken pipe (writing to {where})" \
        in done.stderr

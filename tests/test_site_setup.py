"""Setting the site up: the ``[site]`` table, the ``user`` command, what a row's level
hides, and ``serve`` refusing what it cannot do.

``serve`` always runs as a real ``python run_reports.py`` process here (refusing, exit 2
as the shell sees it, or serving). Of the ``user`` commands, the first ``user add`` in
test_user_commands_add_list_change_and_remove_users is a real process, its password
piped in on standard input as an administrator's script would; the others run
``reports.cli.main`` in this process (``call``, tests/clitools.py), where the output,
exit code and record written are the same.
"""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
import sitetools
from clitools import call, cli
from sitetools import PASSWORD, SECRET_ID

from reports.config.load import load_config
from reports.errors import ConfigError
from reports.site.saved import take


def run(config, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """A real process."""
    return cli(*args, "--config", str(config), stdin=stdin, timeout=120, cwd=config.parent)


def user(config, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``user ARGS`` in this process."""
    return call("user", *args, "--config", str(config), stdin=stdin, cwd=config.parent)


@pytest.mark.parametrize(("lines", "expected"), [
    ("adress = \"0.0.0.0\"", 'site.adress: unknown key (did you mean "address"?)'),
    ("port = 70000", "site.port: must be a port number"),
    ("port = \"8080\"", "site.port: expected a whole number"),
    ("proxy_header = \"X-Remote-User\"", "site.trusted_proxies: give the addresses"),
    ("trusted_proxies = [\"10.0.0.300\"]", '"10.0.0.300" is not an IP address'),
    ("trusted_proxies = [\"10.0.0.1\"]", "site.proxy_header: name the header"),
    ("proxy_header = \"X Remote\"\ntrusted_proxies = [\"10.0.0.1\"]",
     '"X Remote" is not an HTTP header name'),
    ("password_sign_in = false", "nobody could sign in"),
    ("tls_cert = \"cert.pem\"", "give both site.tls_cert and site.tls_key"),
    ("tls_cert = \"cert.pem\"\ntls_key = \"key.pem\"", "cert.pem is not a file"),
    ("session_hours = 0", "site.session_hours: must be at least 0.1"),
])
def test_every_wrong_site_setting_is_refused_naming_its_key(tmp_path, lines, expected):
    config = sitetools.desk(tmp_path, site=lines)
    with pytest.raises(ConfigError, match=None) as caught:
        load_config(config)
    assert expected in str(caught.value)
    result = run(config, "serve")
    assert result.returncode == 2 and expected in result.stderr


def test_user_commands_add_list_change_and_remove_users(tmp_path):
    config = sitetools.desk(tmp_path)
    added = run(config, "user", "add", "kim", "--role", "staff", "--level", "CONFIDENTIAL",
                stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added kim: staff, CONFIDENTIAL, signs in with a password"
    sso = user(config, "add", "lee", "--role", "reader", "--level", "SECRET", "--no-password")
    assert sso.returncode == 0 and "single sign-on only" in sso.stdout
    listed = user(config, "list")
    assert listed.stdout.split("\n")[1].split() == ["kim", "staff", "CONFIDENTIAL", "password"]
    assert "lee" in listed.stdout and "sign-on only" in listed.stdout
    ledger = load_config(config).run_record_path
    stored = sqlite3.connect(ledger).execute(
        "SELECT password_hash FROM site_users WHERE name = 'kim'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PASSWORD not in ledger.read_bytes().decode("latin-1")
    for args, stdin, message in [
        (("add", "kim", "--role", "staff", "--level", "SECRET"), PASSWORD,
         'there is already a user "kim"'),
        (("add", "ann", "--role", "staff", "--level", "TOP SECRET"), PASSWORD,
         '"TOP SECRET" is not one of the desk\'s handling levels'),
        (("add", "ann", "--role", "staff", "--level", "SECRET"), "short",
         "a password needs at least 12 characters"),
        (("add", "ann", "--role", "staff", "--level", "SECRET"), "",
         "no password on standard input"),
        (("add", "a b", "--role", "staff", "--level", "SECRET"), PASSWORD,
         '"a b" is not a user name'),
        (("add", "ann"), PASSWORD, "'user add' needs --role"),
        (("remove", "kimm"), "", 'there is no user "kimm" (did you mean "kim"?)'),
        (("password",), "", "'user password' needs the user's NAME"),
    ]:
        result = user(config, *args, stdin=stdin + "\n" if stdin else "")
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
    changed = user(config, "password", "kim", stdin="another long password\n")
    assert changed.returncode == 0 and "their sessions were ended" in changed.stdout
    assert user(config, "remove", "kim").stdout.strip() == \
        "removed kim (their sessions were ended)"
    assert "kim" not in user(config, "list").stdout


def test_a_problem_needs_the_level_of_its_row_and_of_any_id_it_suggests(tmp_path):
    config = sitetools.desk(tmp_path)
    sitetools.marked(tmp_path / "wb" / "book.xlsx", secret_error=True, open_error=True,
                     near_miss=True)
    saved = take(load_config(config))
    needs = {(p.sheet, p.cell, p.code): rank for p, rank in
             zip(saved.problems, saved.ranks, strict=True)}
    assert needs == {
        ("Actors", "D4", "bad-country"): 2,  # the SECRET row
        ("Actors", "A4", "unused-actor"): 2,
        ("Events", "B2", "bad-date"): 0,  # an unmarked row: the default level
        ("Positions", "A5", "unknown-ref"): 2,  # its "did you mean" names the SECRET actor
    }
    assert [p.sheet for p in saved.problems] == ["Actors", "Actors", "Events", "Positions"]
    assert saved.top_rank == 2 and saved.loaded is None
    shown, withheld = saved.visible(1)
    assert [p.code for p in shown] == ["bad-date"]
    assert all(SECRET_ID not in p.message for p in shown) and len(withheld) == 3


def test_a_row_whose_marking_is_not_a_level_counts_as_the_highest(tmp_path):
    import wbfactory

    config = sitetools.desk(tmp_path)
    data = wbfactory.sheets()
    data["Issues"][0].append("marking")
    data["Issues"][1].append("TOP SEKRIT")
    wbfactory.write(tmp_path / "wb" / "book.xlsx", data)
    saved = take(load_config(config))
    (problem,) = saved.problems
    assert problem.code == "bad-marking" and saved.ranks == [2]
    assert saved.top_rank == 2


def test_an_unreadable_workbook_is_one_problem_everyone_may_read(tmp_path):
    config = sitetools.desk(tmp_path)
    (tmp_path / "wb" / "book.xlsx").write_text("not,a,workbook\n", encoding="utf-8")
    saved = take(load_config(config))
    assert [(p.code, r) for p, r in zip(saved.problems, saved.ranks, strict=True)] == [
        ("unreadable", 0)]
    assert "is a text file, not an .xlsx workbook" in saved.problems[0].message
    assert saved.data is None and saved.loaded is None


def test_serve_refuses_a_port_in_use_and_a_missing_workbook_folder(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = sitetools.desk(tmp_path / "a", port=port)
        result = run(config, "serve")
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    config = sitetools.desk(tmp_path / "b")
    config.write_text(config.read_text().replace('"wb/book.xlsx"', '"nowhere/book.xlsx"'))
    result = run(config, "serve")
    assert result.returncode == 2 and "the workbook's folder" in result.stderr


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One desk served for the two tests below, each with users of its own: its workbook
    has an UNCLASSIFIED event whose date is no date (the preview test reads that; the
    sessions test only needs a page its users may open)."""
    folder = tmp_path_factory.mktemp("served")
    config = sitetools.desk(folder)
    sitetools.marked(folder / "wb" / "book.xlsx", open_error=True)
    sitetools.add_users(config, {"kim": ("staff", "SECRET"), "lee": ("staff", "SECRET"),
                                 "ann": ("clearer", "SECRET")})
    with sitetools.serving(config) as base:
        yield config, base


def test_a_removed_user_or_a_new_password_ends_their_sessions_at_once(served):
    config, base = served
    kim, lee = sitetools.Client(base), sitetools.Client(base)
    assert kim.sign_in("kim") == 303 and lee.sign_in("lee") == 303
    assert kim.get("/workbook")[0] == lee.get("/workbook")[0] == 200
    assert user(config, "password", "kim", stdin="another long password\n").returncode == 0
    assert user(config, "remove", "lee").returncode == 0
    assert kim.get("/workbook")[0] == lee.get("/workbook")[0] == 303
    assert kim.sign_in("kim") == 400  # the old password no longer works
    assert kim.sign_in("kim", "another long password") == 303


def test_while_the_workbook_has_errors_a_preview_says_so(served):
    _, base = served
    client = sitetools.Client(base)
    client.sign_in("ann")
    status, _, page = client.get("/memos/weekly?as_of=2019-11-25")
    assert status == 200 and "the workbook has 1 error: no memo can be built" in \
        page.decode()
    assert b"<iframe" not in page
    status, _, page = client.get("/memos/weekly/preview.docx?as_of=2019-11-25")
    assert status == 409 and b"the workbook has 1 error" in page
    status, _, page = client.get("/memos/weekly?as_of=25/11/2019")
    assert b"That is not a date; give it as YYYY-MM-DD." in page

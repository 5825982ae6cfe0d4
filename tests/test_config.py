"""``reports.toml``: every problem at once, types by the dataclasses' hints, the keys of
the other issues (budgets, markings, yardstick, grades, editors, operator, time zone)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pytest
from clitools import call
from fixtures_mail import write_config

from reports import tradecraft
from reports.config.keys import config_keys
from reports.config.load import adhoc_memo, load_config
from reports.errors import ConfigError
from reports.memo.kinds import DEFAULT_BUDGETS
from reports.schedule.run import resolve_now

MEMO = '[[memos]]\nid = "weekly"\nkind = "weekly"\n'


def load(tmp_path: Path, text: str):
    path = tmp_path / "reports.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def problems(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path):
    text = problems(tmp_path, """
[desk]
office = 5
timezone = "Mars/Olympus"
editors = ["ok@example.org", "not an address"]
yardstick = "nato"
min_grade = "Z9"
[smtp]
security = "ssl"
port = 0
[delivery]
operator = "ops"
max_attempts = 0
[budgets.monthly]
max_events = 3
[budgets.weekly]
max_events = 0
[[memos]]
id = "Weekly!"
kind = "weekly"
[[memos]]
id = "w"
kind = "monthly"
[[memos]]
id = "x"
kind = "weekly"
window_days = "seven"
formats = ["docx", "odt"]
schedule = { cron = "every monday", timezone = "Asia/Seoul" }
max_events = "ten"
recipients = [{ name = "No address" }, "y@example.org"]
[[memos]]
id = "i"
kind = "issue"
""")
    expected = [
        "desk.office: expected text, got 5", 'desk.timezone: unknown time zone "Mars/Olympus"',
        'desk.editors[1]: "not an address" has a space in it',
        'desk.yardstick: "nato" is not one of: icd203, uk',
        'desk.min_grade: "Z9" is not a source grade', 'smtp.security: "ssl" is not one of',
        "smtp.port: must be a port number", 'delivery.operator: "ops" is not an email address',
        "delivery.max_attempts: must be at least 1",
        'budgets.monthly: unknown memo kind "monthly"', "budgets.weekly.max_events: must be at",
        'memos[0].id: "Weekly!" is not a valid memo id',
        'memos[1].kind: "monthly" is not one of: overview, weekly, issue, actor',
        'memos[2].window_days: expected a whole number, got "seven"',
        'memos[2].formats[1]: "odt" is not one of: docx, html, pdf',
        'memos[2].schedule.cron: "every monday" is not a valid cron expression',
        'memos[2].max_events: expected a whole number, got "ten"',
        "memos[2].recipients[0].email: is required and missing",
        'memos[2].recipients[1]: expected a table, got "y@example.org"',
        'memos[3].issue: an issue memo needs issue = "<issue_id>"']
    for line in expected:
        assert line in text, line
    assert text.count("\n") == len(expected)  # one line each, after the heading
    assert f"has {len(expected)} problems" in text


def test_each_problem_is_data_naming_file_key_and_code(tmp_path):
    """The ConfigError carries every problem as a Problem: file, key, code, message."""
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, '[smtp]\nport = 0\nsecurity = "ssl"\nhost = 5\n[desk]\ntimezone = "X"\n'
             '[[memos]]\nid = "weekly"\nkind = "weekyl"\n')
    assert [(p.key, p.code) for p in caught.value.problems] == [  # in the loader's order
        ("desk.timezone", "bad-value"), ("memos[0].kind", "bad-choice"),
        ("smtp.port", "out-of-range"), ("smtp.security", "bad-choice"),
        ("smtp.host", "wrong-type")]
    first = caught.value.problems[0]
    assert first.source == "config" and first.file == str(tmp_path / "reports.toml")
    assert first.as_dict()["key"] == first.key and str(first).startswith(first.key + ": ")
    assert 'is not one of: overview, weekly, issue, actor (did you mean "weekly"?)' in \
        str(caught.value)


@pytest.mark.parametrize(("toml", "message"), [
    (MEMO + MEMO, 'memos[1].id: memo id "weekly" is used twice (first in memos[0])'),
    (MEMO + 'schedule = { cron = "0 7 * * MON" }\n',
     "memos[0].schedule.timezone: say which zone the cron times are in"),
    ('[markings]\nlevels = ["U", "C"]\n' + MEMO + 'marking = "SECRET"\n',
     'memos[0].marking: "SECRET" is not a configured marking level; use one of: U, C'),
    ('[markings]\nlevels = ["U", "C"]\nportions = ["U"]\n' + MEMO,
     "markings: give one portion mark per level, or none"),
    ('[markings]\nlevels = []\n', "markings.levels: give the handling levels"),
    ('[desk]\nmarking = "RESTRICTED"\n[markings]\nlevels = ["U", "C"]\n',
     'desk.marking: "RESTRICTED" is not one of markings.levels: U, C'),
    ("memos = 3\n", "memos: must be a list of [[memos]] tables"),
    ("[desk]\nbroken = \n", "is not valid TOML"),
])
def test_one_problem_names_its_key(tmp_path, toml, message):
    assert message in problems(tmp_path, toml)


SCHEDULE = 'schedule = { cron = "0 7 * * MON", timezone = "Asia/Seoul" }\n'


@pytest.mark.parametrize(("toml", "key", "meant"), [
    ('[desk]\nofice = "x"\n', "desk.ofice", "office"),
    ("[budget]\nx = 1\n", "budget", "budgets"),
    ('[[memo]]\nid = "weekly"\nkind = "weekly"\n' + SCHEDULE, "memo", "memos"),
    (MEMO + "windw_days = 3\n", "memos[0].windw_days", "window_days"),
    (MEMO + SCHEDULE.replace("schedule", "shedule"), "memos[0].shedule", "schedule"),
    (MEMO + "max_event = 3\n", "memos[0].max_event", "max_events"),
    (MEMO + 'schedule = { cron = "0 7 * * MON", timezon = "UTC" }\n',
     "memos[0].schedule.timezon", "timezone"),
    (MEMO + 'recipients = [{ email = "a@example.org", nmae = "A" }]\n',
     "memos[0].recipients[0].nmae", "name"),
    ("[budgets.weekly]\nmax_shift = 3\n", "budgets.weekly.max_shift", "max_shifts"),
    ("[budgets.weekley]\nmax_events = 3\n", "budgets.weekley", "weekly"),
    ('[smtp]\nhots = "mail.example.org"\n', "smtp.hots", "host"),
    ('[paths]\nworkbok = "x.xlsx"\n', "paths.workbok", "workbook"),
    ('[markings]\nlevel = ["U"]\nlevels = ["U"]\n', "markings.level", "levels"),
    ('[delivery]\noperater = "ops@example.org"\n', "delivery.operater", "operator"),
    ('[site]\nadress = "0.0.0.0"\n', "site.adress", "address"),
])
def test_an_unknown_key_or_table_is_refused_with_what_was_meant(tmp_path, toml, key, meant):
    """A typo never silently does nothing (a scheduled memo left unscheduled): exit 2."""
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, toml)
    [problem] = [p for p in caught.value.problems if p.code == "unknown-key"]
    assert problem.key == key
    assert f'(did you mean "{meant}"?)' in problem.message


def test_an_unknown_key_far_from_any_lists_the_keys_there(tmp_path):
    text = problems(tmp_path, MEMO + 'schedule = { cron = "0 7 * * MON", tz = "UTC" }\n')
    assert "memos[0].schedule.tz: unknown key; the keys here are: cron, timezone" in text
    text = problems(tmp_path, "[colours]\nx = 1\n")
    assert "colours: unknown table; the tables here are: paths, desk, smtp" in text


@pytest.mark.parametrize(("toml", "key"), [
    ("[budgets.weekly]\npage_budget = 3\n", "budgets.weekly.page_budget"),
    ("[budgets.actor]\npage_budget = 2\nmax_events = 3\n", "budgets.actor.page_budget"),
    (MEMO + "page_budget = 2\n", "memos[0].page_budget"),
])
def test_page_budget_is_refused_saying_why_and_what_to_use(tmp_path, toml, key):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, toml)
    [problem] = caught.value.problems
    assert (problem.key, problem.code) == (key, "removed-key")
    assert "no longer a setting" in problem.message and "max_events" in problem.message


@pytest.mark.parametrize(("toml", "key", "kind"), [
    (MEMO + 'issue = "gsomia"\n', "memos[0].issue", "issue"),
    ('[[memos]]\nid = "o"\nkind = "overview"\nactor = "moon-jae-in"\n', "memos[0].actor",
     "actor"),
    ('[[memos]]\nid = "i"\nkind = "issue"\nissue = "gsomia"\noutlook_days = 9\n',
     "memos[0].outlook_days", "weekly"),
    (MEMO + "significance_floor = 3\n", "memos[0].significance_floor", "overview"),
    ('[[memos]]\nid = "a"\nkind = "actor"\nactor = "x"\nissue = "gsomia"\n', "memos[0].issue",
     "issue"),
])
def test_a_key_the_memo_kind_does_not_read_is_refused(tmp_path, toml, key, kind):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, toml)
    [problem] = caught.value.problems
    assert (problem.key, problem.code) == (key, "misplaced-key")
    assert f"only an {kind} memo" in problem.message or f"only a {kind} memo" in \
        problem.message


def test_budgets_per_kind_and_per_memo(tmp_path):
    config = load(tmp_path, """
[budgets.weekly]
max_events = 20
annex_rows = 50
""" + MEMO + """
max_shifts = 2
[[memos]]
id = "other-weekly"
kind = "weekly"
[[memos]]
id = "overview"
kind = "overview"
""")
    weekly, other, overview = config.memos
    assert weekly.budget.max_shifts == 2 and weekly.budget.max_events == 20
    assert weekly.budget.annex_rows == 50
    assert other.budget.max_shifts == DEFAULT_BUDGETS["weekly"].max_shifts
    assert other.budget.max_events == 20
    assert overview.budget == DEFAULT_BUDGETS["overview"]
    assert adhoc_memo("weekly", None, None, None, config).budget.max_events == 20


def test_markings_yardstick_grades_and_languages(tmp_path):
    config = load(tmp_path, """
[desk]
yardstick = "uk"
min_grade = "c3"
east_asian_lang = "ja"
[markings]
levels = ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET"]
portions = ["U", "C", "S"]
default = "UNCLASSIFIED"
portion_marks = true
""" + MEMO + 'marking = "C"\nmin_grade = "B"\n[[memos]]\nid = "o"\nkind = "overview"\n')
    assert config.yardstick is tradecraft.UK_PHIA
    assert config.markings == tradecraft.Markings(
        ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET"), ("U", "C", "S"), "UNCLASSIFIED", True)
    weekly, overview = config.memos
    assert weekly.marking == "CONFIDENTIAL"  # the portion mark names the level
    assert (weekly.min_reliability, weekly.min_credibility) == ("B", None)
    assert overview.marking == "UNCLASSIFIED"  # the desk's default is the ceiling
    assert (overview.min_reliability, overview.min_credibility) == ("C", "3")
    assert config.desk.east_asian_lang == "ja" and config.desk.marking == "UNCLASSIFIED"
    # Without [markings], the one level is [desk] marking.
    plain = load(tmp_path, '[desk]\nmarking = "OFFICIAL"\n' + MEMO)
    assert plain.markings.levels == ("OFFICIAL",) and plain.memos[0].marking == "OFFICIAL"
    assert plain.yardstick is tradecraft.ICD203


def test_every_key_is_listed_with_its_type_and_default():
    keys = {key: (kind, default) for key, kind, default in config_keys()}
    assert keys["desk.editors"] == ("a list of text", "[]")
    assert keys["desk.yardstick"] == ("one of: icd203, uk", '"icd203"')
    assert keys["delivery.operator"] == ("text", "(none)")
    assert keys["markings.portion_marks"] == ("true or false", "false")
    assert keys["memos[].max_events"][0] == "a whole number"
    assert not any(key.endswith("page_budget") for key in keys)  # refused: see above
    assert keys["memos[].kind"] == ("one of: overview, weekly, issue, actor", "(required)")
    assert len(keys) == len(config_keys())  # each key once


# -- --now and the zone ----------------------------------------------------------------------

def test_a_naive_now_is_refused_unless_the_desk_states_its_zone(tmp_path):
    config = load(tmp_path, MEMO)
    with pytest.raises(ConfigError, match=r"--now 2019-11-25T00:30:00 has no time zone"):
        resolve_now(datetime(2019, 11, 25, 0, 30), config)
    zoned = load(tmp_path, '[desk]\ntimezone = "Asia/Seoul"\n' + MEMO)
    got = resolve_now(datetime(2019, 11, 25, 0, 30), zoned)
    assert got.isoformat() == "2019-11-25T00:30:00+09:00"
    aware = datetime.fromisoformat("2019-11-25T00:30+00:00")
    assert resolve_now(aware, zoned) == aware  # a zone given wins


def test_run_now_through_the_command_line(tmp_path):
    config = write_config(tmp_path, port=25, recipients=())
    refused = call("run", "--config", str(config), "--now", "2019-11-25T00:30")
    assert refused.returncode == 2 and "has no time zone" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "output" / "weekly").exists()
    # In Seoul 00:30 on Monday is before the 07:00 slot: the latest is the week before
    # (in UTC it would be 09:30 Monday, the 25 November slot).
    zoned = write_config(tmp_path, port=25, recipients=(), formats=("html",),
                         desk='timezone = "Asia/Seoul"')
    result = call("run", "--config", str(zoned), "--now", "2019-11-25T00:30")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "output" / "weekly").iterdir()] == ["2019-11-18"]


def test_config_errors_through_the_command_line_name_every_key(tmp_path):
    path = tmp_path / "reports.toml"
    path.write_text('[desk]\nyardstick = "nato"\n[[memos]]\nid = "w"\nkind = "monthly"\n')
    for command in (["build"], ["run"], ["validate"], ["history"]):
        result = call(*command, "--config", str(path))
        assert result.returncode == 2, command
        assert "desk.yardstick" in result.stderr and "memos[0].kind" in result.stderr
        assert "Traceback" not in result.stderr


def test_reports_toml_states_every_kind_budget_as_the_code_defaults_it():
    """reports.toml states each kind's budget; they are the code's defaults too."""
    import tomllib
    from dataclasses import asdict

    toml = (Path(__file__).resolve().parents[1] / "reports.toml").read_text()
    stated = tomllib.loads(toml)["budgets"]
    assert stated == {kind: {k: v for k, v in asdict(budget).items() if k != "page_budget"}
                      for kind, budget in DEFAULT_BUDGETS.items()}


@pytest.mark.parametrize("address,valid", [
    ("ops@example.org", True), ("Ops.Team+alerts@mail.example.org", True),
    ("ops@localhost", True), ("ops", False), ("a,b@example.org", False),
    ("<ops@example.org>", False), ("ops@example.org; boss@example.org", False)])
def test_an_address_is_judged_alike_in_the_config_and_the_workbook(tmp_path, address, valid):
    """The config and the Distribution sheet accept the same addresses, by one check
    (tests/test_addresses.py has every variant, delivered or refused)."""
    import wbfactory

    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    try:
        load(tmp_path, f'[delivery]\noperator = "{address}"\n')
        said = ""
    except ConfigError as exc:
        said = str(exc)
    assert ("delivery.operator" not in said) == valid, said
    data = wbfactory.sheets()
    data["Distribution"] = [["memo_id", "name", "email"], ["weekly", "X", address]]
    checked = validate(read_workbook(wbfactory.write(tmp_path / "book.xlsx", data)))
    assert ("bad-email" not in {p.code for p in checked.errors}) == valid
    if not valid:
        [cell] = [p for p in checked.errors if p.code == "bad-email"]
        assert cell.message in said  # the same words in both


# -- what holds text of every level stays out of the published folder ---------------------

@pytest.mark.parametrize(("toml", "key"), [
    ('[paths]\noutput = "pub"\nrun_record = "pub/record.sqlite"\n', "paths.run_record"),
    ('[paths]\noutput = "pub"\nledger = "pub/sub/ledger.sqlite"\n', "paths.run_record"),
    ('[paths]\noutput = "pub"\nlog_file = "pub/reports.log"\n', "paths.log_file"),
    ('[paths]\noutput = "pub"\ncache = "pub/.cache"\n', "paths.cache"),
    ('[paths]\noutput = "pub"\n[delivery]\noutbox = "pub/outbox"\n', "delivery.outbox"),
    ('[paths]\noutput = "."\n', "paths.run_record"),  # the defaults, beside the config
])
def test_nothing_that_holds_every_level_may_lie_in_the_published_folder(tmp_path, toml, key):
    text = problems(tmp_path, toml)
    assert key in text and "inside the published folder" in text


def test_the_run_record_and_the_rest_live_beside_the_config_by_default(tmp_path):
    config = load(tmp_path, '[paths]\noutput = "pub"\n')
    assert config.run_record == tmp_path / "run-record.sqlite"
    assert (config.log_path, config.cache, config.outbox_path) == (
        tmp_path / "reports.log", tmp_path / ".cache", tmp_path / "outbox")


def test_the_old_key_ledger_is_still_read_and_a_left_record_must_be_moved(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        config = load(tmp_path, '[paths]\nledger = "state/old.sqlite"\n')
    assert config.run_record == tmp_path / "state" / "old.sqlite"
    assert "[paths] ledger is now called run_record" in caplog.text
    assert "give the run record's place once" in problems(
        tmp_path, '[paths]\nledger = "a.sqlite"\nrun_record = "b.sqlite"\n')
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "ledger.sqlite").write_bytes(b"")
    text = problems(tmp_path, "[desk]\n")
    assert f"move {tmp_path / 'output' / 'ledger.sqlite'}" in text
    assert str(tmp_path / "run-record.sqlite") in text


@pytest.mark.parametrize("levels", [
    {"UNCLASSIFIED": ""},  # one level: today's layout
    {"UNCLASSIFIED": "unclassified", "CONFIDENTIAL": "confidential", "SECRET": "secret"},
    {"OFFICIAL": "official",
     "OFFICIAL-SENSITIVE // UK EYES ONLY": "official-sensitive-uk-eyes-only"},
])
def test_a_desk_with_several_levels_publishes_one_folder_per_level(tmp_path, levels):
    names = list(levels)
    text = f"[markings]\nlevels = {names!r}\n".replace("'", '"') if len(names) > 1 else ""
    for n, level in enumerate(names):
        text += f'[[memos]]\nid = "m{n}"\nkind = "weekly"\nmarking = "{level}"\n'
    config = load(tmp_path, text)
    assert [config.published(memo) for memo in config.memos] == [
        tmp_path / "output" / folder if folder else tmp_path / "output"
        for folder in levels.values()]

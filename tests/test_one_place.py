"""One concept in one place: the "did you mean", the text shortener, Excel's column
letters and the problem type, each said once and alike wherever a user meets it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import wbfactory
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from reports.config.load import load_config
from reports.errors import ConfigError
from reports.problems import (
    CONFIG,
    TEMPLATE,
    WORKBOOK,
    Problem,
    Report,
    cell_parts,
    column_letter,
    sort_key,
)
from reports.text import clip, closest, did_you_mean, is_east_asian, lang_of, runs, series

ROOT = Path(__file__).resolve().parents[1]


def _source_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "reports", "bench", "scripts"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / name for name in listed if name.endswith(".py")]


def test_no_copy_of_a_shared_helper_is_left():
    copies = {
        "get_close_matches": [],  # the did-you-mean: reports/text.py
        "chr(65": [],  # Excel's column letters: reports/problems.py or openpyxl's
    }
    for path in _source_files():
        text = path.read_text(encoding="utf-8")
        for needle, found in copies.items():
            if needle in text:
                found.append(path.relative_to(ROOT).as_posix())
    assert copies["get_close_matches"] == ["reports/text.py"]
    assert copies["chr(65"] == ["reports/problems.py"]


# -- did you mean -------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "meant"), [
    ("weekyl", "weekly"), ("Weekly", "weekly"), ("wekly", "weekly"), ("overveiw", "overview"),
    ("isue", "issue"), ("montly", None), ("x", None)])
def test_one_slip_gets_one_suggestion_from_every_check(tmp_path, typed, meant):
    """The same mistyped memo in the config, the command line and the Distribution sheet."""
    hint = f'(did you mean "{meant}"?)' if meant else "did you mean"
    expect = (lambda text: hint in text) if meant else (lambda text: hint not in text)
    memos = "".join(f'[[memos]]\nid = "{k}"\nkind = "{k}"\n' for k in ("overview", "weekly"))
    memos += '[[memos]]\nid = "issue"\nkind = "issue"\nissue = "gsomia"\n'
    path = tmp_path / "reports.toml"
    path.write_text(memos + f'[budgets.{typed}]\nmax_events = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expect(str(caught.value)), str(caught.value)
    path.write_text(memos, encoding="utf-8")
    config = load_config(path)
    with pytest.raises(ConfigError) as caught:
        config.memo(typed)
    assert expect(str(caught.value)), str(caught.value)
    from reports.delivery.recipients import check_distribution

    [problem] = check_distribution(config, None, [{"memo_id": typed, "email": "a@b.org",
                                                  "_row": 2}])
    assert expect(problem.message), problem.message
    assert closest(typed, ["overview", "weekly", "issue"]) == meant


def test_a_workbook_choice_is_suggested_alike(tmp_path):
    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    data = wbfactory.sheets()
    data["Issues"][1][3] = "actve"
    path = wbfactory.write(tmp_path / "book.xlsx", data)
    [problem] = [p for p in validate(read_workbook(path)).errors if p.code == "bad-enum"]
    assert did_you_mean("actve", ["active", "dormant", "resolved"]) in problem.message


# -- the shortener --------------------------------------------------------------------------

@given(st.text(max_size=200), st.integers(min_value=1, max_value=120))
def test_clip_keeps_within_the_limit_and_says_when_it_cut(text, limit):
    cut = clip(text, limit)
    assert len(cut) <= limit
    assert cut == text or cut.endswith("\u2026")
    assert text.startswith(cut.removesuffix("\u2026").rstrip(" ,;:-\u2013\u2014"))


def test_clip_cuts_at_a_word():
    assert clip("the quick brown fox jumps", 17) == "the quick brown\u2026"
    assert clip("short", 16) == "short" and clip(None, 5) == ""


# -- Excel's column letters -----------------------------------------------------------------

def test_column_letters_are_openpyxl_s_over_every_column():
    for index in range(16384):  # A to XFD
        letters = column_letter(index)
        assert letters == get_column_letter(index + 1)
        assert column_index_from_string(letters) == index + 1
        row = index % 1048576 + 1
        assert cell_parts(f"{letters}{row}") == coordinate_from_string(f"{letters}{row}")
    assert cell_parts("b14") == ("B", 14) and cell_parts("$AB$3") == ("AB", 3)
    assert cell_parts(None) == ("", 0) and cell_parts("Events") == ("", 0)
    with pytest.raises(ValueError):
        column_letter(-1)


# -- one problem type -----------------------------------------------------------------------

def test_one_problem_type_for_workbook_template_and_config():
    book = Problem("error", "Events", "B14", "date", "bad-date", "not a date")
    tpl = Problem.in_template("memo.docx", "body paragraph 3", "{{ memo.subjet }}",
                              "unknown-attribute", "a memo has no field")
    cfg = Problem.in_config("reports.toml", "memos[0].shedule", "unknown-key", "unknown key")
    assert (book.source, tpl.source, cfg.source) == (WORKBOOK, TEMPLATE, CONFIG)
    assert str(book) == "Events!B14 (date): not a date"
    assert str(tpl) == "memo.docx, body paragraph 3: a memo has no field"
    assert str(cfg) == "memos[0].shedule: unknown key"
    assert set(book.as_dict()) == {"severity", "sheet", "cell", "column", "code", "message"}
    assert set(tpl.as_dict()) == {"severity", "template", "where", "tag", "code", "message"}
    assert set(cfg.as_dict()) == {"severity", "file", "key", "code", "message"}
    for bad in (lambda: Problem("error", None, None, None, "no-such-code", "x"),
                lambda: Problem.in_config(None, "k", "bad-date", "a workbook code"),
                lambda: Problem.in_template("t", "w", "", "unknown-key", "a config code"),
                lambda: Problem("fatal", None, None, None, "bad-date", "x")):
        with pytest.raises(ValueError):
            bad()
    report = Report([book, tpl, tpl, cfg, Problem("warning", "Events", "A2", None,
                                                  "unused-actor", "w")])
    assert len(report) == 4 and len(report.errors) == 3 and not report.valid
    ordered = sorted(report, key=sort_key)
    assert ordered[-1].severity == "warning"
    assert re.fullmatch(r"[a-z-]+", book.code)


@pytest.mark.parametrize(("items", "said"), [
    ([], ""), (["Events"], "Events"), (["Events", "Positions"], "Events and Positions"),
    (["2 support", "1 opposes", "3 undecided"], "2 support, 1 opposes and 3 undecided"),
    (["a", "b", "c", "d"], "a, b, c and d"),
])
def test_a_series_is_named_as_a_sentence_names_it(items, said):
    """One "a, b and c" for every list a memo names (the stance counts, emptied sheets)."""
    assert series(items) == said


@pytest.mark.parametrize("char, east_asian", [
    ("문", True), ("ㄱ", True), ("あ", True), ("カ", True), ("ｶ", True), ("安", True),
    ("々", True), ("、", True), ("（", True), ("a", False), ("é", False), (" ", False),
    ("1", False), ("—", False)])
def test_one_rule_says_which_characters_are_east_asian(char, east_asian):
    """The Word writer's and the charts' line breaking ask the same rule as the language
    tags: a character is East Asian exactly when it starts a run of its own."""
    assert is_east_asian(char) is east_asian
    assert (lang_of(f"x{char}x") is not None) is east_asian
    assert (len(runs(f"x{char}x")) == 3) is east_asian


def test_a_name_s_language_follows_its_script():
    assert runs("Moon Jae-in (문재인) met 安倍晋三.", known={"安倍晋三": "ja"}) == [
        ("Moon Jae-in (", None), ("문재인", "ko"), (") met ", None), ("安倍晋三", "ja"),
        (".", None)]
    assert runs("文在寅 문 재인") == [("文在寅 문 재인", "ko")]  # spaces inside stay in the run
    assert lang_of("東京", "JPN") == "ja" and lang_of("東京") == "ko" and lang_of("Tokyo") is None

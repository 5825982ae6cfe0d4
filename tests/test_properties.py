"""Property tests (hypothesis): random valid workbooks, random damage, and the model's
current stance against a brute-force computation from the rows themselves.

Each example writes a real .xlsx (text always stored as text) and reads it back through
``read_workbook`` and ``validate``, so the whole loading path is exercised. Example
counts are small to keep the suite fast; raise them locally with
``HYPOTHESIS_PROFILE=thorough``.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import wbfactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.config.load import adhoc_memo, load_config
from reports.errors import WorkbookUnreadable
from reports.memo.contents import build_context
from reports.memo.make import memo_spec, render
from reports.model.model import Model
from reports.workbook import contract as schema
from reports.workbook.read import read_workbook
from reports.workbook.validate import validate

ROOT = Path(__file__).resolve().parents[1]
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
COMMON = dict(deadline=None, derandomize=not THOROUGH,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Random text reaches scripts no chart font has; matplotlib says so for every glyph.
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
WARNING_CODES = {"unused-actor", "unused-issue", "unused-source", "event-without-source",
                 "estimative-language", "undated-source"}




def load_records(data: dict[str, list[list]]):
    with tempfile.TemporaryDirectory(prefix="prop-") as tmp:
        return validate(read_workbook(wbfactory.write(Path(tmp) / "book.xlsx", data)))


# -- strategies ---------------------------------------------------------------------------------

# Any script, no control characters, surrogates or non-characters (Excel cannot hold them),
# no Excel _xHHHH_ escapes (the reader decodes those by design).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), min_size=1,
               max_size=40).filter(lambda s: s.strip() and "_x" not in s)
SLUG = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)
ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,12}", fullmatch=True)
DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2020, 6, 30))


def enum(values: tuple[str, ...]):
    """An enum value in any case (matching ignores case)."""
    return st.tuples(st.sampled_from(values), st.sampled_from([str.lower, str.upper,
                                                               str.title])).map(
        lambda t: t[1](t[0]))


def some(draw, items: list[str], most: int = 3) -> list[str]:
    return draw(st.lists(st.sampled_from(items), max_size=most, unique=True)) if items else []


def listed(draw, ids: list[str]) -> str | None:
    sep = draw(st.sampled_from(["; ", ";", ", ", "\n", " ; "]))
    return sep.join(ids) or None


@dataclass
class Random:
    data: dict[str, list[list]]
    positions: list[tuple[str, str, date, str, tuple[str, ...]]]  # actor, issue, as_of ...
    published: dict[str, date | None]  # source_id -> published


@st.composite
def valid_workbooks(draw) -> Random:
    actors = draw(st.lists(SLUG, min_size=1, max_size=5, unique=True))
    issues = draw(st.lists(SLUG, min_size=1, max_size=3, unique=True))
    sources = draw(st.lists(ID, min_size=1, max_size=4, unique=True))
    published = {s: draw(st.none() | DAYS) for s in sources}
    data: dict[str, list[list]] = {
        "Actors": [["actor_id", "name", "native_name", "country", "kind", "title"]]
        + [[a, draw(TEXT), draw(st.none() | TEXT), draw(enum(schema.COUNTRIES)),
            draw(enum(schema.ACTOR_KINDS)), draw(st.none() | TEXT)] for a in actors],
        "Issues": [["issue_id", "name", "question", "status"]]
        + [[i, draw(TEXT), draw(TEXT), draw(st.none() | enum(schema.ISSUE_STATUSES))]
           for i in issues],
        "Sources": [["source_id", "outlet", "title", "url", "published", "kind"]]
        + [[s, draw(TEXT), draw(TEXT), draw(st.none() | st.just(f"https://example.org/{s}")),
            published[s], draw(st.none() | enum(schema.SOURCE_KINDS))] for s in sources],
    }
    events = draw(st.lists(ID, max_size=8, unique=True))
    data["Events"] = [["event_id", "date", "title", "summary", "category", "actors", "issues",
                       "significance", "sources"]] + [
        [e, draw(DAYS | DAYS.map(date.isoformat)), draw(TEXT), draw(st.none() | TEXT),
         draw(enum(schema.EVENT_CATEGORIES)), listed(draw, some(draw, actors)),
         listed(draw, some(draw, issues)), draw(st.none() | st.integers(1, 5)),
         listed(draw, some(draw, sources))] for e in events]
    keys = draw(st.lists(st.tuples(st.sampled_from(actors), st.sampled_from(issues), DAYS),
                         max_size=12, unique=True))
    positions = []
    rows = [["actor_id", "issue_id", "as_of", "stance", "summary", "quote", "sources",
             "confidence"]]
    for actor, issue, day in keys:
        stance = draw(enum(schema.STANCES))
        cited = tuple(some(draw, sources))
        positions.append((actor, issue, day, stance.lower(), cited))
        rows.append([actor, issue, day, stance, draw(TEXT), draw(st.none() | TEXT),
                     listed(draw, list(cited)), draw(st.none() | enum(schema.CONFIDENCES))])
    data["Positions"] = rows
    data["Outlook"] = [["date", "item", "issues", "actors", "status", "sources"]] + [
        [draw(st.none() | DAYS), draw(TEXT), listed(draw, some(draw, issues)),
         listed(draw, some(draw, actors)), draw(st.none() | enum(schema.OUTLOOK_STATUSES)),
         listed(draw, some(draw, sources))] for _ in range(draw(st.integers(0, 3)))]
    data["Assessments"] = [["as_of", "issue_id", "judgment", "confidence", "author",
                            "sources"]] + [
        [draw(DAYS), draw(st.none() | st.sampled_from(issues)), draw(TEXT),
         draw(st.none() | enum(schema.CONFIDENCES)), draw(st.none() | TEXT),
         listed(draw, some(draw, sources))] for _ in range(draw(st.integers(0, 3)))]
    return Random(data, positions, published)


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "reports.toml", required=True)


# -- random valid workbooks --------------------------------------------------------------------

@settings(max_examples=60 if THOROUGH else 12, **COMMON)
@given(book=valid_workbooks(), as_of=DAYS)
def test_random_valid_workbooks_validate_clean_and_build_every_kind(config, book, as_of):
    checked = load_records(book.data)
    assert checked.errors == [], [str(p) for p in checked.errors]
    assert {p.code for p in checked.warnings} <= WARNING_CODES
    model = Model.from_records(checked.records)
    issue, actor = next(iter(model.issues)), next(iter(model.actors))
    for kind in ("overview", "weekly", "issue", "actor"):
        memo = adhoc_memo(kind, issue, actor, None)
        context = build_context(model, memo_spec(config, memo, as_of))
        files = render(context, ["docx", "html"], config.templates)
        assert files["docx"][:2] == b"PK"
        assert files["html"].rstrip().endswith(b"</html>")


# -- random damage ------------------------------------------------------------------------------

ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64), DAYS,
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.times(), TEXT, st.sampled_from(["", " ", "#REF!", "=1+1", "@x", "TRUE", "2019-02-30",
                                       "gsomia", "moon-jae-in", "s1", "e1", "5", "x" * 300]),
)
SHEET_NAMES = list(wbfactory.BASE)


@st.composite
def damaged_workbooks(draw) -> dict[str, list[list]]:
    data = wbfactory.sheets()
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["set", "set", "set", "delete", "rename", "drop-sheet",
                                   "dup-sheet", "insert-row", "drop-row"]))
        if not data:
            break
        name = draw(st.sampled_from(sorted(data)))
        rows = data[name]
        width = max((len(r) for r in rows), default=0)
        if op in ("set", "delete"):
            r = draw(st.integers(0, len(rows)))
            c = draw(st.integers(0, width))
            while len(rows) <= r:
                rows.append([])
            while len(rows[r]) <= c:
                rows[r].append(None)
            rows[r][c] = None if op == "delete" else draw(ANY_VALUE)
        elif op == "rename" and rows and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows[0][c] = draw(TEXT | st.sampled_from(
                [h for row in wbfactory.BASE.values() for h in row[0]]))
        elif op == "drop-sheet":
            del data[name]
        elif op == "dup-sheet":
            data[draw(st.sampled_from([name.upper() + " ", " " + name.lower(),
                                       name.replace("s", "S")]))] = [list(r) for r in rows]
        elif op == "insert-row":
            rows.insert(draw(st.integers(0, len(rows))),
                        draw(st.lists(ANY_VALUE, max_size=width + 1)))
        elif op == "drop-row" and rows:
            del rows[draw(st.integers(0, len(rows) - 1))]
    return data


@settings(max_examples=150 if THOROUGH else 40, **COMMON)
@given(data=damaged_workbooks(), as_of=DAYS)
def test_random_damage_is_reported_never_a_crash(config, data, as_of):
    if not data:
        data = {"Notes": [["nothing here"]]}
    try:
        checked = load_records(data)
    except WorkbookUnreadable:
        return
    for problem in checked.problems:
        assert problem.severity in ("error", "warning") and problem.code and problem.message
        assert problem.sheet is None or isinstance(problem.sheet, str)
    if checked.errors:
        return
    model = Model.from_records(checked.records)
    for kind in ("overview", "weekly"):
        context = build_context(model, memo_spec(config, adhoc_memo(kind, None, None, None),
                                                 as_of))
        render(context, ["html"], config.templates)


# -- current stance against brute force --------------------------------------------------------

def _known(book: Random, cited: tuple[str, ...], day: date) -> bool:
    """Known on ``day``: cites no source, or one published by then (or undated)."""
    return not cited or any(book.published[s] is None or book.published[s] <= day
                            for s in cited)


def brute_force(book: Random, day: date) -> dict[tuple[str, str], tuple[date, str]]:
    """From the generated rows alone: the latest position known on ``day`` per pair."""
    best: dict[tuple[str, str], tuple[date, str]] = {}
    for actor, issue, as_of, stance, cited in book.positions:
        if as_of <= day and _known(book, cited, day):
            if (actor, issue) not in best or as_of > best[(actor, issue)][0]:
                best[(actor, issue)] = (as_of, stance)
    return best


def brute_force_shifts(book: Random, day: date) -> list[tuple[str, str, date, str, str]]:
    """Every known row whose stance differs from the pair's previous known row."""
    shifts = []
    for actor, issue in {(p[0], p[1]) for p in book.positions}:
        rows = sorted((p for p in book.positions if (p[0], p[1]) == (actor, issue)
                       and p[2] <= day and _known(book, p[4], day)), key=lambda p: p[2])
        for before, after in zip(rows, rows[1:], strict=False):
            if before[3] != after[3]:
                shifts.append((actor, issue, after[2], before[3], after[3]))
    return sorted(shifts, key=lambda s: (s[2], s[0], s[1]))


@settings(max_examples=120 if THOROUGH else 30, **COMMON)
@given(book=valid_workbooks(), days=st.lists(DAYS, min_size=1, max_size=4))
def test_current_stance_equals_brute_force(book, days):
    checked = load_records(book.data)
    assert checked.errors == []
    model = Model.from_records(checked.records)
    for day in days + [d for (_a, _i, d, _s, _c) in book.positions][:3]:
        for probe in (day - timedelta(days=1), day):
            current = {k: (p.as_of, p.stance) for k, p in model.current_stances(probe).items()}
            assert current == brute_force(book, probe)
            shifts = [(s.after.actor_id, s.after.issue_id, s.date, s.before.stance,
                       s.after.stance) for s in model.shifts(probe)]
            assert shifts == brute_force_shifts(book, probe)
            for issue in model.issues:
                assert model.current_stances(probe, issue=issue) == {
                    k: v for k, v in model.current_stances(probe).items() if k[1] == issue}


def test_times_of_day_in_date_columns_are_reported_not_crashes():
    """A time-only cell (Excel 0.5 = 12:00) in a date column: a problem, never a crash."""
    data = wbfactory.sheets()
    data["Events"][1][1] = time(12, 0)
    checked = load_records(data)
    assert [(p.sheet, p.cell, p.code) for p in checked.errors] == [("Events", "B2", "bad-date")]

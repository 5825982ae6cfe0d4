"""``Model.within(ceiling)``: a row above a memo's marking never reaches it.

A security property, so tested from every side: random models with a rank on every row
of every sheet, every ceiling, against a brute-force reading of the rule; no kept record
refers to a dropped one along any reference path; every text of a dropped row is absent
from everything the filtered model holds and from every query it answers; and the same
through a real workbook with a marking column on every sheet.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta

import wbfactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import tradecraft
from reports.model.model import (
    Actor,
    Assessment,
    Event,
    Issue,
    Model,
    OutlookItem,
    Position,
    Source,
)
from reports.workbook.read import read_workbook
from reports.workbook.validate import Rules, validate

RANKS = st.integers(0, 3)
DAY0 = date(2019, 1, 1)
DAYS = st.integers(0, 60).map(lambda n: DAY0 + timedelta(days=n))


def secret(kind: str, key: object, rank: int) -> str:
    """A text unique to one row, naming its rank: searched for after filtering."""
    return f"<{kind}:{key}:r{rank}>"


@st.composite
def models(draw) -> Model:
    actor_ids = [f"a{i}" for i in range(draw(st.integers(1, 5)))]
    issue_ids = [f"i{i}" for i in range(draw(st.integers(1, 4)))]
    source_ids = [f"s{i}" for i in range(draw(st.integers(1, 5)))]
    some = lambda ids: tuple(draw(st.lists(st.sampled_from(ids), max_size=3,  # noqa: E731
                                           unique=True)))
    actors = []
    for a in actor_ids:
        r = draw(RANKS)
        actors.append(Actor(a, secret("actor", a, r), "KOR", "person", marking_rank=r))
    issues = []
    for i in issue_ids:
        r = draw(RANKS)
        issues.append(Issue(i, secret("issue", i, r), secret("question", i, r),
                            marking_rank=r))
    sources = []
    for s in source_ids:
        r = draw(RANKS)
        sources.append(Source(s, secret("outlet", s, r), secret("title", s, r),
                              published=draw(st.none() | DAYS), marking_rank=r))
    events = []
    for n in range(draw(st.integers(0, 12))):
        r = draw(RANKS)
        events.append(Event(f"e{n}", draw(DAYS), secret("event", n, r), "other",
                            actors=some(actor_ids), issues=some(issue_ids),
                            sources=some(source_ids), significance=draw(st.integers(1, 5)),
                            marking_rank=r))
    positions, seen = [], set()
    for n in range(draw(st.integers(0, 14))):
        key = (draw(st.sampled_from(actor_ids)), draw(st.sampled_from(issue_ids)), draw(DAYS))
        if key in seen:
            continue
        seen.add(key)
        r = draw(RANKS)
        positions.append(Position(*key, draw(st.sampled_from(("supports", "opposes"))),
                                  secret("position", n, r), sources=some(source_ids),
                                  marking_rank=r))
    outlook = []
    for n in range(draw(st.integers(0, 6))):
        r = draw(RANKS)
        outlook.append(OutlookItem(secret("outlook", n, r), draw(st.none() | DAYS),
                                   issues=some(issue_ids), actors=some(actor_ids),
                                   sources=some(source_ids), marking_rank=r))
    assessments = []
    for n in range(draw(st.integers(0, 6))):
        r = draw(RANKS)
        assessments.append(Assessment(draw(DAYS), secret("judgment", n, r),
                                      issue_id=draw(st.none() | st.sampled_from(issue_ids)),
                                      sources=some(source_ids), marking_rank=r))
    return Model(actors, issues, events, positions, sources, outlook, assessments)


def all_records(model: Model) -> list:
    return [*model.actors.values(), *model.issues.values(), *model.sources.values(),
            *model.events, *model.positions, *model.outlook_items, *model.assessment_items]


def texts(record) -> list[str]:
    out = []
    for f in fields(record):
        value = getattr(record, f.name)
        out += [v for v in (value if isinstance(value, tuple) else (value,))
                if isinstance(v, str)]
    return out


def expected(model: Model, ceiling: int) -> dict[str, set]:
    """The rule, read the slow way: which rows a memo at ``ceiling`` may hold."""
    actors = {k for k, a in model.actors.items() if a.marking_rank <= ceiling}
    issues = {k for k, i in model.issues.items() if i.marking_rank <= ceiling}
    sources = {k for k, s in model.sources.items() if s.marking_rank <= ceiling}

    def rests(rec) -> bool:  # it cites no source, or at least one kept source
        return not rec.sources or any(s in sources for s in rec.sources)

    return {
        "actors": actors, "issues": issues, "sources": sources,
        "events": {e.event_id for e in model.events if e.marking_rank <= ceiling and rests(e)},
        "positions": {(p.actor_id, p.issue_id, p.as_of) for p in model.positions
                      if p.marking_rank <= ceiling and rests(p) and p.actor_id in actors
                      and p.issue_id in issues},
        "outlook": {o.item for o in model.outlook_items if o.marking_rank <= ceiling
                    and rests(o) and set(o.issues) <= issues and set(o.actors) <= actors},
        "assessments": {a.judgment for a in model.assessment_items
                        if a.marking_rank <= ceiling and rests(a)
                        and (a.issue_id is None or a.issue_id in issues)},
    }


def held(model: Model) -> dict[str, set]:
    return {
        "actors": set(model.actors), "issues": set(model.issues), "sources": set(model.sources),
        "events": {e.event_id for e in model.events},
        "positions": {(p.actor_id, p.issue_id, p.as_of) for p in model.positions},
        "outlook": {o.item for o in model.outlook_items},
        "assessments": {a.judgment for a in model.assessment_items},
    }


def answers(model: Model) -> list:
    """Every record every query returns, over a spread of days and filters."""
    out = []
    for day in (DAY0, DAY0 + timedelta(days=20), DAY0 + timedelta(days=70)):
        out += model.events_between(day) + model.events_between(day, 10)
        out += list(model.current_stances(day).values())
        out += [p for s in model.shifts(day) for p in (s.before, s.after)]
        out += model.outlook(day) + model.assessments(day) + model.bottom_line(day)
        for issue in model.issues:
            out += model.events_between(day, issue=issue)
            out += list(model.current_stances(day, issue=issue).values())
            out += model.assessments(day, issue=issue) + model.outlook(day, issue=issue)
        for actor in model.actors:
            out += model.events_between(day, actor=actor)
            out += [p for (a, _i), p in model.current_stances(day, actor=actor).items()]
            for issue in model.issues:
                out += model.history(actor, issue, day)
    return out + model.active_issues()


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(model=models())
def test_within_keeps_exactly_what_the_rule_allows(model):
    for ceiling in range(-1, 5):
        low = model.within(ceiling)
        assert held(low) == expected(model, ceiling), ceiling
        for record in all_records(low) + answers(low):
            assert record.marking_rank <= ceiling
            assert all(t.rsplit(":r", 1)[-1].rstrip(">") <= str(max(ceiling, 0))
                       for t in texts(record) if t.startswith("<"))
        # no reference path from a kept record to a dropped one
        for e in low.events:
            assert set(e.actors) <= set(low.actors) and set(e.issues) <= set(low.issues)
            assert set(e.sources) <= set(low.sources)
        for p in low.positions:
            assert p.actor_id in low.actors and p.issue_id in low.issues
            assert set(p.sources) <= set(low.sources)
        for o in low.outlook_items:
            assert set(o.issues) <= set(low.issues) and set(o.actors) <= set(low.actors)
            assert set(o.sources) <= set(low.sources)
        for a in low.assessment_items:
            assert a.issue_id is None or a.issue_id in low.issues
            assert set(a.sources) <= set(low.sources)
        # every text of a dropped row is gone from everything the model holds
        kept_text = {t for r in all_records(low) for t in texts(r)}
        for record in all_records(model):
            if record.marking_rank > ceiling:
                assert not {t for t in texts(record) if t.startswith("<")} & kept_text


@settings(max_examples=30, deadline=None, derandomize=True)
@given(model=models(), a=st.integers(-1, 4), b=st.integers(-1, 4))
def test_within_composes(model, a, b):
    assert held(model.within(a).within(b)) == held(model.within(min(a, b)))
    top = model.within(model.top_rank)
    assert top is model  # nothing above the top: the same model, nothing copied


def test_kept_records_lose_only_their_dropped_references():
    actors = [Actor("a", "A", "KOR", "person"), Actor("b", "B", "KOR", "person",
                                                      marking_rank=2)]
    issues = [Issue("i", "I", "Q?"), Issue("j", "J", "Q?", marking_rank=1)]
    sources = [Source("s", "O", "T"), Source("t", "O", "T", marking_rank=1)]
    event = Event("e", DAY0, "Title", "other", actors=("a", "b"), issues=("i", "j"),
                  sources=("s", "t"), extra={"note": "x"})
    model = Model(actors, issues, [event], [], sources, [], [])
    low = model.within(0)
    (kept,) = low.events
    assert (kept.actors, kept.issues, kept.sources) == (("a",), ("i",), ("s",))
    assert (kept.title, kept.extra) == ("Title", {"note": "x"})
    assert model.within(1).events[0].issues == ("i", "j")
    assert model.within(1).events[0].actors == ("a",)


def test_within_through_a_workbook_with_a_marking_column_on_every_sheet(tmp_path):
    """Rows at every level of a three-level scheme, read from a real workbook."""
    rules = Rules(tradecraft.Markings(("UNCLASSIFIED", "RESTRICTED", "SECRET"),
                                      ("U", "R", "S")))
    data = wbfactory.sheets()
    data["Actors"].append(["kim", "SECRET-ACTOR", "", "PRK", "person", ""])
    data["Issues"].append(["nukes", "RESTRICTED-ISSUE", "RESTRICTED-QUESTION?", "active"])
    data["Sources"].append(["s2", "SECRET-OUTLET", "SECRET-TITLE", "", date(2019, 11, 1),
                            "news"])
    data["Events"].append(["e3", date(2019, 11, 23), "SECRET-EVENT", "", "meeting", "kim",
                           "gsomia", 3, "s1"])
    data["Events"].append(["e4", date(2019, 11, 23), "Talks on the side", "", "meeting",
                           "moon-jae-in; kim", "gsomia; nukes", 3, "s1; s2"])
    data["Positions"].append(["kim", "gsomia", date(2019, 11, 22), "opposes",
                              "SECRET-POSITION", "", "s1"])
    data["Positions"].append(["moon-jae-in", "nukes", date(2019, 11, 22), "opposes",
                              "RESTRICTED-POSITION", "", "s1"])
    data["Outlook"].append([date(2019, 12, 1), "RESTRICTED-OUTLOOK", "nukes", "expected",
                            "s1"])
    data["Assessments"].append([date(2019, 11, 25), "nukes", "RESTRICTED-JUDGMENT", "Desk",
                                "s1"])
    data["Assessments"].append([date(2019, 11, 25), "", "SECRET-SOURCED", "Desk", "s2"])
    marks = {"Actors": [None, None, "S"], "Issues": [None, "restricted"],
             "Sources": [None, "SECRET"], "Events": [None, None, "(S)", "U"],
             "Positions": [None, None, None, "S", None], "Outlook": [None, "R"],
             "Assessments": [None, "R", None]}
    for sheet, values in marks.items():
        data[sheet][0].append("marking")
        for row, value in zip(data[sheet][1:], values, strict=True):
            row.append(value)
    result = validate(read_workbook(wbfactory.write(tmp_path / "marked.xlsx", data)), rules)
    assert result.errors == [], [str(p) for p in result.errors]
    model = Model.from_records(result.records)
    dump = {c: repr(all_records(model.within(c))) for c in (0, 1, 2)}
    for word in ("SECRET-ACTOR", "SECRET-OUTLET", "SECRET-TITLE", "SECRET-EVENT",
                 "SECRET-POSITION", "SECRET-SOURCED", "'kim'", "'s2'"):
        assert word not in dump[0] and word not in dump[1], word
        assert word in dump[2], word
    for word in ("RESTRICTED-ISSUE", "RESTRICTED-POSITION", "RESTRICTED-OUTLOOK",
                 "RESTRICTED-JUDGMENT", "'nukes'"):
        assert word not in dump[0] and word in dump[1], word
    talks = next(e for e in model.within(0).events if e.event_id == "e4")
    assert (talks.actors, talks.issues, talks.sources) == (
        ("moon-jae-in",), ("gsomia",), ("s1",))

"""The as-of queries, picked with whole-column operations on the model's frames, agree
with a brute-force reading of each rule (docs/workbook.md, "What a memo as of a day
shows") on random models: unknown and undated sources, several stances per pair, ties,
events on several issues, every window; before and after a cut to a marking; and a
query never makes more records than it returns."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.model.model import (
    Actor,
    Event,
    Issue,
    Model,
    Position,
    Shift,
    Source,
)

DAY0 = date(2019, 1, 1)
DAYS = st.integers(0, 40).map(lambda n: DAY0 + timedelta(days=n))
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def models(draw) -> Model:
    actors = [f"a{i}" for i in range(draw(st.integers(1, 4)))]
    issues = [f"i{i}" for i in range(draw(st.integers(1, 3)))]
    sources = [f"s{i}" for i in range(draw(st.integers(1, 4)))]
    cited = sources + ["ghost"]  # a source the workbook does not have

    def some(ids: list[str]) -> tuple[str, ...]:
        return tuple(draw(st.lists(st.sampled_from(ids), max_size=3)))  # repeats too

    events = [Event(f"e{n:02d}", draw(DAYS), f"T{n}", "other", actors=some(actors),
                    issues=some(issues), sources=some(cited),
                    significance=draw(st.integers(1, 5)), marking_rank=draw(st.integers(0, 1)))
              for n in range(draw(st.integers(0, 15)))]
    positions, seen = [], set()
    for n in range(draw(st.integers(0, 20))):
        key = (draw(st.sampled_from(actors)), draw(st.sampled_from(issues)), draw(DAYS))
        if key not in seen:
            seen.add(key)
            positions.append(Position(*key, draw(st.sampled_from(("supports", "opposes",
                                                                   "neutral"))),
                                      f"P{n}", sources=some(cited),
                                      marking_rank=draw(st.integers(0, 1))))
    return Model([Actor(a, a.upper(), "KOR", "person", marking_rank=draw(st.integers(0, 1)))
                  for a in actors], [Issue(i, i.upper(), "Q?") for i in issues],
                 draw(st.permutations(events)), draw(st.permutations(positions)),
                 [Source(s, "O", "T", published=draw(st.none() | DAYS),
                         marking_rank=draw(st.integers(0, 1))) for s in sources], [], [])


def known_from(model: Model, cited: tuple[str, ...]) -> date:
    """The rule: no source, known from the start; else the earliest publication among
    the sources the model has (undated: the start); only unknown ones: never."""
    if not cited:
        return date.min
    days = [date.min if model.sources[s].published is None else model.sources[s].published
            for s in cited if s in model.sources]
    return min(days) if days else date.max


def events_between(model: Model, as_of: date, days: int | None, floor: int,
                   issue: str | None, actor: str | None) -> list[Event]:
    start = as_of - timedelta(days=days) if days is not None else None
    ordered = sorted(model.events, key=lambda e: (e.date, e.event_id))
    return [e for e in ordered if e.date <= as_of and (start is None or e.date > start)
            and known_from(model, e.sources) <= as_of and e.significance >= floor
            and (issue is None or issue in e.issues) and (actor is None or actor in e.actors)]


def history(model: Model, actor: str, issue: str, as_of: date) -> list[Position]:
    rows = sorted((p for p in model.positions if (p.actor_id, p.issue_id) == (actor, issue)),
                  key=lambda p: p.as_of)
    return [p for p in rows if max(p.as_of, known_from(model, p.sources)) <= as_of]


def shifts(model: Model, as_of: date, days: int | None) -> list[Shift]:
    start = as_of - timedelta(days=days) if days is not None else None
    found = []
    for actor, issue in sorted({(p.actor_id, p.issue_id) for p in model.positions}):
        rows = history(model, actor, issue, as_of)
        for before, after in zip(rows, rows[1:], strict=False):
            if before.stance != after.stance and (start is None or after.as_of > start):
                found.append(Shift(before, after))
    return sorted(found, key=lambda s: (s.date, s.after.actor_id, s.after.issue_id))


@SETTINGS
@given(model=models(), as_of=DAYS, days=st.none() | st.integers(1, 30),
       floor=st.integers(1, 5), ceiling=st.none() | st.integers(0, 1))
def test_the_queries_agree_with_the_rules(model, as_of, days, floor, ceiling):
    if ceiling is not None:
        model = model.within(ceiling)
    actors, issues = sorted(model.actors), sorted(model.issues)
    for issue in [None, *issues]:
        for actor in [None, *actors]:
            assert model.events_between(as_of, days, min_significance=floor, issue=issue,
                                        actor=actor) == events_between(
                model, as_of, days, floor, issue, actor)
    for actor in actors:
        for issue in issues:
            assert model.history(actor, issue, as_of) == history(model, actor, issue, as_of)
    current = {(a, i): rows[-1] for a in actors for i in issues
               if (rows := history(model, a, i, as_of))}
    assert model.current_stances(as_of) == dict(sorted(current.items()))
    assert list(model.current_stances(as_of)) == sorted(current)
    for issue in issues:
        assert model.current_stances(as_of, issue=issue) == {
            k: v for k, v in sorted(current.items()) if k[1] == issue}
    assert model.shifts(as_of, days) == shifts(model, as_of, days)
    for actor in actors:
        assert model.shifts(as_of, days, actor=actor) == [
            s for s in shifts(model, as_of, days) if s.after.actor_id == actor]
    assert model.events == sorted(model.events, key=lambda e: (e.date, e.event_id))
    assert model.positions == sorted(model.positions,
                                     key=lambda p: (p.actor_id, p.issue_id, p.as_of))


def test_a_query_makes_only_the_records_it_returns(tmp_path):
    import wbfactory

    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    data = wbfactory.sheets()
    first = data["Events"][1]
    data["Events"] = [data["Events"][0]] + [
        [f"e{i:03d}", first[1] + timedelta(days=i), f"T{i}", None, "decision", first[5],
         first[6], 3, "s1"] for i in range(300)]
    data["Sources"][1][4] = first[1]
    model = Model.from_records(validate(read_workbook(
        wbfactory.write(tmp_path / "book.xlsx", data))).records)
    week = model.events_between(first[1] + timedelta(days=299), 7)
    assert [e.event_id for e in week] == [f"e{i:03d}" for i in range(293, 300)]
    made = model._rows["Events"]._made  # noqa: SLF001 (what was made, not how)
    assert sum(r is not None for r in made) == 7
    assert len(model.events) == 300 and all(r is not None for r in made)
    assert model.events[-7:] == week and model.events[-1] is week[-1]  # made once


@SETTINGS
@given(model=models(), as_of=DAYS, days=st.none() | st.integers(1, 30),
       floor=st.integers(1, 5), limit=st.integers(0, 8), ceiling=st.none() | st.integers(0, 1))
def test_events_ranked_on_their_numbers_are_the_ones_ranked_as_records(
        model, as_of, days, floor, limit, ceiling):
    from reports.memo.selection import most_recent, most_significant

    if ceiling is not None:
        model = model.within(ceiling)
    for issue in [None, *sorted(model.issues)]:
        picked = model.events_picked(as_of, days, min_significance=floor, issue=issue)
        every = events_between(model, as_of, days, floor, issue, None)
        assert list(picked) == every and len(picked) == len(every)
        for rule in (most_significant, most_recent):
            assert rule(picked, limit) == rule(every, limit)
    latest: dict[str, date] = {}
    for e in events_between(model, as_of, None, 1, None, None):
        for i in e.issues:
            latest[i] = max(latest.get(i, e.date), e.date)
    assert model.events_picked(as_of).latest_day_of_each("issues") == latest


def test_the_most_significant_events_make_only_the_records_that_can_be_shown(tmp_path):
    import wbfactory

    from reports.memo.selection import most_recent, most_significant
    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    data = wbfactory.sheets()
    first = data["Events"][1]
    data["Events"] = [data["Events"][0]] + [
        [f"e{i:03d}", first[1] + timedelta(days=i // 2), f"T{i}", None, "decision", first[5],
         first[6], 5 if i % 50 == 0 else 2, "s1"] for i in range(300)]
    data["Sources"][1][4] = first[1]
    model = Model.from_records(validate(read_workbook(
        wbfactory.write(tmp_path / "book.xlsx", data))).records)
    picked = model.events_picked(first[1] + timedelta(days=200))
    top = most_significant(picked, 4)
    assert [e.event_id for e in top.rows] == ["e250", "e200", "e150", "e100"]
    assert top.total == len(picked) == 300
    recent = most_recent(picked, 3)  # two events a day: the last two days' four are ranked
    assert [e.event_id for e in recent.rows] == ["e298", "e299", "e296"]
    made = model._rows["Events"]._made  # noqa: SLF001 (what was made, not how)
    assert sum(r is not None for r in made) == 4 + 4

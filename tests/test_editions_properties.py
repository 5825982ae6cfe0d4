"""What one edition carries to the next holds nothing above the memo's marking: random
workbooks, random markings, random edits between two editions.

For random models (tests/test_within.py's strategy: a rank on every row of every sheet)
and random edits between two editions (rows re-marked up or down, deleted, retitled,
judgments rewritten, new rows), every memo kind at each ceiling must give the same second
edition, with what it carries from the first, from the full workbook as from a copy with
every row above the ceiling deleted (by its own marking or because it rests only on
deleted rows), cut here by the slow reading of the rule (``test_within.expected``).
The first edition's snapshot must be the same both ways too: the run record keeps
nothing else.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields, replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_within import DAY0, RANKS, expected, models, secret

from reports.config.load import Config, MemoConfig
from reports.errors import ConfigError
from reports.memo.contents import build_context
from reports.memo.make import carried, memo_spec
from reports.model.model import Assessment, Model
from reports.tradecraft import Markings

MARKINGS = Markings(("U", "C", "S", "T"), ("U", "C", "S", "T"), "U", False)
FIRST, SECOND = DAY0 + timedelta(days=30), DAY0 + timedelta(days=45)


@st.composite
def edited(draw, model: Model) -> Model:
    """``model`` after a desk's edits: rows re-marked, deleted, reworded; rows added."""
    def action() -> str:
        return draw(st.sampled_from(("keep", "keep", "rerank", "delete", "reword")))

    def edit(record, text_field: str, key: object, deletable: bool = True):
        what = action()
        if what == "rerank":  # its texts name its new rank, as the canaries must
            rank = draw(RANKS)
            return replace(record, marking_rank=rank, **{
                f.name: re.sub(r":r\d>", f":r{rank}>", getattr(record, f.name))
                for f in fields(record) if isinstance(getattr(record, f.name), str)})
        if what == "delete" and deletable:
            return None
        if what == "reword":
            rank = record.marking_rank
            return replace(record, **{text_field: secret(text_field, f"{key}*", rank)})
        return record

    actors = [edit(a, "name", a.actor_id, False) for a in model.actors.values()]
    issues = [edit(i, "name", i.issue_id, False) for i in model.issues.values()]
    sources = [edit(s, "title", s.source_id, False) for s in model.sources.values()]
    events = [e for e in (edit(e, "title", e.event_id) for e in model.events) if e]
    positions = [p for p in (edit(p, "summary", n) for n, p in enumerate(model.positions)) if p]
    assessments = [a for a in (edit(a, "judgment", n)
                               for n, a in enumerate(model.assessment_items)) if a]
    for n in range(draw(st.integers(0, 3))):  # judgments made since the first edition
        r = draw(RANKS)
        assessments.append(Assessment(
            FIRST + timedelta(days=draw(st.integers(1, 14))), secret("new judgment", n, r),
            issue_id=draw(st.none() | st.sampled_from(sorted(model.issues))),
            marking_rank=r))
    return Model(actors, issues, events, positions, sources, list(model.outlook_items),
                 assessments)


def cut(model: Model, ceiling: int) -> Model:
    """``model`` with every row above ``ceiling`` deleted, and the references to them."""
    keep = expected(model, ceiling)

    def refs(record, *names: str) -> dict:
        return {name: tuple(i for i in getattr(record, name) if i in keep[name])
                for name in names}

    return Model(
        [a for k, a in model.actors.items() if k in keep["actors"]],
        [i for k, i in model.issues.items() if k in keep["issues"]],
        [replace(e, **refs(e, "actors", "issues", "sources")) for e in model.events
         if e.event_id in keep["events"]],
        [replace(p, **refs(p, "sources")) for p in model.positions
         if (p.actor_id, p.issue_id, p.as_of) in keep["positions"]],
        [s for k, s in model.sources.items() if k in keep["sources"]],
        [replace(o, **refs(o, "sources")) for o in model.outlook_items
         if o.item in keep["outlook"]],
        [replace(a, **refs(a, "sources")) for a in model.assessment_items
         if a.judgment in keep["assessments"]])


CONFIG = Config(None, Path("w.xlsx"), Path("out"), Path("templates"), markings=MARKINGS)


def editions(first: Model, second: Model, memo: MemoConfig) -> tuple[str, dict]:
    """The second edition's context (as JSON, or the refusal) and the first's snapshot,
    carried from one to the next as ``run`` and ``build`` carry them."""
    snapshot, since = carried(CONFIG, memo, FIRST, first, None)
    assert since is None  # a first edition compares with nothing
    issued = SimpleNamespace(snapshot=snapshot, as_of=FIRST)  # as the run record gives it
    _, since = carried(CONFIG, memo, SECOND, second, issued)
    try:
        context = build_context(second, memo_spec(CONFIG, memo, SECOND, since))
    except ConfigError as exc:  # a memo about a row above its marking: refused alike
        return f"refused: {type(exc).__name__}", snapshot
    return json.dumps(context, sort_keys=True, default=str), snapshot


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_an_edition_carries_nothing_above_the_ceiling(data):
    first = data.draw(models())
    second = data.draw(edited(first))
    ceiling = data.draw(st.integers(0, 2))
    level = MARKINGS.levels[ceiling]
    memos = [MemoConfig(id="w", kind="weekly", window_days=30, marking=level),
             MemoConfig(id="o", kind="overview", marking=level)]
    if first.issues:
        memos.append(MemoConfig(id="i", kind="issue", issue=sorted(first.issues)[0],
                                marking=level))
    if first.actors:
        memos.append(MemoConfig(id="a", kind="actor", actor=sorted(first.actors)[0],
                                marking=level))
    for memo in memos:
        full = editions(first, second, memo)
        alone = editions(cut(first, ceiling), cut(second, ceiling), memo)
        assert full[1] == alone[1], f"{memo.kind}: the snapshot differs"
        assert full[0] == alone[0], f"{memo.kind}: the second edition differs"
        for rank in range(ceiling + 1, len(MARKINGS.levels)):
            assert f":r{rank}>" not in full[0] + json.dumps(full[1]), memo.kind

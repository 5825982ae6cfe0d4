"""What several memo kinds share: event lists, key judgments, commentary, the outlook.

Each helper makes the blocks of one part of a memo's body from the builder
(``reports.memo.context.Builder``), within the memo's budget, with the line saying what
the budget left out and, where there is one, the annex holding the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reports.errors import ConfigError
from reports.memo.changes import is_desk
from reports.memo.context import Builder
from reports.memo.selection import choose, most_recent, most_significant, phrase
from reports.memo.shapes import Block
from reports.model.records import Assessment, Event
from reports.text import series

if TYPE_CHECKING:
    from reports.model.model import Model


def check(key: str | None, known: dict[str, Any], what: str) -> str:
    if not key:
        raise ConfigError(f"a {what} memo needs --{what} (an {what}_id of the workbook)")
    if key not in known:
        raise ConfigError(f'{what} "{key}" is not an {what}_id in the workbook')
    return key


def by_day(e: Event) -> tuple[Any, str]:
    return (e.date, e.event_id)


def chronology(b: Builder, events: Sequence[Event], scope: str,
                annex: tuple[str, str], *, window: list[str] | None = None,
                compact: bool = False,
                order: Callable[[Event], Any] = by_day) -> list[Block]:
    """The body's capped event list (``max_events``, most significant first), the line
    saying what it left out and, when it left something out, the annex ``(key, title)``
    listing the rest (the ``annex_rows`` most recent)."""
    chosen = most_significant(events, b.budget.max_events)
    ref = None
    if chosen.left_out:
        def rest() -> list[Block]:
            rows = most_recent(events, b.budget.annex_rows)
            return b.annex_note(rows, "events", "most recent") + b.events_block(
                rows.sorted(by_day), "", chart=False, compact=True, cited=False)
        ref = b.annex(*annex, rest)
    return b.selection(phrase(chosen, "events", "most significant", scope), ref) + \
        b.events_block(chosen.sorted(order), f"No events recorded {scope}.", window,
                       compact=compact)


def newest(items: Sequence[Assessment]) -> Any:
    """Judgments newest first, then in workbook order."""
    index = {id(a): n for n, a in enumerate(items)}
    return lambda a: (-a.as_of.toordinal(), index[id(a)])


def desk_key_judgments(b: Builder, key: str, empty: str,
                        labelled: bool = False) -> list[Block]:
    """The desk's judgments in force on ``key`` ('' overall), numbered, capped at
    ``max_assessments``; the line saying what the cap left out; the withdrawn ones."""
    items = b.judgments_in_force.get(key, [])
    chosen = choose(items, b.budget.max_assessments, newest(items))
    return b.judgments_block(chosen.rows, [key], empty, labelled) + b.selection(
        phrase(chosen, "judgments in force", "first"))


def commentary(b: Builder, items: list[Assessment], empty: str) -> list[Block]:
    chosen = choose(items, b.budget.max_assessments, newest(items))
    return [b.commentary_block(chosen.rows, empty)] + b.selection(
        phrase(chosen, "commentaries", "newest"))


def sources_say(b: Builder, **where: Any) -> list[Assessment]:
    """Outside commentary known on the as-of day (``whose = source``), newest first."""
    return [a for a in b.model.assessments(b.spec.as_of, **where) if not is_desk(a)]


def outlook(b: Builder, days: int | None, **where: Any) -> list[Block]:
    items = b.model.outlook(b.spec.as_of, days, **where)
    chosen = choose(items, b.budget.max_outlook, lambda o: 0)  # already soonest first
    return [b.outlook_block(chosen.rows, "Nothing scheduled or expected.")] + b.selection(
        phrase(chosen, "items ahead", "soonest"))


STANCE_VERBS = {"supports": ("supports", "support"), "opposes": ("opposes", "oppose"),
                "conditional": ("is conditional", "are conditional"),
                "neutral": ("is neutral", "are neutral"), "unclear": ("is unclear",
                                                                      "are unclear")}


def stance_counts(stances: Sequence[str]) -> str:
    """'5 actors support, 2 oppose and 1 is conditional' (most first)."""
    counts: dict[str, int] = {}
    for stance in stances:
        counts[stance] = counts.get(stance, 0) + 1
    parts = []
    for n, (stance, count) in enumerate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))):
        one, many = STANCE_VERBS.get(stance, (f"says {stance}", f"say {stance}"))
        verb = one if count == 1 else many
        who = f"{count} actor{'' if count == 1 else 's'} " if n == 0 else f"{count} "
        parts.append(who + verb)
    return series(parts)


def emptied_sheets_note(model: Model) -> str:
    """What a memo says of the sheets the workbook had no rows in ('' if none; and '' in
    a cut that kept no row, which must not tell of the rows above it: ``Model.within``)."""
    names = list(model.empty_sheets)
    if not names:
        return ""
    listed = series(names)
    sheets, them = ("sheets", "them") if len(names) > 1 else ("sheet", "it")
    return (f"The workbook's {listed} {sheets} had no rows when this memo was built: "
            f"nothing from {them} is in this memo.")

"""Date ticks for the timeline: where they go and what they say.

The finest step (days, weeks, months, years) whose labels fit side by side with room to
spare; a label says the year at the first tick and wherever the year changes ("19 Nov
2019", "20 Nov", ...; "Jul 2019", "Aug", ..., "2020"; "2012", "2016"). A label that
would leave the figure is moved inside it; one that would then touch its neighbour is
left out (the tick stays).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from reports.text import MONTHS

STEPS = (("day", 1), ("day", 2), ("day", 3), ("week", 1), ("week", 2), ("month", 1),
         ("month", 2), ("month", 3), ("month", 6), ("year", 1), ("year", 2), ("year", 5),
         ("year", 10), ("year", 20), ("year", 50), ("year", 100))
SPACE_IN = 0.12               # at least this between two labels


@dataclass(frozen=True)
class Tick:
    x: float                  # of the tick, inches
    label: str
    label_x: float            # where the label is anchored
    anchor: str               # "middle", or "start"/"end" when moved inside the figure
    width: float


def ticks(lo: float, hi: float, inch: Callable[[float], float], width: Callable[[str], float],
          bounds: tuple[float, float], max_ticks: int = 8) -> list[Tick]:
    """Ticks between day ordinals ``lo`` and ``hi``; ``inch`` maps an ordinal to inches,
    ``width`` measures a label, ``bounds`` are the figure's left and right edges."""
    chosen: list[date] = []
    unit_chosen = ""
    for unit, step in STEPS:
        days = _days(unit, step, lo, hi)
        if not days or len(days) > max_ticks:
            continue
        labels = _labels(unit, days)
        xs = [inch(d.toordinal()) for d in days]
        widths = [width(t) for t in labels]
        if all(xs[i + 1] - xs[i] >= (widths[i] + widths[i + 1]) / 2 + SPACE_IN
               for i in range(len(days) - 1)):
            chosen, unit_chosen = days, unit
            break
    if not chosen:
        return []
    labels = _labels(unit_chosen, chosen)
    return _inside([inch(d.toordinal()) for d in chosen], labels,
                   [width(t) for t in labels], bounds)


def _inside(xs: list[float], labels: list[str], widths: list[float],
            bounds: tuple[float, float]) -> list[Tick]:
    out: list[Tick] = []
    for x, label, w in zip(xs, labels, widths, strict=True):
        anchor, at = "middle", x
        if x - w / 2 < bounds[0]:
            anchor, at = "start", bounds[0]
        elif x + w / 2 > bounds[1]:
            anchor, at = "end", bounds[1]
        left = {"middle": at - w / 2, "start": at, "end": at - w}[anchor]
        if out and out[-1].label and left < _right(out[-1]) + SPACE_IN / 2:
            label, w = "", 0.0
        out.append(Tick(x, label, at, anchor, w))
    return out


def _right(tick: Tick) -> float:
    return {"middle": tick.label_x + tick.width / 2, "start": tick.label_x + tick.width,
            "end": tick.label_x}[tick.anchor]


def _days(unit: str, step: int, lo: float, hi: float) -> list[date]:
    first, last = date.fromordinal(max(1, int(lo) + (lo > int(lo)))), \
        date.fromordinal(max(1, int(hi)))
    if unit in ("day", "week"):
        days = step * (7 if unit == "week" else 1)
        start = first if unit == "day" else first + timedelta((7 - first.weekday()) % 7)
        count = (last - start).days // days + 1
        return [start + timedelta(i * days) for i in range(max(count, 0))]
    if unit == "month":
        out = []
        y, m = first.year, first.month
        if first.day > 1:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        while (y, m) <= (last.year, last.month) and len(out) < 100:
            if (m - 1) % step == 0:
                out.append(date(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    years = range(first.year + (first > date(first.year, 1, 1)), last.year + 1)
    return [date(y, 1, 1) for y in years if y % step == 0][:100]


def _labels(unit: str, days: list[date]) -> list[str]:
    out = []
    for i, day in enumerate(days):
        new_year = i == 0 or day.year != days[i - 1].year
        month = MONTHS[day.month - 1][:3]
        if unit == "year":
            out.append(str(day.year))
        elif unit == "month":
            out.append(f"{month} {day.year}" if i == 0 else
                       str(day.year) if new_year else month)
        else:
            out.append(f"{day.day} {month}" + (f" {day.year}" if new_year else ""))
    return out

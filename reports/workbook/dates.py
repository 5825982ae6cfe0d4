"""Dates that are valid but surely mistyped: the workbook's span, and the day a slip of
one digit most likely hid (``2091-11-22`` typed for ``2019-11-22``).

The span is that of the workbook's own dates, left out any far from the rest (those
more than ``core`` years from the median year), so one typo cannot stretch it. A date
is far outside it when its year is more than ``far`` years beyond it. The likely
intended day changes only the year, by the slips typing makes: two neighbouring digits
swapped (2091 for 2019), one digit wrong (1019 for 2019), a digit left out (219 for
2019); the first that lands in the span, and on or before ``today`` when given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reports.problems import WARNING, Problem
from reports.workbook import contract as schema

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa
    from numpy.typing import NDArray

    from reports.workbook.read import SheetData, Workbook

# Dates of what has happened (an event, a position, a source's publication, a judgment):
# none can be after today. Outlook dates look ahead.
PAST_DATES = {("Events", "date"), ("Positions", "as_of"), ("Sources", "published"),
              ("Assessments", "as_of")}
FAR_YEARS = 10  # a date this many years beyond the workbook's other dates is far outside
CORE_YEARS = 25  # the workbook's span: its dates within this many years of their median


@dataclass(frozen=True)
class Span:
    low: date
    high: date
    far_years: int

    @classmethod
    def of_years(cls, years: NDArray[np.int64], far: int, core: int,
                 days: dict[int, tuple[date, date]]) -> Span:
        """The span of dates whose years are ``years`` (``days``: each year's first and
        last day)."""
        import numpy as np

        ordered = np.sort(years)
        middle = int(ordered[(len(ordered) - 1) // 2])  # the lower median, as median_low
        near = ordered[np.abs(ordered - middle) <= core]
        if not len(near):
            near = ordered
        return cls(days[int(near[0])][0], days[int(near[-1])][1], far)

    def far(self, day: date) -> bool:
        return (day.year < self.low.year - self.far_years
                or day.year > self.high.year + self.far_years)

    def holds(self, day: date) -> bool:
        return self.low.year <= day.year <= self.high.year


def _swaps(year: str) -> list[str]:
    return [year[:i] + year[i + 1] + year[i] + year[i + 2:] for i in range(len(year) - 1)
            if year[i] != year[i + 1]]


def _edits(year: str) -> list[str]:
    return [year[:i] + digit + year[i + 1:] for i in range(len(year)) for digit in "0123456789"
            if digit != year[i]]


def _insertions(year: str) -> list[str]:
    return [year[:i] + digit + year[i:] for i in range(len(year) + 1) for digit in "0123456789"]


def likely_meant(day: date, span: Span, today: date | None = None) -> date | None:
    """The day ``day`` most likely stands for, or None when no slip explains it."""
    text = f"{day.year:04d}" if day.year >= 1000 else str(day.year)
    middle = (span.low.year + span.high.year) / 2
    for slips in (_swaps(text), _edits(text), _insertions(text) if day.year < 1000 else []):
        found = []
        for candidate in dict.fromkeys(slips):
            if candidate.startswith("0") or not 1 <= int(candidate) <= 9999:
                continue
            try:
                meant = day.replace(year=int(candidate))
            except ValueError:  # 29 February of a year that has none
                continue
            if span.holds(meant) and (today is None or meant <= today) and meant != day:
                found.append(meant)
        if found:
            return min(found, key=lambda d: (abs(d.year - middle), d))
    return None


def check_dates(book: Workbook, typed: dict[str, dict[str, pa.Array]], today: date,
                problems: list[Problem]) -> None:
    """Warnings for a date after ``today`` (of something that happened) and for a date
    far outside the workbook's other dates that a slip of one digit explains (2091 typed
    for 2019): such a row quietly leaves every memo."""
    _Dates(book, typed, today, problems).check()


class _Dates:
    def __init__(self, book: Workbook, typed: dict[str, dict[str, pa.Array]], today: date,
                 problems: list[Problem]):
        self.book, self.typed, self.today, self.problems = book, typed, today, problems

    def check(self) -> None:
        import numpy as np
        import pyarrow.compute as pc

        columns = [(self.book.sheets[spec.name], col) for spec in schema.SHEETS
                   if spec.name in self.book.sheets for col in spec.columns
                   if col.kind == schema.DATE and col.name in self.book.sheets[spec.name].letters]
        years = [pc.drop_null(pc.year(self.typed[data.name][col.name])).to_numpy(
            zero_copy_only=False) for data, col in columns]
        every = np.concatenate(years) if years else np.zeros(0, dtype=np.int64)
        if not len(every):
            return
        span = Span.of_years(every, FAR_YEARS, CORE_YEARS, self._day_span(columns))
        today = self.today
        for data, col in columns:
            values = self.typed[data.name][col.name]
            year = pc.fill_null(pc.year(values), span.low.year).to_numpy(zero_copy_only=False)
            odd = (year < span.low.year - FAR_YEARS) | (year > span.high.year + FAR_YEARS)
            past = (data.name, col.name) in PAST_DATES
            if past:
                odd |= pc.fill_null(pc.greater(values, _pa_date(today)), False).to_numpy(
                    zero_copy_only=False)
            for at in np.flatnonzero(odd).tolist():
                self._odd_date(data, col, at, values[at].as_py(), span, past)

    def _day_span(self, columns: list[tuple[SheetData, schema.Column]]) -> dict[int, tuple[
            date, date]]:
        """Per year: the first and last day the workbook's dates have in it."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        arrays = [pc.drop_null(self.typed[data.name][col.name]) for data, col in columns]
        days = pa.concat_arrays([a.cast(pa.date32()) for a in arrays])
        if not len(days):
            return {}
        days = days.take(pc.array_sort_indices(days))
        # sorted by day, so by year too: each year's first and last day begin and end its run
        years = pc.year(days).to_numpy(zero_copy_only=False)
        found, first = np.unique(years, return_index=True)
        last = np.append(first[1:], len(years)) - 1
        return {int(y): (days[int(lo)].as_py(), days[int(hi)].as_py())
                for y, lo, hi in zip(found, first, last, strict=True)}

    def _odd_date(self, data: SheetData, col: schema.Column, at: int, day: date,
                  span: Span, past: bool) -> None:
        future = past and day > self.today
        meant = likely_meant(day, span, self.today if future else None)
        if not future and meant is None:
            return  # far, but no slip explains it: history, perhaps
        cell = f"{data.letters[col.name]}{data.rows[at]}"
        hint = f"; did you mean {meant.isoformat()}?" if meant else "; check the year"
        if future:
            code = "future-date"
            message = (f"{day.isoformat()} is after today ({self.today.isoformat()}): nothing "
                       "dated after a memo's day reaches it, so this row is left out of every "
                       f"memo until then{hint}")
        else:
            code = "outlier-date"
            message = (f"{day.isoformat()} is far outside the workbook's other dates "
                       f"({span.low.isoformat()} to {span.high.isoformat()}), so this row "
                       f"sits apart from every memo's period{hint}")
        self.problems.append(Problem(WARNING, data.title, cell, col.name, code, message))


def _pa_date(day: date) -> object:
    import pyarrow as pa

    return pa.scalar(day, pa.date32())

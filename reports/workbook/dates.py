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
from statistics import median_low


@dataclass(frozen=True)
class Span:
    low: date
    high: date
    far_years: int

    @classmethod
    def of(cls, days: list[date], far: int, core: int) -> Span:
        middle = median_low([d.year for d in days])
        near = [d for d in days if abs(d.year - middle) <= core] or days
        return cls(min(near), max(near), far)

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

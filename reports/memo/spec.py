"""What to build: one memo of a kind, with its parameters and the desk's block."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reports.errors import ConfigError
from reports.memo.kinds import DEFAULT_BUDGETS, Budget
from reports.memo.shapes import SinceLast
from reports.tradecraft import Markings, Yardstick


@dataclass
class MemoSpec:
    """What to build: one memo of a kind, with its parameters and the desk's block."""

    memo_id: str
    kind: str
    title: str
    as_of: date
    issue: str | None = None
    actor: str | None = None
    window_days: int = 7
    outlook_days: int = 30
    significance_floor: int = 1
    office: str = ""
    author: str = ""
    marking: str = ""
    to: str = ""
    sender: str = ""
    lang: str = "en"
    since_last_edition: SinceLast | None = None  # what changed since the previous edition
    budget: Budget | None = None  # None: the kind's default budget
    east_asian_lang: str = "ko"  # Han-only text of no known country
    markings: Markings | None = None  # the desk's levels; None: one level, ``marking``
    ceiling: str = ""  # the highest level the memo may hold; '' the desk's default
    yardstick: Yardstick | None = None  # the estimative yardstick of its likelihoods
    min_grade: str = ""  # leave out sources graded below this ("C3"), and say so

    def __post_init__(self) -> None:
        if self.budget is None and self.kind in DEFAULT_BUDGETS:
            self.budget = DEFAULT_BUDGETS[self.kind]
        if self.markings is None:
            self.markings = Markings.single(self.marking or "UNCLASSIFIED")

    @property
    def levels(self) -> Markings:
        """The desk's marking scheme (one level, ``marking``, when none was given)."""
        assert self.markings is not None  # set by __post_init__
        return self.markings

    @property
    def ceiling_rank(self) -> int:
        """The rank of the memo's ceiling in the desk's levels (refused if unknown)."""
        if not self.ceiling:
            return self.levels.default_rank
        rank = self.levels.rank(self.ceiling)
        if rank is None:
            raise ConfigError(f'memo {self.memo_id}: its marking "{self.ceiling}" is not one '
                              f"of the desk's levels: {', '.join(self.levels.levels)}")
        return rank

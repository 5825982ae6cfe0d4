"""The workbook as last saved: read, validated and modelled once, kept in memory.

A :class:`SavedWorkbook` holds what ``validate`` reports (the same problems, the Distribution
sheet's too), in workbook order (sheets as the workbook orders them, then row, then
column), each with the handling rank of the row it is in; the workbook's bytes (for the
annotated copy, which must show the same version); and, when there is no error, the
model the memo previews are built from. The file is only read.

A problem's rank decides who may read it (it quotes cell values):

- a problem of the file, a sheet or a header: the lowest rank (it quotes no row);
- a problem in a row: that row's marking; a marking that is not one of the desk's levels,
  or a sheet whose marking column cannot be found, counts as the highest;
- a "did you mean" naming an id (or a memo) of a higher rank: that rank.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reports.config.load import Config
from reports.errors import WorkbookUnreadable
from reports.problems import ERROR, Problem, cell_parts
from reports.tradecraft import Markings
from reports.workbook import contract as schema

log = logging.getLogger(__name__)

MARKING = "marking"
SUGGESTION_RE = re.compile(r'did you mean "([^"]+)"\?')
READ_ATTEMPTS = 3


@dataclass
class SavedWorkbook:
    path: Path
    checked_at: datetime
    problems: list[Problem] = field(default_factory=list)  # in workbook order
    ranks: list[int] = field(default_factory=list)  # one per problem
    sha256: str | None = None
    data: bytes | None = None  # the file as read (None when unreadable)
    book: object = None  # reports.workbook.read.Workbook, or None when unreadable
    loaded: object = None  # reports.pipeline.Loaded when the workbook has no error
    top_rank: int = 0  # the highest rank of any row (what the whole workbook needs)

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)

    def visible(self, rank: int) -> tuple[list[Problem], list[Problem]]:
        """(problems a user of ``rank`` may read, problems withheld from them)."""
        shown, withheld = [], []
        for problem, need in zip(self.problems, self.ranks, strict=True):
            (shown if need <= rank else withheld).append(problem)
        return shown, withheld


def take(config: Config) -> SavedWorkbook:
    """Read, validate and (when it has no error) model the configured workbook."""
    from reports.model.load import Loaded, distribution_problems
    from reports.model.model import Model
    from reports.workbook.read import read_workbook
    from reports.workbook.table import bulk
    from reports.workbook.validate import validate

    path = Path(config.workbook)
    now = datetime.now(UTC)
    try:
        for _ in range(READ_ATTEMPTS):  # the bytes kept must be the version validated
            book = read_workbook(path)
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == book.sha256:
                break
        else:
            data = None
    except (WorkbookUnreadable, OSError) as exc:
        problem = Problem(ERROR, None, None, None, "unreadable", str(exc))
        return SavedWorkbook(path, now, [problem], [0])
    with bulk():
        checked = validate(book, config.rules())
        problems = checked.problems + distribution_problems(config, book, checked.records)
        model = Model.from_records(checked.records) if checked.ok and not any(
            p.severity == ERROR for p in problems) else None
    loaded = None if model is None else Loaded(book.path, book.sha256, model, problems,
                                               book.notes)
    ranker = Ranker(book, config, problems)
    order = sheet_order(data)
    problems.sort(key=lambda p: _place(p, order))
    return SavedWorkbook(path, now, problems, [ranker.rank(p) for p in problems], book.sha256,
                    data, book, loaded, ranker.top_rank())


def sheet_order(data: bytes | None) -> dict[str, int]:
    """Sheet title -> its position in the workbook."""
    from reports.workbook.package import HostileXml, sheet_parts

    try:
        titles = list(sheet_parts(zipfile.ZipFile(io.BytesIO(data)))) if data else []
    except (HostileXml, zipfile.BadZipFile, KeyError, ValueError):
        titles = []
    return {title: i for i, title in enumerate(titles)}


def _place(problem: Problem, order: dict[str, int]) -> tuple:
    letters, row = cell_parts(problem.cell)
    sheet = (order.get(problem.sheet, len(order)), problem.sheet) if problem.sheet else (-1, "")
    return (*sheet, row, len(letters), letters, problem.severity != ERROR, problem.code)


class Ranker:
    """The handling rank each problem needs (see the module's docstring)."""

    def __init__(self, book, config: Config, problems: list[Problem]):
        self.markings: Markings = config.markings
        self.top = len(self.markings.levels) - 1
        self.sheets = {data.title: data for data in book.sheets.values()}
        self.lost = {p.sheet for p in problems if p.column == MARKING and p.code in (
            "misnamed-column", "duplicate-column", "merged-header")}
        self.memo_ranks = {m.id: self.markings.rank(m.marking) or 0 for m in config.memos}
        self._keys: dict[str, int] | None = None

    def row_ranks(self, data) -> list[int] | None:
        """The rank of every record of a sheet; None when the sheet has no marking column."""
        spec = schema.sheet(data.name)
        if MARKING not in spec.column_names:
            return None
        if MARKING not in data.columns:
            return [self.top] * len(data.rows) if data.title in self.lost else None
        rank, top = self.markings.rank, self.top
        ranks = {v: (r if (r := rank(v)) is not None else top) for v in set(
            map(_hashable, data.columns[MARKING]))}
        return [ranks[_hashable(v)] for v in data.columns[MARKING]]

    def rank(self, problem: Problem) -> int:
        need = self._row_rank(problem)
        for suggested in SUGGESTION_RE.findall(problem.message):
            need = max(need, self.keys().get(suggested, 0), self.memo_ranks.get(suggested, 0))
        return need

    def _row_rank(self, problem: Problem) -> int:
        _, row = cell_parts(problem.cell)
        if not problem.sheet or row <= 1:
            return 0
        data = self.sheets.get(problem.sheet)
        if data is None:
            return self.top
        at = bisect_left(data.rows, row)
        if at == len(data.rows) or data.rows[at] != row:
            return self.top  # not a record's row: nothing known of it
        ranks = self._ranks_of(data)
        return ranks[at] if ranks is not None else self.markings.default_rank

    def _ranks_of(self, data) -> list[int] | None:
        cache = self.__dict__.setdefault("_sheet_ranks", {})
        if data.title not in cache:
            cache[data.title] = self.row_ranks(data)
        return cache[data.title]

    def keys(self) -> dict[str, int]:
        """Each id of a keyed sheet -> the highest rank of a row holding it."""
        if self._keys is None:
            self._keys = {}
            for data in self.sheets.values():
                spec = schema.sheet(data.name)
                if spec.key is None or spec.key not in data.columns:
                    continue
                ranks = self._ranks_of(data) or [self.markings.default_rank] * len(data.rows)
                for key, rank in zip(data.columns[spec.key], ranks, strict=True):
                    name = str(key).strip() if key is not None else ""
                    self._keys[name] = max(rank, self._keys.get(name, 0))
        return self._keys

    def top_rank(self) -> int:
        found = [self.markings.default_rank]
        for data in self.sheets.values():
            ranks = self._ranks_of(data)
            if ranks:
                found.append(max(ranks))
        return max(found)


def _hashable(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value

"""The workbook loaded: read once, validated (the desk's rules, and the Distribution
sheet against its memos), and made into the model every memo is made from.

:func:`load` is the pipeline's load step (``reports.pipeline``); :class:`Loading` runs it
in a thread while the caller checks the templates. Analysts get the same validated
sheets as DataFrames from ``reports.load(path)`` (:mod:`reports.model.frames`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reports.errors import WorkbookInvalid

if TYPE_CHECKING:
    from reports.config.load import Config
    from reports.model.model import Model

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    """A workbook that has been read, validated and modelled."""

    path: Path
    sha256: str
    model: Model
    problems: list[Any]
    notes: list[str] = field(default_factory=list)
    distribution: list[dict[str, Any]] = field(default_factory=list)  # Distribution sheet



def load(workbook: Path, config: Config | None = None) -> Loaded:
    """Read, validate and model ``workbook``; raise :class:`WorkbookInvalid` on any error.

    With ``config``, the cells are checked against the desk's rules (its marking levels
    and estimative yardstick) and the Distribution sheet against its memos (memo ids,
    addresses, memos nobody receives); without, one marking level and ICD 203.
    """
    from reports.model.model import Model
    from reports.problems import sort_key
    from reports.workbook.read import read_workbook
    from reports.workbook.table import bulk
    from reports.workbook.validate import validate

    # Loading allocates millions of objects that live as long as the process: see bulk().
    with bulk(lasting=True):
        book = read_workbook(workbook)
        checked = validate(book, config.rules() if config is not None else None)
        if config is not None:
            checked.problems += distribution_problems(config, book, checked.records)
            checked.problems.sort(key=sort_key)
        model = Model.from_records(checked.records) if checked.ok else None
    for problem in checked.warnings:
        log.warning("%s", problem)
    if model is None:  # the workbook has errors: no model was made
        raise WorkbookInvalid(checked.problems)
    return Loaded(book.path, book.sha256, model,
                  checked.problems, book.notes, list(checked.records.get("Distribution", [])))


def distribution_problems(config: Config, book: Any, records: dict[str, Any]) -> list[Any]:
    """The Distribution sheet's problems against ``config`` (reports.delivery.recipients)."""
    from reports.delivery.recipients import SHEET, check_distribution

    return check_distribution(config, book.sheets.get(SHEET), records.get(SHEET, []))


class Loading:
    """``load()`` of a workbook in a thread, started now, while the caller does other work
    (checks the templates); and the chart library imported beside it when the charts
    will be drawn: none kept from an earlier build in the chart cache, or, given the
    ``build`` (``reports.render.charts.draw.build_key``), unless that same build ended
    before with its charts kept. The reader parses outside the interpreter's lock, so
    what runs meanwhile costs little time."""

    def __init__(self, workbook: Path, config: Config, build: str | None = None):
        import threading

        from reports.render.charts.cache import chart_cache_folder
        from reports.render.charts.draw import prefetch

        self._drawing = prefetch(chart_cache_folder(config), build)
        self._loaded: Loaded | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, args=(workbook, config),
                                        name="workbook-load")
        self._thread.start()

    def _load(self, workbook: Path, config: Config) -> None:
        try:
            self._loaded = load(workbook, config)
        except BaseException as exc:  # raised again by result(), in the caller's thread
            self._error = exc

    def wait(self) -> None:
        """Until the thread has ended (what it read or raised is dropped)."""
        self._thread.join()
        if self._drawing is not None:
            self._drawing.join()

    def result(self) -> Loaded:
        """The loaded workbook (or what ``load()`` raised)."""
        self._thread.join()
        if self._drawing is not None:
            self._drawing.join()  # before anything forks or draws
        if self._error is not None:
            raise self._error
        assert self._loaded is not None
        return self._loaded

"""What the memos will say: each configured memo built from the model in memory.

A preview is the memo as ``build`` or ``run`` would make it from the saved workbook for
that day: the same context (with what changed since the edition last issued, from the run
record, as ``reports.memo.make.carried`` makes it for them), the same HTML and .docx renderers.
Nothing is written (no output folder, no chart cache on disk, no run record row) and
nothing is sent. Contexts and rendered files are kept in memory for the workbook version
they were made from, so looking at a preview again, or downloading its .docx, costs
nothing.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from reports.config.load import Config, MemoConfig
from reports.errors import ReportsError
from reports.site.saved import SavedWorkbook

log = logging.getLogger(__name__)

CACHED = 48  # contexts and rendered files kept


class PreviewError(ReportsError):
    """Why a memo cannot be previewed now (the workbook has errors, a broken template)."""


def today(config: Config) -> date:
    """Today where the desk is (its ``[desk] timezone``), else on this machine's clock."""
    zone = ZoneInfo(config.desk.timezone) if config.desk.timezone else None
    return datetime.now(zone).date()


class Previews:
    def __init__(self, config: Config):
        self.config = config
        self._cache: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.RLock()

    def context(self, saved: SavedWorkbook, memo: MemoConfig, as_of: date) -> dict:
        if saved.loaded is None:
            errors = saved.errors
            raise PreviewError(
                f"the workbook has {errors} error{'s' if errors != 1 else ''}: no memo can be "
                "built from it until they are fixed (staff see them on the Workbook page)")
        previous = self._previous(memo, as_of)
        key = ("context", saved.sha256, memo.id, as_of, previous and previous.id)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]  # type: ignore[return-value]
            context = self._build(saved, memo, as_of, previous)
            self._keep(key, context)
            return context

    def rendered(self, saved: SavedWorkbook, memo: MemoConfig, as_of: date, fmt: str) -> bytes:
        """The memo as ``fmt`` ("html" or "docx")."""
        context = self.context(saved, memo, as_of)
        key = ("file", id(context), fmt)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key][1]  # type: ignore[index]
            try:
                if fmt == "html":
                    from reports.render.html import render_html

                    data = render_html(context, self.config.templates).encode("utf-8")
                else:
                    from reports.render.docx.document import render_docx

                    data = render_docx(context, self.config.templates / "memo.docx")
            except ReportsError as exc:
                raise PreviewError(str(exc)) from exc
            self._keep(key, (context, data))  # the context is kept alive with its file
            return data

    def _keep(self, key: tuple, value: object) -> None:
        self._cache[key] = value
        while len(self._cache) > CACHED:
            self._cache.popitem(last=False)

    def _previous(self, memo: MemoConfig, as_of: date):
        from reports.schedule.record import RunRecord

        with RunRecord.open(self.config.run_record_path, create=False) as run_record:
            return run_record.previous_edition(memo.id, as_of)

    def _build(self, saved: SavedWorkbook, memo: MemoConfig, as_of: date, previous) -> dict:
        from reports.memo.contents import build_context
        from reports.memo.make import carried, check_memos, memo_spec

        loaded = saved.loaded
        wrong = check_memos(loaded.model, [memo], self.config.markings)
        if wrong:
            raise PreviewError(wrong[memo.id])
        try:
            _, since = carried(self.config, memo, as_of, loaded.model, previous, keep=False)
            return build_context(loaded.model, memo_spec(self.config, memo, as_of, since))
        except ReportsError as exc:
            raise PreviewError(str(exc)) from exc

"""The pipeline, top to bottom, for ``build`` and ``run`` alike:

    check the templates -> load the workbook (read, validate, model) -> check each memo's
    parameters -> for each edition: what the last issued edition carries to it, its
    context, each format rendered in memory -> hand it to the caller's *desk* (which
    writes and records it) -> the index of every published folder written to

``Pipeline.run()`` does this and returns a :class:`Report`; it never decides an exit code
(the command line does, from the report). What differs between a build by hand and a
scheduled run is the :class:`Desk` it hands each made edition to: :class:`ByHand` writes
it to the published folder (or refuses to overwrite an edition already issued),
``reports.schedule.run`` archives, publishes, records and plans its deliveries.

A memo is made whole in memory (the PDF in a private temporary folder) before anything
of it is written, so a memo that fails leaves its earlier files as they were; one memo
failing never stops the others. Memos may be made in forked processes that share the
loaded workbook (``jobs``): the bytes are the same as a serial build's. Renderers are
imported lazily so that commands which build nothing stay quick to start.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from reports.config.load import Config, MemoConfig
from reports.errors import (
    ConfigError,
    MemoCrashed,
    MemoFailed,
    ReportsError,
    WorkbookInvalid,
)
from reports.memo.make import Edition, Made, check_memos, failed, make
from reports.model.load import Loaded, Loading
from reports.output.files import STALE_PART_SECONDS, clean_stale_parts

log = logging.getLogger(__name__)


# -- what flows through the pipeline ---------------------------------------------------------

@dataclass
class Outcome:
    """What became of one edition: ``status`` is what the desk did with it (``written``,
    ``issued``, ``same``, ``draft``, ``unchanged``, ``refused``) or ``failed`` with the
    ``error``; ``files`` are the paths its files were written to (format -> path)."""

    edition: Edition
    status: str
    files: dict[str, Path] = field(default_factory=dict)
    error: ReportsError | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Report:
    """What a run of the pipeline did: ``stopped`` is the error that stopped it before any
    memo was made (templates, workbook, memo parameters), else each edition's outcome."""

    outcomes: list[Outcome] = field(default_factory=list)
    stopped: ReportsError | None = None
    loaded: Loaded | None = None

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def errors(self) -> list[ReportsError]:
        """Every error met, the stopping one first."""
        found = [self.stopped] if self.stopped is not None else []
        return found + [o.error for o in self.outcomes if o.error is not None]


class Desk(Protocol):
    """Where made editions go: ``previous`` finds the last issued edition before one (for
    what it carries), ``take`` writes (and records) a made edition from the ``loaded``
    workbook and says what became of it, ``failed`` records a failure, ``folders`` names
    the published folders written to (for their indexes). ``snapshots``: whether it
    keeps what each edition carries to the next (``Made.snapshot``; else not taken)."""

    snapshots: bool

    def previous(self, edition: Edition) -> Any: ...

    def folder(self, edition: Edition) -> Path: ...

    def take(self, made: Made, loaded: Loaded) -> Outcome: ...

    def failed(self, edition: Edition, error: ReportsError) -> Outcome: ...

    def folders(self) -> list[Path]: ...


# -- the one orchestration -------------------------------------------------------------------

class Pipeline:
    """Build ``editions`` from the workbook and hand each to ``desk``; see the module."""

    def __init__(self, config: Config, *, formats: list[str] | None = None,
                 workbook: Path | None = None, jobs: int | None = None,
                 all_or_nothing: bool = True):
        """``formats``: instead of each memo's own; ``all_or_nothing``: a memo whose
        parameters are wrong stops every memo (``build``), else only itself (``run``)."""
        self.config, self.formats, self.jobs = config, formats, jobs
        self.workbook = workbook or config.workbook
        self.all_or_nothing = all_or_nothing
        self.snapshots = True  # the desk's, set by run()

    def run(self, editions: list[Edition], desk: Desk,
            loaded: Loaded | None = None) -> Report:
        """Every step in order; the report says what happened (nothing is raised for a
        problem the report can hold)."""
        from reports.render.office import office_session

        with office_session():  # LibreOffice, if a PDF starts it, lives for this run only
            return self._run(editions, desk, loaded)

    def _run(self, editions: list[Edition], desk: Desk, loaded: Loaded | None) -> Report:
        from reports.errors import TemplateError, WorkbookUnreadable

        report = Report()
        # The workbook is read meanwhile; every template used is checked once, before the
        # workbook's problems are told or a file written.
        build = self.build_key(editions) if loaded is None else None
        loading = Loading(self.workbook, self.config, build) if loaded is None else None
        try:
            try:
                from reports.render.html import keep_compiled

                keep_compiled(Path(self.config.cache) / "html")  # the check compiles them too
                self.check_templates(editions)
            except BaseException:
                if loading is not None:
                    loading.wait()  # a template's problem is told first; no thread left
                raise
            report.loaded = loaded = loading.result() if loading else loaded
        except (TemplateError, WorkbookInvalid, WorkbookUnreadable) as exc:
            report.stopped = exc
            return report
        wrong = check_memos(loaded.model, [e.memo for e in editions], self.config.markings)
        if wrong and self.all_or_nothing:
            report.stopped = ConfigError("\n".join(wrong.values()) + "\nnothing was built")
            return report
        from reports.render.charts.cache import chart_cache_folder
        from reports.render.charts.draw import use_cache

        use_cache(chart_cache_folder(self.config))
        self.snapshots = desk.snapshots
        clean_stale_parts(self.config.output, older_than=STALE_PART_SECONDS)
        todo: list[tuple[Edition, Any, Path]] = []
        for edition in editions:
            if edition.memo.id in wrong:
                report.outcomes.append(desk.failed(edition, ConfigError(
                    f"{edition.label}: {wrong[edition.memo.id]}")))
            else:
                todo.append((edition, desk.previous(edition), desk.folder(edition)))
        for edition, made in self.make_all(loaded, todo):
            if isinstance(made, MemoFailed):
                report.outcomes.append(desk.failed(edition, made))
                continue
            try:
                report.outcomes.append(desk.take(made, loaded))
            except MemoFailed as exc:  # it could not be written (disk, folder)
                report.outcomes.append(desk.failed(edition, failed(
                    type(exc), edition.memo.id, f"{edition.label}: {exc}")))
        self.write_indexes(desk.folders())
        if build is not None and not report.failures:
            from reports.render.charts.draw import built

            built(chart_cache_folder(self.config), build)  # the same build again: no drawing
        return report

    def build_key(self, editions: list[Edition]) -> str:
        """What this build's charts depend on, as found before it starts."""
        from reports.render.charts.draw import build_key

        try:
            stat = Path(self.workbook).stat()
            found: tuple[object, ...] = (str(Path(self.workbook).resolve()), stat.st_size,
                                         stat.st_mtime_ns)
        except OSError:
            found = (str(self.workbook),)
        return build_key(found, repr(self.config), self.formats,
                         [(e.memo.id, e.as_of.isoformat()) for e in editions])

    def check_templates(self, editions: list[Edition]) -> None:
        """Every template used, checked once, before the workbook is read or a file written."""
        from reports.template_check.check import check_templates

        check_templates(self.config.templates,
                        set(self.formats or {f for e in editions for f in e.memo.formats}),
                        cache=Path(self.config.cache) / "templates")

    def make_all(self, loaded: Loaded, todo: list[tuple[Edition, Any, Path]]
                 ) -> Iterator[tuple[Edition, Made | MemoFailed]]:
        """Each edition made, in order (in ``jobs`` forked processes when more than one)."""
        jobs = min(self.jobs or os.cpu_count() or 1, len(todo))
        if jobs > 1:
            yield from _make_parallel(self, loaded, todo, jobs)
            return
        for edition, previous, folder in todo:
            yield edition, self.attempt(loaded, edition, previous, folder)

    def attempt(self, loaded: Loaded, edition: Edition, previous: Any,
                folder: Path) -> Made | MemoFailed:
        formats = self.formats or edition.memo.formats
        log.debug("making %s (%s), compared with %s", edition.label, ", ".join(formats),
                  f"the edition of {previous.as_of.isoformat()}" if previous else "nothing")
        try:
            return make(loaded.model, self.config, edition, formats, previous, folder,
                        snapshot=self.snapshots)
        except MemoFailed as exc:
            return exc

    def write_indexes(self, folders: list[Path]) -> None:
        """The index of each published folder written to (a failure is logged: the memos
        are written and recorded; the next build writes it)."""
        from reports.output.manifest import write_index

        for folder in dict.fromkeys(folders):
            try:
                write_index(folder, self.config.templates, self.config.markings)
            except Exception as exc:
                log.warning("could not update %s: %s", Path(folder) / "index.html", exc)


_SHARED: tuple[Pipeline, Loaded] | None = None  # in forked workers


def _make_one(edition: Edition, previous: Any, folder: Path) -> Made | MemoFailed:
    assert _SHARED is not None
    pipeline, loaded = _SHARED
    return pipeline.attempt(loaded, edition, previous, folder)


def _make_parallel(pipeline: Pipeline, loaded: Loaded, todo: list[tuple[Edition, Any, Path]],
                   jobs: int) -> Iterator[tuple[Edition, Made | MemoFailed]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from reports.render.charts.draw import warm_up

    global _SHARED
    _SHARED = (pipeline, loaded)
    warm_up()  # load matplotlib and the fonts once, before forking, not in every worker
    for rank in sorted({pipeline.config.markings.rank(e.memo.marking) or 0
                        for e, _, _ in todo}):
        loaded.model.within(rank)  # each marking's cut, once, here (workers share it)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(_make_one, *job) for job in todo]
            for (edition, _, _), future in zip(todo, futures, strict=True):
                try:
                    yield edition, future.result()
                except BrokenProcessPool as exc:
                    yield edition, failed(MemoCrashed, edition.memo.id,
                                          f"{edition.label}: the process building it died "
                                          f"({exc}); build it again with --jobs 1")
    finally:
        _SHARED = None


# -- a build by hand -------------------------------------------------------------------------

class ByHand:
    """``build``: each edition written to its published folder (under ``out_dir`` if
    given), unless that edition was issued to readers already (the run record says so):
    then its issued files are never touched. The same bytes again: nothing to write;
    otherwise it is refused, or with ``force`` written as a draft beside the archive. A
    memo with clearers is written only as such a draft (unless ``out_dir`` is given): it
    is published when a clearer approves what ``run`` built. It records no edition, so it
    keeps no snapshot."""

    snapshots = False

    def __init__(self, config: Config, out_dir: Path | None = None, force: bool = False):
        from reports.schedule.record import RunRecord

        self.config, self.out_dir, self.force = config, out_dir, force
        self.record = RunRecord.open(config.run_record_path, create=False)
        self._folders: list[Path] = []

    def close(self) -> None:
        self.record.close()

    def previous(self, edition: Edition) -> Any:
        return self.record.previous_edition(edition.memo.id, edition.as_of)

    def folder(self, edition: Edition) -> Path:
        return self.config.published(edition.memo, self.out_dir)

    def take(self, made: Made, loaded: Loaded) -> Outcome:
        from reports.output.editions import draft_folder, edition_folder, write_edition

        edition = made.edition
        memo, day = edition.memo, edition.as_of.isoformat()
        issued = self.record.issued_revision(memo.id, edition.as_of)
        if issued is not None:
            where = ", ".join(str(p) for p in issued.files.values())
            if all(issued.hashes.get(fmt) == digest for fmt, digest in made.hashes.items()):
                log.info("%s was issued already (revision %d) with the same files; nothing "
                         "written: %s", edition.label, issued.revision, where)
                return Outcome(edition, "same", {f: Path(p) for f, p in issued.files.items()})
            if not self.force:
                return Outcome(edition, "refused", error=ConfigError(
                    f"{edition.label} was issued to its readers (revision {issued.revision}) "
                    f"and its files are kept as sent: {where}. Nothing was written. To see "
                    f"what the memo would say now, add --force: a draft is written to "
                    f"{draft_folder(self.config.archive, memo.id, day)}, and the issued "
                    "files stay as they are"))
            paths = write_edition(draft_folder(self.config.archive, memo.id, day), memo, day,
                                  made.files, made.mail)
            log.info("%s was issued already; a draft was written beside it: %s",
                     edition.label, ", ".join(str(p) for p in paths.values()))
            return Outcome(edition, "draft", paths)
        if memo.clearers and self.out_dir is None:  # never published without clearance
            paths = write_edition(draft_folder(self.config.archive, memo.id, day), memo, day,
                                  made.files, made.mail)
            log.info("%s is cleared before it is published: this build by hand is a draft, "
                     "never published or sent: %s", edition.label,
                     ", ".join(str(p) for p in paths.values()))
            return Outcome(edition, "draft", paths)
        folder = self.config.published(memo, self.out_dir)
        paths = write_edition(edition_folder(folder, memo.id, day), memo, day, made.files,
                              made.mail)
        self._folders.append(folder)
        for path in paths.values():
            log.info("built %s: %s", edition.label, path)
        return Outcome(edition, "written", paths)

    def failed(self, edition: Edition, error: ReportsError) -> Outcome:
        return Outcome(edition, "failed", error=error)

    def folders(self) -> list[Path]:
        return self._folders


def build(config: Config, memos: list[MemoConfig], as_of: date, *,
          formats: list[str] | None = None, out_dir: Path | None = None,
          workbook: Path | None = None, jobs: int | None = None,
          force: bool = False) -> Report:
    """``build``: make ``memos`` as of ``as_of`` and write them (see :class:`ByHand`)."""
    desk = ByHand(config, out_dir, force)
    try:
        return Pipeline(config, formats=formats, workbook=workbook, jobs=jobs).run(
            [Edition(memo, as_of) for memo in memos], desk)
    finally:
        desk.close()


"""The pipeline, top to bottom: workbook -> validate -> model -> context -> render -> output.

``load()`` reads and checks a workbook once; ``build()`` turns a loaded workbook into
memo files. Each memo is built whole or not at all: rendered in every format in memory
(the PDF in a private temporary folder), then its files and its manifest are written
together, so a memo that fails leaves the files of its earlier build as they were. One
memo failing never stops the others: ``build()`` builds the rest and then raises
:class:`MemosFailed` naming each failed memo. Renderers are imported lazily so that
commands which build nothing stay quick to start.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reports.config.load import Config, MemoConfig
from reports.errors import (
    ConfigError,
    MemoCrashed,
    MemoFailed,
    MemosFailed,
    ReportsError,
    WorkbookInvalid,
)
from reports.memo.context import MemoSpec
from reports.output.files import (
    STALE_PART_SECONDS,
    clean_stale_parts,
    memo_path,
    sha256_bytes,
    write_all,
)
from reports.output.manifest import manifest_bytes, manifest_path, page_links, write_index
from reports.tradecraft import Markings

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    """A workbook that has been read, validated and modelled."""

    path: Path
    sha256: str
    model: object  # reports.model.model.Model
    problems: list
    notes: list[str] = field(default_factory=list)
    distribution: list[dict] = field(default_factory=list)  # the optional Distribution sheet


@dataclass
class Built:
    memo_id: str
    as_of: date
    files: dict[str, Path]  # format -> path
    hashes: dict[str, str]  # format -> sha256 of the file's bytes
    context: dict
    mail: dict = field(default_factory=dict)  # what the message needs (see manifest.py)


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
    if not checked.ok:
        raise WorkbookInvalid(checked.problems)
    return Loaded(book.path, book.sha256, model,
                  checked.problems, book.notes, list(checked.records.get("Distribution", [])))


def distribution_problems(config: Config, book, records: dict) -> list:
    """The Distribution sheet's problems against ``config`` (see reports.delivery.recipients)."""
    from reports.delivery.recipients import SHEET, check_distribution

    return check_distribution(config, book.sheets.get(SHEET), records.get(SHEET, []))


def check_memos(loaded: Loaded, memos: list[MemoConfig],
                markings: Markings | None = None) -> list[str]:
    """What is wrong with each memo's parameters against the workbook, naming the memo:
    an issue or actor it does not hold, or (with the desk's ``markings``) one marked
    above the memo's own marking, which the memo could never show."""
    from reports.workbook.cells import did_you_mean

    model = loaded.model
    found = []
    for memo in memos:
        for what, key, known in (("issue", memo.issue, model.issues),
                                 ("actor", memo.actor, model.actors)):
            if not key:
                continue
            if key not in known:
                found.append(f'memo "{memo.id}": {what} "{key}" is not an {what}_id in the '
                             f"workbook{did_you_mean(key, known)}")
                continue
            ceiling = markings.rank(memo.marking) if markings is not None else None
            if ceiling is not None and known[key].marking_rank > ceiling:
                found.append(f'memo "{memo.id}": {what} "{key}" is marked '
                             f"{markings.levels[known[key].marking_rank]}, above the memo's "
                             f"marking {markings.levels[ceiling]}: raise the memo's marking "
                             f"or choose another {what}")
    return found


def memo_spec(config: Config, memo: MemoConfig, as_of: date,
              since_last_edition: dict | None = None) -> MemoSpec:
    desk = config.desk
    return MemoSpec(
        memo_id=memo.id, kind=memo.kind, title=memo.title, as_of=as_of, issue=memo.issue,
        actor=memo.actor, window_days=memo.window_days, outlook_days=memo.outlook_days,
        significance_floor=memo.significance_floor, office=desk.office, author=desk.author,
        marking=desk.marking, to=desk.to, sender=desk.sender or desk.office, lang=desk.lang,
        since_last_edition=since_last_edition, budget=memo.budget,
        east_asian_lang=desk.east_asian_lang, markings=config.markings, ceiling=memo.marking,
        yardstick=config.yardstick, min_grade=memo.min_grade or desk.min_grade)


def carried(config: Config, memo: MemoConfig, as_of: date, loaded: Loaded,
            previous) -> tuple[dict, dict | None]:
    """What an edition of ``memo`` carries to the next (its snapshot), and what changed
    since the previous edition issued to its readers (None without one made alike).

    ``previous`` is the latest edition issued before it (a run record's
    :class:`~reports.schedule.record.builds.BuildRecord`, from ``previous_edition``), or
    None. Both come from the memo's own cut of the workbook (``visible_model``), and the
    previous snapshot is used only if it was cut alike: nothing above the memo's marking
    is kept for it, or can come back from an earlier edition."""
    from reports.memo import changes
    from reports.memo.contents import visible_model

    spec = memo_spec(config, memo, as_of)
    visible, _ = visible_model(loaded.model, spec)
    snapshot = changes.snapshot(visible, memo.marking, spec.min_grade, as_of)
    if previous is None:
        return snapshot, None
    if not changes.comparable(previous.snapshot, memo.marking, spec.min_grade):
        log.info("%s: the edition of %s was made at another marking or minimum grade (or by "
                 "an older version); this edition is not compared with it", memo.id,
                 previous.as_of.isoformat())
        return snapshot, None
    return snapshot, changes.since_last_edition(previous.snapshot, previous.as_of.isoformat(),
                                                visible, memo, as_of)


def render(context: dict, formats: list[str], templates: Path,
           links: dict[str, str] | None = None) -> dict[str, bytes]:
    """Render one context in each format (the PDF from the .docx); nothing is written.
    ``links``: where the HTML page links (``reports.output.manifest.page_links``)."""
    out: dict[str, bytes] = {}
    if "pdf" in formats:  # the .docx too: a long memo's contents get the PDF's page numbers
        from reports.render.pdf import render_pdf

        out["docx"], out["pdf"] = render_pdf(context, templates / "memo.docx")
    elif "docx" in formats:
        from reports.render.docx.document import render_docx

        out["docx"] = render_docx(context, templates / "memo.docx")
    if "html" in formats:
        from reports.render.html import render_html

        out["html"] = render_html(context, templates, links).encode("utf-8")
    return out


def build_memo(loaded: Loaded, config: Config, memo: MemoConfig, as_of: date,
               formats: list[str] | None = None, out_dir: Path | None = None,
               since_last_edition: dict | None = None) -> Built:
    """Build one memo: context once, each format rendered, its files written together.

    Any failure is a :class:`MemoFailed` whose message names the memo (a
    :class:`MemoCrashed` for an unexpected one); nothing of this memo is written then.
    """
    iso = as_of.isoformat()
    try:
        return _build_memo(loaded, config, memo, as_of, formats or memo.formats,
                           out_dir or config.output, since_last_edition)
    except ReportsError as exc:
        log.debug("%s as of %s failed", memo.id, iso, exc_info=True)
        raise _failed(MemoFailed, memo.id, f"{memo.id} as of {iso}: {exc}") from exc
    except Exception as exc:
        log.debug("%s as of %s failed unexpectedly", memo.id, iso, exc_info=True)
        raise _failed(MemoCrashed, memo.id, f"{memo.id} as of {iso}: an unexpected error "
                      f"({type(exc).__name__}: {exc}); the other memos were built; rerun with "
                      "--debug for the details and report it") from exc


def _failed(cls: type[MemoFailed], memo_id: str, message: str) -> MemoFailed:
    error = cls(message)
    error.memo_id = memo_id
    return error


def _build_memo(loaded: Loaded, config: Config, memo: MemoConfig, as_of: date,
                formats: list[str], out_dir: Path, since_last_edition: dict | None) -> Built:
    from reports.memo.contents import build_context
    from reports.output.manifest import mail_info

    spec = memo_spec(config, memo, as_of, since_last_edition)
    context = build_context(loaded.model, spec)
    iso = as_of.isoformat()
    out_dir = config.published(memo, out_dir)
    links = page_links(out_dir, memo.id, iso, formats,
                       (since_last_edition or {}).get("previous_as_of"))
    rendered = render(context, formats, config.templates, links)
    paths = {fmt: memo_path(out_dir, memo.id, iso, fmt)
             for fmt in ("docx", "html", "pdf") if fmt in formats}
    mail = mail_info(context)
    files = {paths[fmt]: rendered[fmt] for fmt in paths}
    files[manifest_path(out_dir, memo.id, iso)] = manifest_bytes(memo, iso, paths, mail)
    write_all(files)
    for path in paths.values():
        log.info("built %s as of %s: %s", memo.id, iso, path)
    return Built(memo.id, as_of, paths, {fmt: sha256_bytes(rendered[fmt]) for fmt in paths},
                 context, mail)


def load_drawing_meanwhile(workbook: Path, config: Config) -> Loaded:
    """``load()``, while the chart library is imported beside it when the charts will be
    drawn (none kept from an earlier build in the chart cache)."""
    from reports.render.charts.draw import prefetch

    drawing = prefetch(chart_cache_folder(config))
    try:
        return load(workbook, config)
    finally:
        if drawing is not None:
            drawing.join()  # before anything forks or draws


def chart_cache_folder(config: Config) -> Path:
    """``[paths] cache``/charts: outside the published folders, since it holds the charts
    of memos of every level."""
    return Path(config.cache) / "charts"


def use_chart_cache(config: Config) -> None:
    """Keep drawn charts in the chart cache between runs (same block, same bytes)."""
    from reports.render.charts.draw import use_cache

    use_cache(chart_cache_folder(config))


def build(config: Config, memos: list[MemoConfig], as_of: date, *,
          formats: list[str] | None = None, out_dir: Path | None = None,
          workbook: Path | None = None, jobs: int | None = None) -> list[Built]:
    """Build ``memos`` as of ``as_of`` from the workbook; write the index; return what was built.

    Every memo's parameters are checked against the workbook before any is built. The
    memos are built in ``jobs`` forked processes (default: one per core), which share the
    loaded workbook; the files are the same bytes as a serial build's (``jobs=1``). When
    some memos fail, the others are built and :class:`MemosFailed` is raised.
    """
    from reports.template_check.check import check_templates

    # Every template used is checked once, before the workbook is read or a file written.
    check_templates(config.templates, formats or {f for memo in memos for f in memo.formats})
    out_dir = out_dir or config.output
    loaded = load_drawing_meanwhile(workbook or config.workbook, config)
    problems = check_memos(loaded, memos, config.markings)
    if problems:
        raise ConfigError("\n".join(problems) + "\nnothing was built")
    use_chart_cache(config)
    clean_stale_parts(out_dir, older_than=STALE_PART_SECONDS)
    from reports.schedule.record import RunRecord

    with RunRecord.open(config.run_record_path, create=False) as record:
        since = {memo.id: carried(config, memo, as_of, loaded,
                                  record.previous_edition(memo.id, as_of))[1]
                 for memo in memos}
    jobs = min(jobs or os.cpu_count() or 1, len(memos))
    if jobs > 1:
        outcomes = _build_parallel(loaded, config, memos, as_of, formats, out_dir, jobs, since)
    else:
        outcomes = [_attempt(loaded, config, memo, as_of, formats, out_dir, since[memo.id])
                    for memo in memos]
    built = [o for o in outcomes if isinstance(o, Built)]
    failures = [o for o in outcomes if isinstance(o, MemoFailed)]
    for folder in dict.fromkeys(config.published(m, out_dir) for m in memos
                                if any(b.memo_id == m.id for b in built)):
        write_index(folder, config.templates, config.markings)
    if failures:
        raise MemosFailed(built, failures)
    return built


def _attempt(loaded: Loaded, config: Config, memo: MemoConfig, as_of: date,
             formats: list[str] | None, out_dir: Path, since: dict | None) -> Built | MemoFailed:
    try:
        return build_memo(loaded, config, memo, as_of, formats, out_dir, since)
    except MemoFailed as exc:
        return exc


_SHARED: tuple | None = None  # (loaded, config, as_of, formats, out_dir, since) in workers


def _build_one(memo: MemoConfig) -> Built | MemoFailed:
    loaded, config, as_of, formats, out_dir, since = _SHARED
    return _attempt(loaded, config, memo, as_of, formats, out_dir, since[memo.id])


def _build_parallel(loaded: Loaded, config: Config, memos: list[MemoConfig], as_of: date,
                    formats: list[str] | None, out_dir: Path, jobs: int,
                    since: dict[str, dict | None]) -> list[Built | MemoFailed]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from reports.render.charts.draw import warm_up

    global _SHARED
    _SHARED = (loaded, config, as_of, formats, out_dir, since)
    warm_up()  # load matplotlib and the fonts once, before forking, not in every worker
    loaded.model.events, loaded.model.positions  # noqa: B018 (made on first use: once, here)
    for rank in sorted({config.markings.rank(memo.marking) for memo in memos}):
        loaded.model.within(rank)  # each marking's cut, once, here (workers share it)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(_build_one, memo) for memo in memos]
            outcomes: list[Built | MemoFailed] = []
            for memo, future in zip(memos, futures, strict=True):
                try:
                    outcomes.append(future.result())
                except BrokenProcessPool as exc:
                    outcomes.append(_failed(
                        MemoCrashed, memo.id, f"{memo.id} as of {as_of.isoformat()}: the "
                        f"process building it died ({exc}); build it again with --jobs 1"))
            return outcomes
    finally:
        _SHARED = None

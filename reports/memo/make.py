"""Making one edition of a memo, in memory: the pipeline's middle steps.

``check_memos`` (each memo's parameters against the workbook), then for each edition
``make``: what the last issued edition carries to it (``carried``), its context
(``reports.memo.contents.build_context``) and each format rendered (``render``).
Nothing is written here; :mod:`reports.pipeline` hands what is made to a desk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reports.config.load import Config, MemoConfig
from reports.errors import MemoCrashed, MemoFailed, ReportsError
from reports.memo.context import MemoSpec
from reports.memo.shapes import Context, SinceLast
from reports.output.files import sha256_bytes
from reports.tradecraft import Markings

if TYPE_CHECKING:
    from reports.model.model import Model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Edition:
    """What to build: ``memo`` as of ``as_of`` (for ``run``, the schedule's ``fire`` time)."""

    memo: MemoConfig
    as_of: date
    fire: datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.memo.id} as of {self.as_of.isoformat()}"


@dataclass
class Made:
    """An edition made in memory: its context, its files (format -> bytes), what its mail
    says, and what it carries to the next edition (its ``snapshot``: None when the caller
    keeps none, as a build by hand) and from the last issued one (``since``: None for a
    first edition). Nothing of it is written yet."""

    edition: Edition
    context: Context
    files: dict[str, bytes]
    mail: dict[str, Any]
    snapshot: dict[str, Any] | None
    since: SinceLast | None

    @property
    def hashes(self) -> dict[str, str]:
        return {fmt: sha256_bytes(data) for fmt, data in self.files.items()}


def check_memos(model: Model, memos: list[MemoConfig],
                markings: Markings | None = None) -> dict[str, str]:
    """What is wrong with each memo's parameters against the workbook (memo id -> the
    message naming it): an issue or actor it does not hold, or (with the desk's
    ``markings``) one marked above the memo's own marking, which it could never show."""
    from reports.text import did_you_mean

    found: dict[str, str] = {}
    for memo in memos:
        for what, key, known in (("issue", memo.issue, model.issues),
                                 ("actor", memo.actor, model.actors)):
            if not key:
                continue
            if key not in known:
                found[memo.id] = (f'memo "{memo.id}": {what} "{key}" is not an {what}_id in '
                                  f"the workbook{did_you_mean(key, known)}")
                continue
            ceiling = markings.rank(memo.marking) if markings is not None else None
            if markings is not None and ceiling is not None and \
                    known[key].marking_rank > ceiling:
                found[memo.id] = (f'memo "{memo.id}": {what} "{key}" is marked '
                                  f"{markings.levels[known[key].marking_rank]}, above the "
                                  f"memo's marking {markings.levels[ceiling]}: raise the "
                                  f"memo's marking or choose another {what}")
    return found


def memo_spec(config: Config, memo: MemoConfig, as_of: date,
              since_last_edition: SinceLast | None = None) -> MemoSpec:
    desk = config.desk
    return MemoSpec(
        memo_id=memo.id, kind=memo.kind, title=memo.title, as_of=as_of, issue=memo.issue,
        actor=memo.actor, window_days=memo.window_days, outlook_days=memo.outlook_days,
        significance_floor=memo.significance_floor, office=desk.office, author=desk.author,
        marking=desk.marking, to=desk.to, sender=desk.sender or desk.office, lang=desk.lang,
        since_last_edition=since_last_edition, budget=memo.budget,
        east_asian_lang=desk.east_asian_lang, markings=config.markings, ceiling=memo.marking,
        yardstick=config.yardstick, min_grade=memo.min_grade or desk.min_grade)


def carried(config: Config, memo: MemoConfig, as_of: date, model: Model,
            previous: Any, *, keep: bool = True) -> tuple[dict[str, Any] | None,
                                                          SinceLast | None]:
    """What an edition of ``memo`` carries to the next (its snapshot; None unless
    ``keep``: only what records editions keeps one, and taking it reads the events' and
    positions' columns), and what changed since the previous edition issued to its readers (None
    without one made alike), from ``model`` (the whole workbook's
    :class:`reports.model.model.Model`).

    ``previous`` is the latest edition issued before it (a run record's
    :class:`~reports.schedule.record.builds.BuildRecord`, from ``previous_edition``), or
    None. Both come from the memo's own cut of the workbook (``visible_model``), and the
    previous snapshot is used only if it was cut alike: nothing above the memo's marking
    is kept for it, or can come back from an earlier edition."""
    from reports.memo import changes
    from reports.memo.contents import visible_model

    spec = memo_spec(config, memo, as_of)
    visible, _ = visible_model(model, spec)
    snapshot = changes.snapshot(visible, memo.marking, spec.min_grade, as_of) if keep else None
    if previous is None:
        return snapshot, None
    if not changes.comparable(previous.snapshot, memo.marking, spec.min_grade):
        log.info("%s: the edition of %s was made at another marking or minimum grade (or by "
                 "an older version); this edition is not compared with it", memo.id,
                 previous.as_of.isoformat())
        return snapshot, None
    return snapshot, changes.since_last_edition(previous.snapshot, previous.as_of.isoformat(),
                                                visible, memo, as_of, snapshot)


def render(context: Context, formats: list[str], templates: Path,
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
    return {fmt: out[fmt] for fmt in formats if fmt in out}


def make(model: Model, config: Config, edition: Edition, formats: list[str],
         previous: Any, folder: Path | None = None, *, snapshot: bool = True) -> Made:
    """Make one edition in memory: what it carries (its snapshot only with ``snapshot``),
    its context, each format rendered (the HTML page linking, in ``folder``, to the
    index, its .docx and the previous edition: ``reports.output.manifest.page_links``).

    Any failure is a :class:`MemoFailed` whose message names the memo (a
    :class:`MemoCrashed` for an unexpected one)."""
    from reports.memo.contents import build_context
    from reports.output.manifest import mail_info, page_links

    memo, as_of = edition.memo, edition.as_of
    try:
        kept, since = carried(config, memo, as_of, model, previous, keep=snapshot)
        context = build_context(model, memo_spec(config, memo, as_of, since))
        links = page_links(folder, memo.id, as_of.isoformat(), formats,
                           (since or {}).get("previous_as_of")) if folder else None
        files = render(context, formats, config.templates, links)
        return Made(edition, context, files, mail_info(context), kept, since)
    except ReportsError as exc:
        log.debug("%s failed", edition.label, exc_info=True)
        raise failed(MemoFailed, memo.id, f"{edition.label}: {exc}") from exc
    except Exception as exc:
        log.debug("%s failed unexpectedly", edition.label, exc_info=True)
        raise failed(MemoCrashed, memo.id, f"{edition.label}: an unexpected error "
                     f"({type(exc).__name__}: {exc}); the other memos were built; rerun "
                     "with --debug for the details and report it") from exc


def failed(cls: type[MemoFailed], memo_id: str, message: str) -> MemoFailed:
    """A memo's failure, naming it (``memo_id`` tells which memo it was)."""
    error = cls(message)
    error.memo_id = memo_id  # type: ignore[attr-defined]
    return error

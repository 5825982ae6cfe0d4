"""The pipeline, top to bottom: workbook -> validate -> model -> context -> render -> output.

``load()`` reads and checks a workbook once; ``build()`` turns a loaded workbook into
memo files. Renderers are imported lazily so that commands which build nothing stay
quick to start.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reports.config import Config, MemoConfig
from reports.context import MemoSpec
from reports.errors import WorkbookInvalid
from reports.model import Model
from reports.output import (
    STALE_PART_SECONDS,
    atomic_write,
    clean_stale_parts,
    memo_path,
    sha256_bytes,
)
from reports.validate import validate
from reports.workbook import read_workbook

log = logging.getLogger(__name__)

MANIFEST = ".memo.json"  # beside each memo's files; read by the index page


@dataclass
class Loaded:
    """A workbook that has been read, validated and modelled."""

    path: Path
    sha256: str
    model: object  # reports.model.Model
    problems: list
    notes: list[str] = field(default_factory=list)
    distribution: list[dict] = field(default_factory=list)  # the optional Distribution sheet


@dataclass
class Built:
    memo_id: str
    as_of: str
    files: dict[str, Path]  # format -> path
    hashes: dict[str, str]  # format -> sha256 of the file's bytes
    context: dict


def load(workbook: Path, rules=None) -> Loaded:
    """Read, validate and model ``workbook``; raise :class:`WorkbookInvalid` on any error.

    ``rules`` (a :class:`reports.validate.Rules`: the desk's marking scheme and yardstick)
    default to one marking level and the ICD 203 yardstick.
    """
    # Loading allocates millions of objects and frees almost none: the cyclic GC would
    # scan them again and again, the more often the larger the workbook. They live as
    # long as the process, so they are frozen before the GC runs again (else its first
    # collection would walk them all once more).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        book = read_workbook(workbook)
        checked = validate(book, rules)
        model = Model.from_records(checked.records) if checked.ok else None
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    for problem in checked.warnings:
        log.warning("%s", problem)
    if not checked.ok:
        raise WorkbookInvalid(checked.problems)
    return Loaded(book.path, book.sha256, model,
                  checked.problems, book.notes, list(checked.records.get("Distribution", [])))


def memo_spec(config: Config, memo: MemoConfig, as_of: date,
              since_last_issue: dict | None = None) -> MemoSpec:
    desk = config.desk
    return MemoSpec(
        memo_id=memo.id, kind=memo.kind, title=memo.title, as_of=as_of, issue=memo.issue,
        actor=memo.actor, window_days=memo.window_days, outlook_days=memo.outlook_days,
        significance_floor=memo.significance_floor, office=desk.office, author=desk.author,
        marking=desk.marking, to=desk.to, sender=desk.sender or desk.office, lang=desk.lang,
        since_last_issue=since_last_issue)


def render(context: dict, formats: list[str], templates: Path) -> dict[str, bytes]:
    """Render one context in each format; nothing is written here."""
    out: dict[str, bytes] = {}
    if "docx" in formats or "pdf" in formats:
        from reports.render.docx import render_docx

        out["docx"] = render_docx(context, templates / "memo.docx")
    if "html" in formats:
        from reports.render.html import render_html

        out["html"] = render_html(context, templates).encode("utf-8")
    return out


def build_memo(loaded: Loaded, config: Config, memo: MemoConfig, as_of: date,
               formats: list[str] | None = None, out_dir: Path | None = None,
               since_last_issue: dict | None = None) -> Built:
    """Build one memo: context once, each format rendered, files written whole."""
    from reports.memos import build_context

    formats = formats or memo.formats
    out_dir = out_dir or config.output
    spec = memo_spec(config, memo, as_of, since_last_issue)
    context = build_context(loaded.model, spec)
    rendered = render(context, formats, config.templates)
    iso = as_of.isoformat()
    files, hashes = {}, {}
    for fmt in ("docx", "html"):
        if fmt in formats:
            files[fmt] = atomic_write(memo_path(out_dir, memo.id, iso, fmt), rendered[fmt])
            hashes[fmt] = sha256_bytes(rendered[fmt])
    if "pdf" in formats:
        files["pdf"], hashes["pdf"] = _pdf(rendered["docx"], memo_path(out_dir, memo.id, iso,
                                                                       "pdf"))
    _write_manifest(out_dir, memo, iso, files)
    for path in files.values():
        log.info("built %s as of %s: %s", memo.id, iso, path)
    return Built(memo.id, iso, files, hashes, context)


def _pdf(docx: bytes, target: Path) -> tuple[Path, str]:
    import tempfile

    from reports.output import sha256_file
    from reports.render.pdf import docx_to_pdf

    with tempfile.TemporaryDirectory(prefix="memo-pdf-") as tmp:
        source = Path(tmp) / (target.stem + ".docx")
        source.write_bytes(docx)
        docx_to_pdf(source, target)
    return target, sha256_file(target)


def _write_manifest(out_dir: Path, memo: MemoConfig, as_of: str, files: dict[str, Path]) -> None:
    folder = memo_path(out_dir, memo.id, as_of, "x").parent
    manifest = {"memo_id": memo.id, "kind": memo.kind, "title": memo.title, "as_of": as_of,
                "files": {fmt: p.name for fmt, p in sorted(files.items())}}
    atomic_write(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())


def write_index(out_dir: Path, templates: Path, marking: str = "") -> Path:
    """``<out>/index.html``: every memo ever built into ``out_dir``, newest first."""
    from reports.render.html import render_index

    entries = []
    for manifest in sorted(Path(out_dir).glob(f"*/*/{MANIFEST}")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        rel = manifest.parent.relative_to(out_dir)
        data["files"] = {fmt: f"{rel.as_posix()}/{name}" for fmt, name in data["files"].items()
                         if (manifest.parent / name).exists()}
        entries.append(data)
    return atomic_write(Path(out_dir) / "index.html",
                        render_index(entries, templates, marking=marking).encode("utf-8"))


def build(config: Config, memos: list[MemoConfig], as_of: date, *,
          formats: list[str] | None = None, out_dir: Path | None = None,
          workbook: Path | None = None, jobs: int | None = None) -> list[Built]:
    """Build ``memos`` as of ``as_of`` from the workbook; write the index; return what was built.

    The memos are built in ``jobs`` forked processes (default: one per core), which share
    the loaded workbook; the files are the same bytes as a serial build's (``jobs=1``).
    """
    out_dir = out_dir or config.output
    loaded = load(workbook or config.workbook)
    clean_stale_parts(out_dir, older_than=STALE_PART_SECONDS)
    jobs = min(jobs or os.cpu_count() or 1, len(memos))
    if jobs > 1:
        built = _build_parallel(loaded, config, memos, as_of, formats, out_dir, jobs)
    else:
        built = [build_memo(loaded, config, memo, as_of, formats, out_dir) for memo in memos]
    if built:
        write_index(out_dir, config.templates, config.desk.marking)
    return built


_SHARED: tuple | None = None  # (loaded, config, as_of, formats, out_dir) in forked workers


def _build_one(memo: MemoConfig) -> Built:
    loaded, config, as_of, formats, out_dir = _SHARED
    return build_memo(loaded, config, memo, as_of, formats, out_dir)


def _build_parallel(loaded: Loaded, config: Config, memos: list[MemoConfig], as_of: date,
                    formats: list[str] | None, out_dir: Path, jobs: int) -> list[Built]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from reports.render.charts import warm_up

    global _SHARED
    _SHARED = (loaded, config, as_of, formats, out_dir)
    warm_up()  # load matplotlib and the fonts once, before forking, not in every worker
    loaded.model.events, loaded.model.positions  # noqa: B018 (made on first use: once, here)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            return list(pool.map(_build_one, memos))
    finally:
        _SHARED = None

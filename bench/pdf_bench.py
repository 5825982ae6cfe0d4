"""The PDF stage of the benchmark (``bench/run.py --stages pdf``): the memos' PDFs of a batch.

The bundled workbook's configured memos (``reports.toml``), each rendered to PDF
(``reports.render.pdf.render_pdf``: its .docx laid out by LibreOffice, twice for a memo
with a table of contents) one after the other in one fresh process, as ``build --format
pdf --jobs 1`` makes them. LibreOffice starts at the first PDF and converts the rest
(``reports.render.office``), so the first memo's time includes that start and the
median of the following ones is what each later PDF costs. Then the whole batch as PDFs
with ``build(..., jobs=2)`` (each forked worker with its own LibreOffice).

Target (a memo's PDF with LibreOffice started once per run): every PDF after the
first under 1.5 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2019, 11, 25)
FOLLOWING_LIMIT = 1.5  # seconds for each memo PDF after the first of a batch


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def w_pdf_batch(a: dict) -> dict:
    from reports.config.load import load_config
    from reports.memo.contents import build_context
    from reports.memo.make import memo_spec
    from reports.model.load import load
    from reports.pipeline import build
    from reports.render.pdf import render_pdf

    config = load_config(ROOT / "reports.toml", required=True)
    memos = config.memos[: a.get("limit") or None]
    if a["jobs"] > 1:
        with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
            wall, cpu = _clock()
            built = build(config, memos, AS_OF, formats=["pdf"], out_dir=Path(tmp),
                          jobs=a["jobs"])
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return {"wall": wall, "cpu": cpu, "memos": len(built.outcomes)}
    loaded = load(config.workbook, config)
    walls, cpus = [], []
    total = _clock()
    for memo in memos:
        context = build_context(loaded.model, memo_spec(config, memo, AS_OF))
        wall, cpu = _clock()
        render_pdf(context, config.templates / "memo.docx")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    office = sys.modules.get("reports.render.office")
    if office is not None:
        office.shutdown()
    return {"wall": time.perf_counter() - total[0], "cpu": time.process_time() - total[1],
            "memos": len(walls), "walls": walls, "cpus": cpus,
            "names": [m.id for m in memos]}


WORKERS = {"pdf_batch": w_pdf_batch}


def stages(bench, row_type) -> None:
    """The rows of the stage, added to ``bench`` (see ``bench/run.py``); ``--quick``: the
    first three memos, one process."""
    quick = bench.args.quick
    for jobs in (1,) if quick else (1, 2):
        label = f"pdf: bundled memos' PDFs, one process, --jobs {jobs}"
        try:
            proc = bench.worker({"stage": "pdf_batch", "jobs": jobs, "limit": 3 if quick else 0})
            res = proc.result()
        except (RuntimeError, TimeoutError) as exc:
            bench.add(row_type(label, "bundled", error=str(exc)))
            continue
        whole = bench.add(row_type(label, "bundled", [res["wall"]], [res["cpu"]],
                                   peak_mb=proc.peak_mb, note=f"{res['memos']} memos"))
        bench.facts[("pdf_batch", jobs)] = whole
        if jobs == 1 and len(res["walls"]) > 1:
            first = bench.add(row_type("pdf: first memo PDF of the batch (LibreOffice starts)",
                                       "bundled", [res["walls"][0]], [res["cpus"][0]],
                                       note=res["names"][0]))
            rest = res["walls"][1:]
            following = bench.add(row_type(
                "pdf: each following memo PDF (median)", "bundled",
                [statistics.median(rest)], [statistics.median(res["cpus"][1:])],
                note=f"{len(rest)} memos, {min(rest):.2f}-{max(rest):.2f} s"))
            bench.facts["pdf_first"] = first
            bench.facts["pdf_following"] = following


def targets(facts: dict, verdict) -> list[tuple[str, str, str]]:
    following, first = facts.get("pdf_following"), facts.get("pdf_first")
    if not (following and following.median):
        return []
    ok = following.median < FOLLOWING_LIMIT
    return [(f"each memo PDF after the first of a batch < {FOLLOWING_LIMIT} s",
             f"{following.median:.2f} s (first {first.median:.2f} s)",
             verdict(ok, "" if ok else f"{following.median - FOLLOWING_LIMIT:.2f} s over"))]

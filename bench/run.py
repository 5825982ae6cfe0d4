"""Benchmark the toolkit against the pipeline a user would otherwise write.

    python bench/run.py                       # 10,000, 50,000 and 200,000 events, 3 runs
    python bench/run.py --sizes 50000 --repeat 5
    python bench/run.py --sizes 300 --repeat 1 --quick   # a smoke run (what the tests do)

For each size it generates (once, cached under ``bench/.cache/``) a contract workbook
with ``bench/generate.py`` and measures, side by side in one run:

- the toolkit's load, ``reports.model.load.load()`` (what every command calls), and apart,
  its three stages: ``read_workbook``, ``validate``, ``Model.from_records``;
- the bare read of the same file: fastexcel (calamine, in Rust) loading every sheet into
  Arrow columns, nothing checked;
- the naive read: ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")``, and
  the same in a process of its own beside ``run_reports.py validate`` (each a whole
  process, interpreter start and imports included);
- one weekly memo, one issue brief and the overview, each as .docx and as .html,
  after loading (``reports.memo.make.make`` and the files written). The first build
  in the process (imports, fonts, template compilation) is shown apart; the median is of
  the builds after it, each with the renderer's in-process chart cache emptied, since a
  real build draws each of its charts once;
- the naive Word fill: the same tables as the toolkit's weekly memo, filled with
  python-docx ``table.cell(r, c).text``. That is quadratic, so each table is filled up to
  a cell cap and the time for its real size is extrapolated (labelled as such);
- a full ``build`` of a 20-memo config (overview, weekly, 10 issue briefs, 8 actor
  profiles; docx and html) with ``--jobs 1`` and ``--jobs 2``, checking that both
  write byte-identical files;
- ``run`` from the shell with nothing due, and with a memo due whose inputs are
  unchanged since its last issue (checked: no file rewritten, nothing re-sent).

Once per run: ``run_reports.py --help``, the full ``build`` of the bundled workbook's
configured memos from the shell (jobs 1 and 2), ``run`` on the bundled workbook, the
growth of the Word renderer's table filling with the number of rows, and the bundled
memos' PDFs made in one process (``bench/pdf_bench.py``: the first, LibreOffice
starting, and each following one).

Every measurement runs in a fresh subprocess, so stages do not share caches or memory;
peak MB is the child's maximum resident set (``wait4`` ``ru_maxrss``, the largest
process of the stage). Times are wall-clock medians; CPU seconds are shown beside them,
as wall time on a busy machine overstates a stage. Results go to stdout and, unless
``--quick``, to ``bench/results.md`` and ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import briefs  # noqa: E402
import chart_bench  # noqa: E402
import pdf_bench  # noqa: E402

AS_OF = date(2019, 11, 29)
DEFAULT_SIZES = (5_000, 50_000, 200_000)
RESULT_TAG = "BENCH-RESULT "
NAIVE_CELL_CAP = 400  # cells filled per table by the naive python-docx fill (quick: 60)
SCALING_ROWS = (0, 100, 1000, 4000, 10000)  # tests/test_docx_scale.py: 100, 1k, 10k
QUICK_SCALING_ROWS = (0, 50, 100, 200)
ISSUE_RANKS = (0, 1, 2, 4, 6, 9, 13, 18, 24, 29)  # issues briefed in the 20-memo config
ACTOR_RANKS = (0, 2, 5, 10, 20, 50, 100, 200)  # actors profiled (rank = popularity)
OVERVIEW_FLOOR = 5  # the 20-memo config's overview lists events of significance 5 only


# =========================================================================== workers
# Each runs in its own process: ``python bench/run.py --worker JSON``; it prints one
# line ``BENCH-RESULT {...}`` with its timings.


def _quiet() -> None:
    import logging
    import warnings

    logging.basicConfig(level=logging.ERROR)
    warnings.simplefilter("ignore")


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def w_calamine(a: dict) -> dict:
    """The bare read: fastexcel (calamine, in Rust) opens the file and loads every sheet
    into Arrow columns; no check, no frame. The toolkit's own reader starts from this."""
    import fastexcel

    with Clock() as c:
        book = fastexcel.read_excel(Path(a["workbook"]).read_bytes())
        cells = 0
        for name in book.sheet_names:
            batch = book.load_sheet(name, schema_sample_rows=None, eager=True)
            cells += batch.num_rows * batch.num_columns
    return {"wall": c.wall, "cpu": c.cpu, "cells": cells}


def w_load(a: dict) -> dict:
    with Clock() as imp:
        from reports.model.model import Model
        from reports.workbook.read import read_workbook
        from reports.workbook.validate import validate
    with Clock() as r:
        book = read_workbook(a["workbook"])
    with Clock() as v:
        checked = validate(book)
    assert checked.ok, f"{len(checked.errors)} errors, first: {checked.errors[:1]}"
    with Clock() as m:
        model = Model.from_records(checked.records)
    with Clock() as first:  # event and position records are built on first use
        events = len(model.events) + len(model.positions)
    with Clock() as w:
        model.within(0)
    return {"read": r.wall, "validate": v.wall, "model": m.wall, "records": first.wall,
            "within": w.wall, "total": r.wall + v.wall + m.wall, "cpu_read": r.cpu,
            "cpu_validate": v.cpu, "cpu_model": m.cpu, "cpu_records": first.cpu,
            "cpu_within": w.cpu, "cpu_total": r.cpu + v.cpu + m.cpu, "import": imp.wall,
            "warnings": len(checked.warnings), "events": events}


def w_load_api(a: dict) -> dict:
    """``reports.model.load.load``, the call every command makes: read, validate, model."""
    with Clock() as imp:
        from reports.model.load import load
    with Clock() as c:
        loaded = load(Path(a["workbook"]))
    return {"wall": c.wall, "cpu": c.cpu, "import": imp.wall, "events": len(loaded.model.events)}


def w_naive_read(a: dict) -> dict:
    import pandas as pd

    with Clock() as c:
        frames = pd.read_excel(a["workbook"], sheet_name=None, engine="openpyxl")
    return {"wall": c.wall, "cpu": c.cpu, "rows": sum(len(f) for f in frames.values())}


def _bench_config(a: dict):
    from reports.config.load import load_config

    return load_config(Path(a["config"]), required=True)


def _forget_charts() -> None:
    """Empty the renderer's in-process chart cache: a real build draws each chart once,
    so a repeated build must not get its pictures for free."""
    charts = sys.modules.get("reports.render.charts.draw")
    if charts is not None:
        charts.forget()


def w_memo(a: dict) -> dict:
    """Load once (timed apart), then one memo per format: a cold build, then warm ones."""
    from reports.memo.contents import build_context
    from reports.memo.make import Edition, make, memo_spec
    from reports.model.load import load
    from reports.output.editions import edition_folder, write_edition

    config = _bench_config(a)
    memo = config.memo(a["memo"])
    with Clock() as setup:
        loaded = load(config.workbook, config)
    out: dict = {"load": setup.wall}
    with tempfile.TemporaryDirectory(prefix="bench-memo-") as tmp:
        for fmt in ("docx", "html"):
            walls, cpus = [], []
            for i in range(1 + a["repeat"]):
                _forget_charts()
                with Clock() as c:
                    made = make(loaded.model, config, Edition(memo, AS_OF), [fmt], None,
                                snapshot=False)  # as `build` makes it (`run`: its own rows)
                    day = AS_OF.isoformat()
                    files = write_edition(edition_folder(Path(tmp), memo.id, day), memo, day,
                                          made.files, made.mail)
                walls.append(c.wall)
                cpus.append(c.cpu)
                if i == 0 and c.wall > a["slow"]:
                    break  # too slow to repeat: the cold run stands alone
            out[fmt] = {"cold": walls[0], "cold_cpu": cpus[0], "warm": walls[1:],
                        "warm_cpu": cpus[1:], "bytes": files[fmt].stat().st_size}
        spec = memo_spec(config, memo, AS_OF)
        walls, cpus = [], []
        for _ in range(max(1, a["repeat"])):
            with Clock() as c:
                context = build_context(loaded.model, spec)
            walls.append(c.wall)
            cpus.append(c.cpu)
        out["context"] = {"warm": walls, "warm_cpu": cpus}
        out["rows"] = sum(len(b.get("rows", [])) for s in context["sections"]
                          for b in s["blocks"])
    return out


def _docx_tables(data: bytes) -> list[list[list[str]]]:
    """Every table of a .docx as rows of cell texts (read straight from the XML)."""
    from io import BytesIO

    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(BytesIO(data))
    tables = []
    for tbl in doc.element.body.iter(qn("w:tbl")):
        rows = []
        for tr in tbl.iter(qn("w:tr")):
            rows.append(["".join(t.text or "" for t in tc.iter(qn("w:t")))
                         for tc in tr.iter(qn("w:tc"))])
        if rows:
            tables.append(rows)
    return tables


def _naive_fill(rows: list[list[str]], n_rows: int, width: int) -> float:
    """Seconds to fill ``n_rows`` of ``rows`` into a new python-docx table, cell by cell."""
    from docx import Document

    doc = Document()
    start = time.perf_counter()
    table = doc.add_table(rows=n_rows, cols=width)
    for r in range(n_rows):
        row = rows[r]
        for c in range(width):
            table.cell(r, c).text = row[c] if c < len(row) else ""
    return time.perf_counter() - start


def w_naive_docx(a: dict) -> dict:
    """The weekly memo's tables, as a user would fill them: ``table.cell(r, c).text``."""
    from reports.memo.contents import build_context
    from reports.memo.make import memo_spec
    from reports.model.load import load
    from reports.render.docx.document import render_docx

    config = _bench_config(a)
    memo = config.memo("weekly")
    loaded = load(config.workbook, config)
    context = build_context(loaded.model, memo_spec(config, memo, AS_OF))
    tables = _docx_tables(render_docx(context, config.templates / "memo.docx"))
    cap = a["cell_cap"]
    measured = estimated = 0.0
    details = []
    exponents = []
    for rows in tables:
        width = max(len(r) for r in rows)
        n = len(rows)
        m = min(n, max(2, cap // width))
        t = _naive_fill(rows, m, width)
        measured += t
        est = t
        if m < n:
            # t(k) = a*k + b*k^2, fitted on k = m/2 and m, then evaluated at k = n
            h = m // 2
            t_half = _naive_fill(rows, h, width)
            measured += t_half
            b = (t - t_half * m / h) / (m * m - m * h)
            a_ = (t - b * m * m) / m
            est = a_ * n + b * n * n if b > 0 else t * n / m
            if t_half > 0 and t > t_half:
                exponents.append(math.log(t / t_half) / math.log(m / h))
        estimated += est
        details.append({"rows": n, "cols": width, "filled_rows": m, "seconds": t,
                        "estimated": est})
    return {"measured": measured, "estimated": estimated, "tables": details,
            "rows": sum(d["rows"] for d in details),
            "capped": any(d["filled_rows"] < d["rows"] for d in details),
            "exponent": max(exponents) if exponents else None}


def w_scaling(a: dict) -> dict:
    """The Word renderer on one events table of N rows (no chart): time against N."""
    from reports.memo.contents import build_context
    from reports.memo.context import Builder, section
    from reports.memo.make import memo_spec
    from reports.model.load import load
    from reports.render.docx.document import render_docx

    config = _bench_config(a)
    memo = config.memo("weekly")
    loaded = load(config.workbook, config)
    spec = memo_spec(config, memo, AS_OF)
    base = build_context(loaded.model, spec)
    events = loaded.model.events
    template = config.templates / "memo.docx"
    points = []
    for n in a["rows"]:
        chosen = [events[i % len(events)] for i in range(n)]
        b = Builder(loaded.model, spec)
        blocks = b.events_block(chosen, "No events.")
        table = [blk for blk in blocks if blk["type"] != "chart"]
        # no Sources section (its length would grow with N too, up to 2,000 sources);
        # the cited sources are there for the footnotes, one a citation
        context = {"memo": base["memo"], "sources": b.cites.listing(),
                   "native_langs": base.get("native_langs", {}),
                   "sections": [section("events", "Events", *table)]}
        render_docx(context, template)  # warm
        walls, cpus = [], []
        for _ in range(3):
            with Clock() as c:
                render_docx(context, template)
            walls.append(c.wall)
            cpus.append(c.cpu)
        points.append({"rows": n, "wall": statistics.median(walls),
                       "cpu": statistics.median(cpus)})
    return {"points": points}


def _validated(proc: Proc) -> None:
    """``validate`` ran to its end: the summary line, no error in the workbook."""
    if ": 0 errors," not in proc.stdout:
        raise RuntimeError(f"validate found errors: {proc.stdout[-500:]}")


def _file_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _tree_digest(folder: Path) -> tuple[str, int]:
    files = _file_hashes(folder)
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest(), len(files)


def w_build(a: dict) -> dict:
    from reports.pipeline import build

    config = _bench_config(a)
    out = Path(a["out"])
    with Clock() as c:
        built = build(config, config.memos, AS_OF, out_dir=out, jobs=a["jobs"])
    files = _file_hashes(out)
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    return {"wall": c.wall, "cpu": c.cpu, "memos": len(built.outcomes), "files": len(files),
            "digest": digest, "hashes": files}


WORKERS = {"calamine": w_calamine, "load": w_load, "load_api": w_load_api,
           "naive_read": w_naive_read,
           "memo": w_memo, "naive_docx": w_naive_docx, "scaling": w_scaling, "build": w_build,
           **chart_bench.WORKERS, **pdf_bench.WORKERS}


def worker_main(spec: str) -> int:
    _quiet()
    args = json.loads(spec)
    result = WORKERS[args["stage"]](args)
    print(RESULT_TAG + json.dumps(result), flush=True)
    return 0


# =========================================================================== driver


@dataclass
class Proc:
    code: int
    wall: float
    cpu: float
    peak_mb: float
    stdout: str
    stderr: str
    timed_out: bool = False

    def result(self) -> dict:
        for line in reversed(self.stdout.splitlines()):
            if line.startswith(RESULT_TAG):
                return json.loads(line[len(RESULT_TAG):])
        raise RuntimeError(f"no result (exit {self.code}): {self.stderr[-2000:]}")


def spawn(cmd: list[str], *, timeout: float, cwd: Path = ROOT,
          env: dict | None = None) -> Proc:
    """Run ``cmd``; its wall time, CPU time and peak memory (of it and its children)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=env,
                                start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Proc(proc.returncode, wall, usage.ru_utime + usage.ru_stime,
                    usage.ru_maxrss / 1024, out.read().decode("utf-8", "replace"),
                    err.read().decode("utf-8", "replace"), timed_out.is_set())


@dataclass
class Row:
    stage: str
    size: str  # events, or "bundled"
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    ratio: str = ""
    note: str = ""
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(self.cpus) if self.cpus else None


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rows: list[Row] = []
        self.facts: dict = {}  # (key) -> value, for the targets
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-run-"))
        self.python = sys.executable

    # -- helpers --------------------------------------------------------------------------

    def log(self, text: str) -> None:
        print(f"[{datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)

    def worker(self, spec: dict) -> Proc:
        cmd = [self.python, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
        proc = spawn(cmd, timeout=self.args.timeout)
        if proc.timed_out:
            raise TimeoutError(f"over the {self.args.timeout:.0f} s limit")
        if proc.code != 0:
            raise RuntimeError(f"worker {spec['stage']} failed (exit {proc.code}): "
                               f"{proc.stderr.strip()[-1500:]}")
        return proc

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        shown = f"{row.median:.3f} s" if row.median is not None else row.error
        self.log(f"{row.stage} [{row.size}]: {shown}"
                 + (f", {row.peak_mb:.0f} MB" if row.peak_mb else ""))
        return row

    def repeated(self, stage: str, size: str, spec: dict, key: str = "wall",
                 cpu_key: str = "cpu") -> tuple[Row, list[dict]]:
        """Run a worker ``repeat`` times (once if it is slow); one row of medians."""
        row = Row(stage, size)
        results = []
        try:
            for i in range(self.args.repeat):
                proc = self.worker(spec)
                res = proc.result()
                results.append(res)
                row.walls.append(res[key])
                row.cpus.append(res[cpu_key])
                row.peak_mb = max(row.peak_mb or 0, proc.peak_mb)
                if i == 0 and res[key] > self.args.slow and self.args.repeat > 1:
                    row.note = "1 run (slow)"
                    break
        except (RuntimeError, TimeoutError) as exc:
            row.error = str(exc)
        return row, results

    def config(self, size: str, workbook: Path, *, scheduled: bool = False,
               events: int | None = None) -> Path:
        """A config for the benchmark, in its own folder (output and ledger inside it)."""
        import generate

        folder = Path(tempfile.mkdtemp(prefix=f"cfg-{size}-", dir=self.tmp))
        actors, issues = generate.ids(events, self.seed) if events is not None else ([], [])
        lines = [
            "[paths]", f"workbook = {json.dumps(str(workbook))}",
            f"output = {json.dumps(str(folder / 'output'))}",
            f"templates = {json.dumps(str(ROOT / 'templates'))}", "",
            "[desk]", 'office = "Northeast Asia Desk"', 'author = "Benchmark"',
            'marking = "UNCLASSIFIED // FOR OFFICIAL USE ONLY"', 'to = "Director, Asia Policy"',
            'sender = "Northeast Asia Desk"', "",
            # the generated workbooks mark some rows UNCLASSIFIED (any case)
            "[markings]", 'levels = ["UNCLASSIFIED", "UNCLASSIFIED // FOR OFFICIAL USE ONLY"]',
            'default = "UNCLASSIFIED // FOR OFFICIAL USE ONLY"', "",
        ]
        if scheduled:
            lines += ["[delivery]", f"drop_folder = {json.dumps(str(folder / 'drop'))}", "",
                      "[[memos]]", 'id = "weekly"', 'kind = "weekly"',
                      'title = "Weekly update"', 'formats = ["docx", "html"]',
                      'schedule = { cron = "0 * * * *", timezone = "UTC" }', ""]
        else:
            lines += ["[[memos]]", 'id = "overview"', 'kind = "overview"',
                      'title = "Overview"', f"significance_floor = {OVERVIEW_FLOOR}", "",
                      "[[memos]]", 'id = "weekly"', 'kind = "weekly"',
                      'title = "Weekly update"', ""]
            for rank in ISSUE_RANKS:
                if rank < len(issues):
                    lines += ["[[memos]]", f'id = "issue-{issues[rank]}"', 'kind = "issue"',
                              f'issue = "{issues[rank]}"', 'title = "Issue brief"', ""]
            for rank in ACTOR_RANKS:
                if rank < len(actors):
                    lines += ["[[memos]]", f'id = "actor-{actors[rank]}"', 'kind = "actor"',
                              f'actor = "{actors[rank]}"', 'title = "Actor profile"', ""]
        path = folder / "reports.toml"
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    # -- stages ---------------------------------------------------------------------------

    def size_stages(self, n: int, workbook: Path) -> None:
        size = f"{n:,}"
        a = self.args
        want = self.want
        if want("read"):
            row, _ = self.repeated("calamine: bare read (all sheets)", size,
                                   {"stage": "calamine", "workbook": str(workbook)})
            self.add(row)
            self.facts[("calamine", n)] = row
            rows = {k: Row(f"toolkit: {label}", size) for k, label in (
                ("read", "read_workbook"), ("validate", "validate"),
                ("model", "Model.from_records"),
                ("records", "event and position records (built on first use)"),
                ("within", "Model.within(0) (the marking filter)"))}
            try:
                for i in range(a.repeat):
                    res = self.worker({"stage": "load", "workbook": str(workbook)}).result()
                    for k, row in rows.items():
                        row.walls.append(res[k])
                        row.cpus.append(res[f"cpu_{k}"])
                    if i == 0 and res["total"] > a.slow and a.repeat > 1:
                        rows["read"].note = "1 run (slow)"
                        break
            except (RuntimeError, TimeoutError) as exc:
                rows["read"].error = str(exc)
            total, results = self.repeated("toolkit: load + validate + model", size,
                                           {"stage": "load_api", "workbook": str(workbook)})
            if results:
                total.note = "; ".join(x for x in (
                    "reports.model.load.load(); read_workbook, validate and Model.from_records "
                    "above are its parts, timed in another process (the records and within "
                    f"rows come after it); imports {results[0]['import']:.2f} s apart",
                    total.note) if x)
            for row in [*rows.values(), total]:
                self.add(row)
            self.facts[("load", n)] = total
            naive, _ = self.repeated("naive: pandas.read_excel(openpyxl)", size,
                                     {"stage": "naive_read", "workbook": str(workbook)})
            naive.ratio = "1.0x"
            self.add(naive)
            self.facts[("naive_read", n)] = naive
            self.whole_processes(n, size, workbook)
            if naive.median:
                parts = [rows[k] for k in ("read", "validate", "model")]
                for row in [self.facts[("calamine", n)], *parts, total]:
                    if row.median:
                        row.ratio = f"{naive.median / row.median:.1f}x faster"
        config = self.config(str(n), workbook, events=n)
        if want("memo"):
            self.memo_stages(n, size, config)
        if want("naive_docx"):
            self.naive_docx(n, size, config)
        if want("build"):
            self.build_stages(n, size, config)
        if want("run"):
            self.run_stages(size, workbook)

    def whole_processes(self, n: int, size: str, workbook: Path) -> None:
        """``validate`` from the shell against the naive read in a process of its own:
        each from the interpreter's start to its end (imports included)."""
        naive = self.shell("naive: python -c 'pandas.read_excel(openpyxl)', whole process",
                           size, ["-c", "import sys, pandas; pandas.read_excel(sys.argv[1], "
                                  "sheet_name=None, engine='openpyxl')", str(workbook)],
                           repeat=1 if n > 50_000 else None)
        naive.ratio = "1.0x"
        self.facts[("naive_process", n)] = naive
        config = self.config(f"validate-{n}", workbook)
        row = self.shell("toolkit: run_reports.py validate, whole process", size,
                         ["run_reports.py", "-q", "validate", "--config", str(config)],
                         check=_validated)
        if row.median and naive.median:
            row.ratio = f"{naive.median / row.median:.1f}x faster"
        self.facts[("validate_process", n)] = row

    def memo_stages(self, n: int, size: str, config: Path) -> None:
        import tomllib

        memos = tomllib.loads(config.read_text(encoding="utf-8"))["memos"]
        issue = next(m["id"] for m in memos if m["kind"] == "issue")
        for memo_id, label in (("weekly", "weekly memo"), (issue, f"issue brief ({issue})"),
                               ("overview", f"overview (floor {OVERVIEW_FLOOR})")):
            spec = {"stage": "memo", "config": str(config), "memo": memo_id,
                    "repeat": self.args.repeat, "slow": self.args.slow}
            try:
                proc = self.worker(spec)
                res = proc.result()
            except (RuntimeError, TimeoutError) as exc:
                self.add(Row(f"toolkit: {label}", size, error=str(exc)))
                continue
            ctx = Row(f"toolkit: {label}, context only", size, res["context"]["warm"],
                      res["context"]["warm_cpu"], note=f"{res['rows']:,} table rows")
            self.add(ctx)
            for fmt in ("docx", "html"):
                r = res[fmt]
                walls, cpus = (r["warm"], r["warm_cpu"]) if r["warm"] else (
                    [r["cold"]], [r["cold_cpu"]])
                note = (f"first build {r['cold']:.2f} s; {r['bytes'] / 1024**2:.1f} MB file"
                        + ("" if r["warm"] else "; 1 run (slow)"))
                row = self.add(Row(f"toolkit: {label} .{fmt}", size, walls, cpus,
                                   proc.peak_mb, note=note))
                self.facts[(memo_id if memo_id == "weekly" else label, fmt, n)] = row
            self.facts[("memo_load", memo_id, n)] = res["load"]

    def naive_docx(self, n: int, size: str, config: Path) -> None:
        spec = {"stage": "naive_docx", "config": str(config),
                "cell_cap": 60 if self.args.quick else NAIVE_CELL_CAP}
        try:
            proc = self.worker(spec)
            res = proc.result()
        except (RuntimeError, TimeoutError) as exc:
            self.add(Row("naive: weekly memo tables, python-docx cell(r, c)", size,
                         error=str(exc)))
            return
        shape = ", ".join(f"{t['rows']}x{t['cols']}" for t in res["tables"])
        note = (f"{len(res['tables'])} tables ({shape}); "
                + (f"EXTRAPOLATED: each table filled up to {spec['cell_cap']} cells and "
                   f"at half that ({res['measured']:.1f} s in all), a*n + b*n^2 fitted and "
                   "evaluated at its real row count" if res["capped"] else "measured"))
        if res["exponent"]:
            note += f"; growth exponent seen while filling {res['exponent']:.2f}"
        row = self.add(Row("naive: weekly memo tables, python-docx cell(r, c)", size,
                           [res["estimated"]], [res["estimated"]], proc.peak_mb,
                           ratio="1.0x", note=note))
        self.facts[("naive_docx", n)] = row
        for fmt in ("docx",):
            toolkit = self.facts.get(("weekly", fmt, n))
            if toolkit and toolkit.median:
                toolkit.ratio = f"{res['estimated'] / toolkit.median:.1f}x faster"
        naive_read = self.facts.get(("naive_read", n))
        load = self.facts.get(("load", n))
        weekly = self.facts.get(("weekly", "docx", n))
        if naive_read and naive_read.median and load and load.median and weekly and \
                weekly.median:
            naive_total = naive_read.median + res["estimated"]
            ours = load.median + weekly.median
            self.add(Row("pipeline: naive (read_excel + cell fill of weekly tables)", size,
                         [naive_total], note="sum of the two naive rows", ratio="1.0x"))
            self.add(Row("pipeline: toolkit (load + weekly .docx)", size, [ours],
                         ratio=f"{naive_total / ours:.1f}x faster",
                         note="sum of the two toolkit rows"))

    def build_stages(self, n: int, size: str, config: Path) -> None:
        digests: dict[int, set] = {}
        hashes: dict[str, set] = {}
        for jobs in (1, 2):
            row = Row(f"toolkit: build 20 memos --jobs {jobs}", size)
            try:
                for i in range(self.args.repeat):
                    out = Path(tempfile.mkdtemp(prefix="out-", dir=self.tmp))
                    proc = self.worker({"stage": "build", "config": str(config),
                                        "jobs": jobs, "out": str(out)})
                    res = proc.result()
                    shutil.rmtree(out, ignore_errors=True)
                    row.walls.append(res["wall"])
                    row.cpus.append(proc.cpu)  # with the pool's workers (and start-up)
                    row.peak_mb = max(row.peak_mb or 0, proc.peak_mb)
                    digests.setdefault(jobs, set()).add(res["digest"])
                    for name, h in res["hashes"].items():
                        hashes.setdefault(name, set()).add(h)
                    row.note = (f"{res['memos']} memos, {res['files']} files; CPU s "
                                "include the pool's processes and start-up")
                    if i == 0 and res["wall"] > self.args.slow and self.args.repeat > 1:
                        row.note += "; 1 run (slow)"
                        break
            except (RuntimeError, TimeoutError) as exc:
                row.error = str(exc)
            self.add(row)
            self.facts[("build20", jobs, n)] = row
        one, two = digests.get(1, set()), digests.get(2, set())
        same = bool(one) and one == two and len(one) == 1
        self.facts[("build20_identical", n)] = same
        row2 = self.facts[("build20", 2, n)]
        row1 = self.facts[("build20", 1, n)]
        if row1.median and row2.median:
            row2.ratio = f"{row1.median / row2.median:.2f}x vs jobs 1"
        differ = sorted(name.rsplit("/", 1)[-1] for name, h in hashes.items() if len(h) > 1)
        row2.note += ("; byte-identical to jobs 1" if same else
                      f"; NOT byte-identical across runs: {', '.join(differ) or 'file sets'}")

    def shell(self, stage: str, size: str, cmd: list[str], *, repeat: int | None = None,
              cwd: Path = ROOT, check=None, before=None) -> Row:
        """``cmd`` run ``repeat`` times in a fresh process (``before()`` ahead of each)."""
        row = Row(stage, size)
        for _ in range(repeat or self.args.repeat):
            if before:
                before()
            proc = spawn([self.python, *cmd], timeout=self.args.timeout, cwd=cwd)
            if proc.code != 0 or proc.timed_out:
                row.error = f"exit {proc.code}: {proc.stderr.strip()[-800:]}"
                break
            if check:
                check(proc)
            row.walls.append(proc.wall)
            row.cpus.append(proc.cpu)
            row.peak_mb = max(row.peak_mb or 0, proc.peak_mb)
        return self.add(row)

    def run_stages(self, size: str, workbook: Path) -> None:
        """``run`` twice per hour slot of one day: nothing due, then due but unchanged."""
        config = self.config(size, workbook, scheduled=True)
        folder = config.parent
        runner = [str(ROOT / "run_reports.py"), "run", "--config", str(config)]
        first = self.shell("shell: run, weekly due (build + drop-folder delivery)", size,
                           [*runner, "--now", "2019-11-29T00:01+00:00"], repeat=1)
        if first.error:
            return
        output, drop = folder / "output", folder / "drop"

        def state() -> dict:
            return {str(p): (p.stat().st_mtime_ns, p.stat().st_size)
                    for base in (output, drop) for p in sorted(base.rglob("*"))
                    if p.is_file() and p.suffix in (".docx", ".html", ".json")}

        before = state()
        idle = Row("shell: run, nothing due", size)
        same = Row("shell: run, weekly due, inputs unchanged", size)
        problems = []
        for hour in range(1, self.args.repeat + 1):
            for row, when in ((idle, f"2019-11-29T{hour - 1:02d}:30+00:00"),
                              (same, f"2019-11-29T{hour:02d}:01+00:00")):
                proc = spawn([self.python, *runner, "--now", when],
                             timeout=self.args.timeout)
                if proc.code != 0:
                    row.error = f"exit {proc.code}: {proc.stderr.strip()[-800:]}"
                    continue
                row.walls.append(proc.wall)
                row.cpus.append(proc.cpu)
                row.peak_mb = max(row.peak_mb or 0, proc.peak_mb)
        after = state()
        if after != before:
            problems.append("files were rewritten or re-sent")
        log = folder / "reports.log"  # beside reports.toml, never in the published folder
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        skips = text.count("unchanged since build")
        if skips < len(same.walls):
            problems.append(f"only {skips} of {len(same.walls)} runs logged an unchanged skip")
        same.note = ("checked: no file rewritten, nothing re-sent, skip logged"
                     if not problems else "PROBLEM: " + "; ".join(problems))
        self.add(idle)
        self.add(same)
        self.facts[("run_idle", size)] = idle
        self.facts[("run_same", size)] = same

    def once_stages(self, smallest: Path | None) -> None:
        want = self.want
        if want("charts"):
            chart_bench.stages(self, Row)
        if want("shell"):
            self.facts["help"] = self.shell("shell: run_reports.py --help", "-",
                                            ["run_reports.py", "--help"])
            digests = {}
            for jobs in (1, 2):
                out = self.tmp / f"bundled-{jobs}"

                def check(proc: Proc, out: Path = out, jobs: int = jobs) -> None:
                    digests.setdefault(jobs, set()).add(_tree_digest(out)[0])
                    shutil.rmtree(out, ignore_errors=True)

                row = self.shell(f"shell: build bundled workbook's memos --jobs {jobs}",
                                 "bundled", ["run_reports.py", "-q", "build", "--as-of",
                                             AS_OF.isoformat(), "--out", str(out), "--jobs",
                                             str(jobs)], check=check)
                self.facts[("bundled_build", jobs)] = row
            same = bool(digests.get(1)) and digests.get(1) == digests.get(2) and \
                len(digests[1]) == 1
            self.facts["bundled_identical"] = same
            row = self.facts[("bundled_build", 2)]
            row.note = "byte-identical to jobs 1" if same else "DIFFERS from jobs 1"
        if want("run"):
            self.run_stages("bundled", ROOT / "workbook" / "gsomia_relations.xlsx")
        if want("pdf"):
            pdf_bench.stages(self, Row)
        if want("scaling") and smallest is not None:
            config = self.config("scaling", smallest, events=self.smallest)
            rows = QUICK_SCALING_ROWS if self.args.quick else SCALING_ROWS
            try:
                res = self.worker({"stage": "scaling", "config": str(config),
                                   "rows": list(rows)}).result()
            except (RuntimeError, TimeoutError) as exc:
                self.add(Row("toolkit: .docx table fill", "-", error=str(exc)))
                return
            pts = res["points"]
            base = pts[0]["cpu"]
            for p in pts[1:]:
                per_row = (p["cpu"] - base) / p["rows"] * 1e6
                self.add(Row(f"toolkit: .docx events table of {p['rows']:,} rows", "-",
                             [p["wall"]], [p["cpu"]],
                             note=f"{per_row:.0f} us CPU per row over an empty memo"))
            lo, hi = pts[1], pts[-1]
            grow_lo, grow_hi = lo["cpu"] - base, hi["cpu"] - base
            exponent = (math.log(grow_hi / grow_lo) / math.log(hi["rows"] / lo["rows"])
                        if grow_lo > 0 and grow_hi > 0 else float("nan"))
            self.facts["scaling_exponent"] = exponent
            self.facts["scaling_points"] = pts

    def want(self, stage: str) -> bool:
        return not self.args.stages or stage in self.args.stages

    # -- report ---------------------------------------------------------------------------

    def targets(self) -> list[tuple[str, str, str]]:
        f = self.facts
        out: list[tuple[str, str, str]] = []

        def verdict(ok: bool | None, text: str) -> str:
            return ("PASS" if ok else "MISS") + (f" ({text})" if text else "")

        load50, naive50, cal50 = f.get(("load", 50_000)), f.get(("naive_read", 50_000)), \
            f.get(("calamine", 50_000))
        if load50 and load50.median and naive50 and naive50.median:
            speed = naive50.median / load50.median
            out.append(("50k: load+validate+model >= 8x faster than read_excel",
                        f"{speed:.1f}x ({load50.median:.2f} s vs {naive50.median:.2f} s)",
                        verdict(speed >= 8, "" if speed >= 8 else
                                f"needs {load50.median - naive50.median / 8:.2f} s less")))
        if load50 and load50.median and cal50 and cal50.median:
            ratio = load50.median / cal50.median
            out.append(("50k: load+validate+model <= 1.5x bare calamine read",
                        f"{ratio:.2f}x ({load50.median:.2f} s vs {cal50.median:.2f} s)",
                        verdict(ratio <= 1.5, "" if ratio <= 1.5 else
                                f"{load50.median - 1.5 * cal50.median:.2f} s over")))
        if load50 and load50.peak_mb:
            out.append(("50k: load peak memory < 500 MB", f"{load50.peak_mb:.0f} MB",
                        verdict(load50.peak_mb < 500, "" if load50.peak_mb < 500 else
                                f"{load50.peak_mb - 500:.0f} MB over")))
        valid50, naive_p50 = f.get(("validate_process", 50_000)), f.get(("naive_process", 50_000))
        if valid50 and valid50.median and naive_p50 and naive_p50.median:
            speed = naive_p50.median / valid50.median
            out.append(("50k: validate from the shell >= 8x faster than the naive read, each a "
                        "whole process",
                        f"{speed:.1f}x ({valid50.median:.2f} s, CPU {valid50.cpu:.2f} s, vs "
                        f"{naive_p50.median:.2f} s)",
                        verdict(speed >= 8, "" if speed >= 8 else
                                f"needs {valid50.median - naive_p50.median / 8:.2f} s less")))
        load200 = f.get(("load", 200_000))
        if load50 and load50.median and load200 and load200.median:
            ratio = load200.median / load50.median
            out.append(("200k <= 4.5x the 50k load+validate+model",
                        f"{ratio:.2f}x ({load200.median:.2f} s)",
                        verdict(ratio <= 4.5, "" if ratio <= 4.5 else
                                f"{load200.median - 4.5 * load50.median:.2f} s over")))
        for fmt, limit in (("docx", 0.3), ("html", 0.05)):
            row = f.get(("weekly", fmt, 50_000))
            if row and row.median:
                out.append((f"50k: weekly memo .{fmt} after loading < {limit} s",
                            f"{row.median:.3f} s (CPU {row.cpu:.3f} s)",
                            verdict(row.median < limit, "" if row.median < limit else
                                    f"{row.median / limit:.0f}x the limit")))
        exponent = f.get("scaling_exponent")
        if exponent is not None and not math.isnan(exponent):
            out.append(("table filling linear in rows (growth exponent <= 1.15)",
                        f"exponent {exponent:.2f}", verdict(exponent <= 1.15, "")))
        bundled = f.get(("bundled_build", 1))
        if bundled and bundled.median:
            out.append(("full build of the bundled memos from the shell < 3 s",
                        f"{bundled.median:.2f} s", verdict(bundled.median < 3, "" if
                                                           bundled.median < 3 else
                                                           f"{bundled.median - 3:.2f} s over")))
        help_row = f.get("help")
        if help_row and help_row.median:
            out.append(("--help < 0.3 s", f"{help_row.median:.3f} s",
                        verdict(help_row.median < 0.3, "")))
        for key, label, limit in (("run_idle", "run with nothing due", 0.5),
                                  ("run_same", "run, due memo with unchanged inputs", 1.5)):
            for (_, size), row in sorted(((k, v) for k, v in f.items()
                                          if isinstance(k, tuple) and k[0] == key),
                                         key=lambda kv: str(kv[0][1])):
                if row.median:
                    ok = row.median < limit and "PROBLEM" not in row.note
                    out.append((f"{label} < {limit} s [{size}]", f"{row.median:.3f} s",
                                verdict(ok, "" if row.median < limit else
                                        f"{row.median - limit:.2f} s over")))
        for n in self.args.sizes:
            one, two = f.get(("build20", 1, n)), f.get(("build20", 2, n))
            if one and one.median and two and two.median:
                same = f.get(("build20_identical", n))
                ok = two.median < one.median and same
                out.append((f"build --jobs 2 faster than --jobs 1, same bytes [{n:,}]",
                            f"{one.median / two.median:.2f}x; "
                            + ("identical" if same else "NOT identical"), verdict(ok, "")))
        out += chart_bench.targets(f, verdict)
        out += briefs.targets(f, verdict)
        out += pdf_bench.targets(f, verdict)
        if "bundled_identical" in f:
            one, two = f.get(("bundled_build", 1)), f.get(("bundled_build", 2))
            speed = f"{one.median / two.median:.2f}x; " if one.median and two.median else ""
            same = f["bundled_identical"]
            out.append(("bundled build --jobs 2 byte-identical to --jobs 1",
                        speed + ("identical" if same else "NOT identical"), verdict(same, "")))
        return out

    def table(self) -> str:
        lines = ["| stage | events | median s | CPU s | vs naive | peak MB | notes |",
                 "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
        order = {s: i for i, s in enumerate(dict.fromkeys(r.stage for r in self.rows))}
        for r in sorted(self.rows, key=lambda r: order[r.stage]):
            med = f"{r.median:.3f}" if r.median is not None else "-"
            cpu = f"{r.cpu:.3f}" if r.cpu is not None else "-"
            peak = f"{r.peak_mb:.0f}" if r.peak_mb else "-"
            runs = f"n={len(r.walls)}" if len(r.walls) > 1 else ""
            note = "; ".join(x for x in (runs, r.note, f"ERROR: {r.error}" if r.error else "")
                             if x)
            lines.append(f"| {r.stage} | {r.size} | {med} | {cpu} | {r.ratio or '-'} | "
                         f"{peak} | {note.replace('|', '/')} |")
        return "\n".join(lines)

    def curve(self) -> str:
        sizes = [n for n in self.args.sizes if ("load", n) in self.facts]
        if not sizes:
            return ""
        lines = ["| events | calamine s | load+validate+model s | us per event | x previous "
                 "size (size x) | read_excel s |", "| ---: | ---: | ---: | ---: | ---: | ---: |"]
        prev = None
        for n in sizes:
            load = self.facts[("load", n)]
            cal = self.facts.get(("calamine", n))
            naive = self.facts.get(("naive_read", n))
            if not load.median:
                continue
            growth = (f"{load.median / prev[1]:.2f}x ({n / prev[0]:.0f}x)" if prev else "-")
            lines.append(f"| {n:,} | {cal.median if cal and cal.median else float('nan'):.3f} | "
                         f"{load.median:.3f} | {load.median / n * 1e6:.1f} | {growth} | "
                         f"{naive.median if naive and naive.median else float('nan'):.2f} |")
            prev = (n, load.median)
        return "\n".join(lines)

    def machine(self) -> str:
        cpu = platform.processor() or ""
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        try:
            mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
        except (ValueError, OSError):
            mem = float("nan")
        return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
                f"{mem:.0f} GB RAM, Python {platform.python_version()}")

    def revision(self) -> str:
        try:
            head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                                  capture_output=True, check=True).stdout.strip()
            dirty = subprocess.run(["git", "status", "--porcelain", "--", "reports",
                                    "templates"], cwd=ROOT, text=True, capture_output=True,
                                   check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown revision"
        return f"commit {head}" + (" with uncommitted changes to reports/ or templates/"
                                   if dirty else "")

    def report(self, started: datetime, load_before: tuple, elapsed: float) -> str:
        load_after = os.getloadavg()
        targets = self.targets()
        parts = [
            f"Run {started:%Y-%m-%d %H:%M} ({elapsed / 60:.1f} min) on {self.machine()}, "
            f"{self.revision()}.",
            f"Load average at start {load_before[0]:.2f}, at end {load_after[0]:.2f} "
            "(anything above the core count means other work shared the machine and "
            "stretched wall times; CPU seconds are less affected).",
            "Command: `" + " ".join(["python bench/run.py", *self.args.argv]) + "`",
            "", "### Targets", "", "| target | measured | verdict |", "| --- | --- | --- |",
            *[f"| {t} | {m} | {v} |" for t, m, v in targets], "",
            "### Load + validate + model against size", "", self.curve(), "",
            "### All stages", "", self.table(), "",
        ]
        pts = self.facts.get("scaling_points")
        if pts:
            parts += ["Word table filling: " + ", ".join(
                f"{p['rows']:,} rows {p['cpu']:.3f} s" for p in pts)
                + f" (CPU; growth exponent over the empty memo "
                f"{self.facts['scaling_exponent']:.2f}).", ""]
        return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help="events per generated workbook (default 5000 50000 200000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage (median)")
    parser.add_argument("--quick", action="store_true",
                        help="small caps for the naive fill and scaling; no results files")
    parser.add_argument("--seed", type=int, default=None, help="generator seed")
    parser.add_argument("--cache", type=Path, default=None,
                        help="where generated workbooks are kept (default bench/.cache)")
    parser.add_argument("--stages", nargs="+", choices=("read", "memo", "naive_docx", "build",
                                                         "run", "shell", "scaling", "charts",
                                                         "briefs", "pdf"),
                        help="only these stages (default all)")
    parser.add_argument("--slow", type=float, default=60.0,
                        help="a stage slower than this many seconds is run once")
    parser.add_argument("--timeout", type=float, default=3600.0,
                        help="seconds before a stage is stopped")
    parser.add_argument("--results", type=Path, default=None,
                        help="write the report here (default bench/results.md, unless --quick "
                        "or --stages)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.worker)
    args.argv = argv
    # The commands are timed as installed, where Python keeps the compiled modules; with
    # PYTHONDONTWRITEBYTECODE set, every process would compile the package again.
    import compileall

    compileall.compile_dir(ROOT / "reports", quiet=1)
    import generate

    seed = args.seed if args.seed is not None else generate.DEFAULT_SEED
    cache = args.cache or generate.CACHE
    bench = Bench(args)
    bench.seed = seed
    started, load_before, t0 = datetime.now(), os.getloadavg(), time.perf_counter()
    try:
        workbooks = {}
        for n in args.sizes:
            t = time.perf_counter()
            # generated in a child: this process stays small, and every stage's child
            # starts as a copy of it (its peak memory would include ours)
            workbooks[n] = generate.cached_path(n, seed, cache)
            if not workbooks[n].exists():
                subprocess.run([sys.executable, str(HERE / "generate.py"), str(n), "--seed",
                                str(seed), "--cache", str(cache)], check=True,
                               stdout=subprocess.DEVNULL)
            bench.log(f"workbook of {n:,} events: {workbooks[n].name} "
                      f"({workbooks[n].stat().st_size / 1024**2:.1f} MB, "
                      f"{time.perf_counter() - t:.1f} s to generate or find)")
        for n in args.sizes:
            bench.size_stages(n, workbooks[n])
        bench.smallest = min(args.sizes)
        bench.once_stages(workbooks[bench.smallest] if args.sizes else None)
        if bench.want("briefs"):
            briefs.stages(bench, Row, {"bundled": ROOT / "workbook" / "gsomia_relations.xlsx",
                                       **{str(n): workbooks[n] for n in args.sizes}})
        text = bench.report(started, load_before, time.perf_counter() - t0)
    finally:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    print(text)
    partial = args.quick or args.stages
    results = args.results or (None if partial else HERE / "results.md")
    if results:
        results.write_text(f"## Benchmark results\n\n{text}", encoding="utf-8")
        raw = {"started": started.isoformat(), "machine": bench.machine(), "argv": argv,
               "rows": [r.__dict__ for r in bench.rows]}
        results.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str),
                                                encoding="utf-8")
        bench.log(f"wrote {results} and {results.with_suffix('.json')}")
    failed = [r for r in bench.rows if r.error]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The briefs' benchmark stage (``bench/run.py --stages briefs``): every memo kind, at any
workbook size, built from the shell and laid out by LibreOffice.

For each size (and the bundled workbook), each kind (overview, weekly, the busiest
issue's brief, the busiest actor's profile) is built the way a user types it,
``run_reports.py build --kind K --format docx html`` in a fresh process, up to five times
(``--repeat``), each drawing its charts afresh: the median wall time (load included) and
peak memory. The first build of each size checks and compiles the templates, as a desk's
first build after a template change does; the later ones find them kept (the notes give
the first build's time). Then every .docx of the stage is laid out in one
LibreOffice run: the body's pages (before the first annex), all pages, and the sizes of
the .docx and the HTML page.

Targets: every body within its kind's page budget, a .docx of at most 30 pages and an
HTML page under 2 MB at any size; each kind built in at most 1.5 s at 50,000 events (and
at most 0.2x the naive ``read_excel`` of the same workbook) and 5 s at 200,000, with
under 500 MB of memory at 50,000.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("overview", "weekly", "issue", "actor")
MAX_PAGES = 30
MAX_HTML = 2 * 1024 * 1024
SPEED = {50_000: 1.5, 200_000: 5.0}  # events -> seconds for one memo from the shell
NAIVE_SHARE = 0.2  # ... and at 50,000 events, at most this share of the naive read
BUILDS = 5  # builds of each kind and size (at most --repeat): the median is reported


def _busiest(config: Path) -> tuple[str, str]:
    """(issue_id, actor_id) with the most events in the workbook ``config`` names."""
    from reports.config.load import load_config
    from reports.model.load import load

    desk = load_config(config, required=True)
    issues: dict[str, int] = {}
    actors: dict[str, int] = {}
    for event in load(desk.workbook, desk).model.events:
        for i in event.issues:
            issues[i] = issues.get(i, 0) + 1
        for a in event.actors:
            actors[a] = actors.get(a, 0) + 1
    return (max(issues, key=lambda k: (issues[k], k)), max(actors, key=lambda k: (actors[k], k)))


def _kind_args(kind: str, issue: str, actor: str) -> list[str]:
    return {"overview": ["--kind", "overview"], "weekly": ["--kind", "weekly"],
            "issue": ["--kind", "issue", "--issue", issue],
            "actor": ["--kind", "actor", "--actor", actor]}[kind]


def body_pages(pdf: Path) -> tuple[int, int]:
    """(pages of the body, all pages) of a PDF LibreOffice made of a memo.

    The body is what comes before the back matter: the first annex starts a new page,
    headed "Annex A: ..." (the contents list that heading too, but never first on its
    page); without annexes the numbered Sources list ends the memo, and the body runs to
    the page its heading is on.
    """
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    sources = None
    for number, page in enumerate(pages, start=1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        content = [ln for ln in lines if not ln.isupper()]  # the banner is upper case
        if content and content[0].startswith("Annex A: "):
            return number - 1, len(pages)
        if "Sources" in lines and number > 1 and sources is None:
            sources = number
    return (sources or len(pages)), len(pages)


def stages(bench, row_type, workbooks: dict[str, Path]) -> None:
    """Build each kind at each size (``workbooks``: label -> path), then lay them out."""
    from reports.config.load import load_config
    from reports.memo.kinds import DEFAULT_BUDGETS
    from reports.render.charts.cache import chart_cache_folder

    docs: dict[tuple[str, str], dict] = {}
    tmp = Path(tempfile.mkdtemp(prefix="bench-briefs-", dir=bench.tmp))
    kinds = KINDS
    if bench.args.quick:  # a check that the stage runs: the sizes asked for, two kinds
        workbooks = {k: v for k, v in workbooks.items() if k != "bundled"}
        kinds = ("overview", "weekly")
    for size, workbook in workbooks.items():
        config = bench.config(size, workbook)  # the bench desk: its markings, the budgets
        charts = chart_cache_folder(load_config(config, required=True))
        issue, actor = _busiest(config)
        for kind in kinds:
            out = tmp / f"{size}-{kind}"
            # Each run draws its charts afresh (a new day's data); the desk's template
            # check and compiled templates are kept from its first build (the notes give
            # that first build's time), as on a desk where the templates do not change.
            row = bench.shell(f"briefs: {kind} memo from the shell (load, .docx, .html)", size,
                              ["run_reports.py", "-q", "build", *_kind_args(kind, issue, actor),
                               "--config", str(config), "--as-of", "2019-11-29",
                               "--format", "docx", "html", "--out", str(out)],
                              repeat=min(bench.args.repeat, BUILDS),
                              before=lambda c=charts: shutil.rmtree(c, ignore_errors=True))
            found = {p.suffix: p for p in out.rglob("*") if p.suffix in (".docx", ".html")}
            docs[(size, kind)] = {"row": row, **found}
            bench.facts[("brief_time", size, kind)] = row
    if shutil.which("soffice") is None:
        bench.add(row_type("briefs: pages", "-", error="LibreOffice is not installed"))
        return
    pdf_dir = tmp / "pdf"
    sources = {key: d[".docx"] for key, d in docs.items() if ".docx" in d}
    staged = tmp / "in"
    staged.mkdir()
    names = {}
    for number, (key, path) in enumerate(sorted(sources.items())):
        copy = staged / f"{number:03d}.docx"
        shutil.copyfile(path, copy)
        names[key] = pdf_dir / f"{number:03d}.pdf"
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=tmp))
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(pdf_dir),
                    *sorted(map(str, staged.iterdir()))], check=True, capture_output=True,
                   timeout=3600)
    for key, pdf in names.items():
        size, kind = key
        body, total = body_pages(pdf)
        doc = docs[key]
        html = doc[".html"].stat().st_size if ".html" in doc else 0
        budget = DEFAULT_BUDGETS[kind].page_budget
        bench.facts[("brief_pages", size, kind)] = (body, total, budget, html,
                                                    doc[".docx"].stat().st_size)
        first = doc["row"].walls[:1] if len(doc["row"].walls) > 1 else []
        why = " (templates checked, compiled)" if kind == kinds[0] else ""
        doc["row"].note = ("".join(f"first build {w:.2f} s{why}; " for w in first)
                           + f"body {body} of {budget} pages, {total} pages in all; "
                           f".docx {doc['.docx'].stat().st_size / 1024:.0f} KB, "
                           f".html {html / 1024:.0f} KB")


def targets(facts: dict, verdict) -> list[tuple[str, str, str]]:
    out = []
    pages = {k[1:]: v for k, v in facts.items() if isinstance(k, tuple) and k[0] == "brief_pages"}
    for (size, kind), (body, total, budget, html, _) in sorted(pages.items(), key=str):
        ok = body <= budget and total <= MAX_PAGES and html < MAX_HTML
        out.append((f"{kind} memo within budget [{size}]: body <= {budget} pages, <= "
                    f"{MAX_PAGES} pages, HTML < 2 MB",
                    f"body {body}, {total} pages, HTML {html / 1024:.0f} KB", verdict(ok, "")))
    times = {k[1:]: v for k, v in facts.items() if isinstance(k, tuple) and k[0] == "brief_time"}
    for (size, kind), row in sorted(times.items(), key=str):
        events = int(size) if str(size).isdigit() else None
        if events in SPEED and row.median:
            limit = SPEED[events]
            ok = row.median <= limit and (events != 50_000 or (row.peak_mb or 0) < 500)
            peak = f", peak {row.peak_mb:.0f} MB" if row.peak_mb else ""
            naive = facts.get(("naive_read", events))
            share = ""
            if events == 50_000 and naive is not None and naive.median:
                ratio = row.median / naive.median
                ok = ok and ratio <= NAIVE_SHARE
                share = f", {ratio:.2f}x the naive read ({naive.median:.2f} s)"
            out.append((f"{kind} memo from the shell [{events:,}] <= {limit:g} s"
                        + (f", <= {NAIVE_SHARE}x the naive read, < 500 MB"
                           if events == 50_000 else ""),
                        f"{row.median:.2f} s (CPU {row.cpu:.2f} s){peak}{share}",
                        verdict(ok, "")))
    return out

"""The site (``serve``): how long from a workbook save to its problems on screen, and how
long a memo preview takes from the model kept in memory.

    .venv/bin/python bench/site_bench.py [--repeat 5] [--sizes 5000] [--preview-size 50000]

Save to screen: ``serve`` runs as a real process on the bundled workbook and on a
generated one (bench/generate.py, cached in bench/.cache/); a staff member's Workbook page
is open in Chromium; the workbook is then saved as Excel saves (a whole new file renamed
over it), alternately with a date typed 22/08/2019 and without, and the time is taken
from the rename to the moment the page shows the new problem count (Playwright polling
the page every animation frame). Preview: the generated workbook is read once
(:func:`reports.site.saved.take`, what ``serve`` keeps), then the weekly memo's
preview is made as of different days (so that nothing is cached: each is a new context,
with its charts drawn afresh) as HTML and as .docx. Writes ``bench/site_results.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import generate  # noqa: E402
import realtools  # noqa: E402
import sitetools  # noqa: E402

BUNDLED = ROOT / "workbook" / "gsomia_relations.xlsx"
TARGET_PREVIEW = 0.5


def _config(folder: Path, workbook: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "reports.toml"
    path.write_text(f"""[paths]
workbook = "{workbook.as_posix()}"
output = "{(folder / 'out').as_posix()}"
templates = "{(ROOT / 'templates').as_posix()}"
[markings]
levels = ["UNCLASSIFIED", "UNCLASSIFIED // FOR OFFICIAL USE ONLY"]
default = "UNCLASSIFIED // FOR OFFICIAL USE ONLY"
[site]
port = {sitetools.free_port()}
[[memos]]
id = "weekly"
kind = "weekly"
""", encoding="utf-8")
    return path


def _variants(workbook: Path, events: int | None, folder: Path) -> tuple[bytes, bytes]:
    """(the workbook as it is, the same with one event's date typed 22/08/2019)."""
    if events is None:
        import openpyxl

        good = workbook.read_bytes()
        wb = openpyxl.load_workbook(workbook)
        ws = wb["Events"]
        column = [c.value for c in ws[1]].index("date") + 1
        ws.cell(row=2, column=column, value="22/08/2019").data_type = "s"
        broken = folder / "broken.xlsx"
        wb.save(broken)
        return good, broken.read_bytes()
    sheets = generate.records(events)
    good = generate.write_xlsx(folder / "good.xlsx", sheets).read_bytes()
    column = sheets["Events"][0].index("date")
    sheets["Events"][1][column] = "22/08/2019"
    return good, generate.write_xlsx(folder / "broken.xlsx", sheets).read_bytes()


def _save(path: Path, data: bytes) -> float:
    tmp = path.with_name(f".{path.name}.saving")
    tmp.write_bytes(data)
    start = time.perf_counter()
    os.replace(tmp, path)
    return start


def save_to_screen(label: str, source: Path, events: int | None, repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        folder = Path(tmp)
        book = folder / "wb" / "book.xlsx"
        book.parent.mkdir()
        good, broken = _variants(source, events, folder)
        book.write_bytes(good)
        config = _config(folder, book)
        sitetools.add_users(config, {"kim": ("staff", "UNCLASSIFIED // FOR OFFICIAL USE ONLY")})
        times = []
        with sitetools.serving(config) as base:
            context = realtools._browser().new_context()
            page = context.new_page()
            page.goto(f"{base}/signin?next=/workbook")
            page.fill("#name", "kim")
            page.fill("#password", sitetools.PASSWORD)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            for i in range(repeat * 2):
                data, wanted = (broken, "1 error") if i % 2 == 0 else (good, "0 errors|no problems")
                start = _save(book, data)
                page.wait_for_function(
                    "re => new RegExp(re).test(document.getElementById('problem-status')"
                    ".textContent)", arg=wanted, polling="raf", timeout=120_000)
                times.append(time.perf_counter() - start)
            context.close()
    return {"label": label, "bytes": len(good), "times": times}


def preview(events: int, repeat: int) -> dict:
    from reports.config.load import load_config
    from reports.site.preview import Previews
    from reports.site.saved import take

    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        config = load_config(_config(Path(tmp), generate.workbook(events)))
        start = time.perf_counter()
        saved = take(config)
        read = time.perf_counter() - start
        previews = Previews(config)
        memo = config.memo("weekly")
        out = {"events": events, "read": read, "html": [], "docx": []}
        day = date(2019, 11, 29)
        for fmt in ("html", "docx"):
            for i in range(repeat + 1):  # the first is the process's first: imports, fonts
                as_of = day - timedelta(days=i + (0 if fmt == "html" else 40))
                start = time.perf_counter()
                previews.rendered(saved, memo, as_of, fmt)
                out[fmt].append(time.perf_counter() - start)
        start = time.perf_counter()
        previews.rendered(saved, memo, day, "html")
        out["cached"] = time.perf_counter() - start
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[5000])
    parser.add_argument("--preview-size", type=int, default=50000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "site_results.md")
    args = parser.parse_args(argv)
    realtools.require("chromium", "playwright")
    rows = [save_to_screen("bundled workbook", BUNDLED, None, args.repeat)]
    rows += [save_to_screen(f"{n:,} events", generate.workbook(n), n, args.repeat)
             for n in args.sizes]
    found = preview(args.preview_size, args.repeat)
    load = os.getloadavg()[0]
    lines = ["## The site: save to screen, preview", "",
             f"{time.strftime('%d %B %Y')}, {os.cpu_count()} cores, load {load:.2f}; "
             f"median of {args.repeat * 2} saves (half adding an error, half removing it).",
             "", "| workbook | size | save to problems on screen: median | slowest |",
             "| --- | --- | --- | --- |"]
    for row in rows:
        lines.append(f"| {row['label']} | {row['bytes'] / 1024**2:.1f} MB | "
                     f"{statistics.median(row['times']):.2f} s | {max(row['times']):.2f} s |")
    html, docx = found["html"][1:], found["docx"][1:]
    ok = "ok" if statistics.median(html) < TARGET_PREVIEW else "miss"
    lines += ["", f"Weekly memo preview at {found['events']:,} events from the model in "
              f"memory (the workbook read once in {found['read']:.2f} s):", "",
              "| preview | first in the process | median of the next | target |",
              "| --- | --- | --- | --- |",
              f"| HTML (context + page) | {found['html'][0]:.3f} s | "
              f"{statistics.median(html):.3f} s | < {TARGET_PREVIEW} s: {ok} |",
              f"| .docx (context + Word) | {found['docx'][0]:.3f} s | "
              f"{statistics.median(docx):.3f} s | |",
              f"| HTML again, same day (kept in memory) | | {found['cached'] * 1000:.1f} ms | |"]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

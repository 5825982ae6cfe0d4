"""The charts' benchmark stage (``bench/run.py --stages charts``), run in fresh processes.

- import: ``import reports.render.charts`` (matplotlib must stay unimported);
- first chart: matplotlib, the fonts and the first drawing (``charts.warm_up``);
- per chart: a timeline of 15, 200 and 5,000 events and a positions matrix of 8 x 8 and
  40 actors x 30 issues, as PNG and as SVG, each drawn afresh (memory cache emptied);
- cache hit: the same charts read back from ``charts.use_cache`` in a fresh process
  (which must not import matplotlib);
- the bundled overview as an HTML page: its size.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ISSUES = ["GSOMIA renewal", "Japan's export controls on three materials",
          "South Korea's removal from Japan's preferred trade partners",
          "South Korea's WTO complaint", "Compensation for wartime labour",
          "Japan-ROK-US security cooperation", "Export-control policy dialogue"]
NAMES = ["Moon Jae-in (문재인)", "Shinzo Abe (安倍晋三)", "Kang Kyung-wha (강경화)",
         "Taro Kono (河野太郎)", "Mike Pompeo",
         "Ministry of Economy, Trade and Industry (経済産業省)"]
STANCES = ("supports", "opposes", "conditional", "neutral", "unclear", "")


def timeline(n: int) -> dict:
    start, step = (date(2019, 7, 1), 9) if n <= 15 else (date(2019, 1, 1), 1) if n <= 400 \
        else (date(2012, 1, 1), 1)
    points = [{"date": (start + timedelta(days=i * step)).isoformat(),
               "title": f"Event {i}: Seoul and Tokyo statements on {ISSUES[i % 7]}",
               "significance": 1 + i % 5, "issue": ISSUES[i % 7]} for i in range(n)]
    return {"type": "chart", "chart": "timeline", "alt": "", "data": {"points": points}}


def matrix(actors: int, issues: int) -> dict:
    groups: list[dict] = []
    for a in range(actors):
        country = ("KOR", "JPN", "USA")[a * 3 // actors]
        if not groups or groups[-1]["country"] != country:
            groups.append({"country": country, "rows": []})
        groups[-1]["rows"].append({"actor": f"{NAMES[a % 6]} {a}", "cells": [
            {"stance": STANCES[(a + i) % 6], "shifted": (a + i) % 7 == 0}
            for i in range(issues)]})
    return {"type": "chart", "chart": "matrix", "alt": "", "data": {
        "issues": [{"id": f"i{i}", "name": f"{ISSUES[i % 7]} {i}"} for i in range(issues)],
        "groups": groups}}


CHARTS = {"timeline, 15 events": lambda: timeline(15),
          "timeline, 200 events": lambda: timeline(200),
          "timeline, 5,000 events": lambda: timeline(5000),
          "matrix, 8 actors x 8 issues": lambda: matrix(8, 8),
          "matrix, 40 actors x 30 issues": lambda: matrix(40, 30)}


def w_charts(a: dict) -> dict:
    """Import, first chart, then each chart drawn ``repeat`` times afresh."""
    t = time.perf_counter()
    from reports.render.charts import draw as charts
    imported = time.perf_counter() - t
    assert "matplotlib" not in sys.modules, "importing charts imported matplotlib"
    t = time.perf_counter()
    charts.warm_up()
    out: dict = {"import": imported, "first": time.perf_counter() - t, "charts": {}}
    for name, make in CHARTS.items():
        block = make()
        for fmt in ("png", "svg"):
            walls, cpus, size = [], [], 0
            for _ in range(a["repeat"]):
                charts.forget()
                w, c = time.perf_counter(), time.process_time()
                size = len(charts.render_chart(block, fmt))
                walls.append(time.perf_counter() - w)
                cpus.append(time.process_time() - c)
            out["charts"][f"{name} .{fmt}"] = {"wall": walls, "cpu": cpus, "bytes": size}
    if a.get("cache"):
        charts.use_cache(a["cache"])
        for make in CHARTS.values():
            for fmt in ("png", "svg"):
                charts.render_chart(make(), fmt)
    return out


def w_chart_hits(a: dict) -> dict:
    """Every chart read back from the cache ``a["cache"]`` filled by ``w_charts``."""
    from reports.render.charts import draw as charts

    charts.use_cache(a["cache"])
    blocks = {name: make() for name, make in CHARTS.items()}
    out = {}
    for name, block in blocks.items():
        for fmt in ("png", "svg"):
            walls = []
            for _ in range(a["repeat"]):
                charts.forget()
                w = time.perf_counter()
                charts.render_chart(block, fmt)
                walls.append(time.perf_counter() - w)
            out[f"{name} .{fmt}"] = walls
    return {"hits": out, "matplotlib": "matplotlib" in sys.modules}


def w_overview_page(a: dict) -> dict:
    """The bundled workbook's overview as HTML (as ``build overview --format html``)."""
    from reports.config.load import load_config
    from reports.memo.make import Edition, make
    from reports.model.load import load

    config = load_config(ROOT / "reports.toml", required=True)
    memo = config.memo("overview")
    loaded = load(ROOT / "workbook" / "gsomia_relations.xlsx")
    made = make(loaded.model, config, Edition(memo, date(2019, 11, 25)), ["html"], None)
    return {"bytes": len(made.files["html"])}


WORKERS = {"charts": w_charts, "chart_hits": w_chart_hits, "overview_page": w_overview_page}


def stages(bench, row_type) -> None:
    """Run the workers in fresh processes and add their rows to ``bench``."""
    repeat = 1 if bench.args.quick else max(3, bench.args.repeat)
    with tempfile.TemporaryDirectory(prefix="bench-charts-") as cache:
        try:
            proc = bench.worker({"stage": "charts", "repeat": repeat, "cache": cache})
            res = proc.result()
            hits = bench.worker({"stage": "chart_hits", "repeat": repeat,
                                 "cache": cache}).result()
        except (RuntimeError, TimeoutError) as exc:
            bench.add(row_type("charts", "-", error=str(exc)))
            return
    bench.add(row_type("charts: import reports.render.charts", "-", [res["import"]],
                       note="matplotlib not imported"))
    bench.add(row_type("charts: first chart (matplotlib, fonts, one drawing)", "-",
                       [res["first"]]))
    worst, worst_cpu = 0.0, 0.0
    for name, r in res["charts"].items():
        median = statistics.median(r["wall"])
        worst, worst_cpu = max(worst, median), max(worst_cpu, statistics.median(r["cpu"]))
        hit = statistics.median(hits["hits"][name])
        bench.add(row_type(f"charts: {name}", "-", r["wall"], r["cpu"], proc.peak_mb,
                           note=f"{r['bytes'] / 1024:.0f} KB; from the disk cache "
                                f"{hit * 1000:.1f} ms"))
    bench.facts["chart_worst"] = (worst, worst_cpu)
    bench.facts["chart_hit_worst"] = max(max(v) for v in hits["hits"].values())
    bench.facts["chart_hit_matplotlib"] = hits["matplotlib"]
    try:
        page = bench.worker({"stage": "overview_page"}).result()["bytes"]
    except (RuntimeError, TimeoutError) as exc:
        bench.add(row_type("charts: bundled overview .html page", "bundled", error=str(exc)))
        return
    bench.facts["overview_page"] = page
    bench.add(row_type("charts: bundled overview .html page", "bundled",
                       note=f"{page / 1024:.0f} KB (charts as inline SVG)"))


def targets(facts: dict, verdict) -> list[tuple[str, str, str]]:
    out = []
    if "chart_worst" in facts:
        worst, cpu = facts["chart_worst"]
        out.append(("each chart < 0.2 s (timelines of 15 to 5,000 events, matrices to 40x30)",
                    f"slowest {worst:.3f} s (CPU {cpu:.3f} s)", verdict(worst < 0.2, "")))
        hit = facts["chart_hit_worst"]
        out.append(("a chart from the disk cache < 0.1 s, matplotlib not imported",
                    f"slowest {hit * 1000:.1f} ms; matplotlib "
                    + ("imported" if facts["chart_hit_matplotlib"] else "not imported"),
                    verdict(not facts["chart_hit_matplotlib"] and hit < 0.1, "")))
    if "overview_page" in facts:
        size = facts["overview_page"]
        out.append(("bundled overview .html page < 300 KB", f"{size / 1024:.0f} KB",
                    verdict(size < 300 * 1024, "")))
    return out

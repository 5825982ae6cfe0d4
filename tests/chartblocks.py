"""Chart blocks for the chart tests, and what a drawn chart shows (not a test module).

``timeline_block`` and ``matrix_block`` make chart blocks as ``reports/memo/context.py`` does;
``CASES`` are the hard inputs every chart must stay legible for; ``drawn_texts`` draws a
chart with the real Agg renderer and returns every text it drew with its box.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from reports.render import style
from reports.render.charts import draw as charts

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "workbook" / "gsomia_relations.xlsx"

KOREAN = "Moon Jae-in (문재인)"
JAPANESE = "Shinzo Abe (安倍晋三)"
ISSUES = ["GSOMIA renewal", "Japan's export controls on three materials",
          "South Korea's removal from Japan's preferred trade partners",
          "South Korea's WTO complaint", "Compensation for wartime labour",
          "Japan-ROK-US security cooperation", "Export-control policy dialogue"]
LONG_ISSUE = ("South Korea's removal from Japan's list of preferred trade partners and the "
              "retaliation that followed")


def timeline_block(n: int = 12, start: date = date(2019, 7, 1), step: float = 11,
                   issues: list[str] | None = None, sig=None, title=None) -> dict:
    issues = issues or ISSUES
    points = [{"date": (start + timedelta(days=int(i * step))).isoformat(),
               "title": title(i) if title else
               f"Event {i}: Seoul and Tokyo trade statements on {issues[i % len(issues)]}",
               "significance": sig(i) if sig else 1 + i % 5,
               "issue": issues[i % len(issues)]} for i in range(n)]
    return {"type": "chart", "chart": "timeline", "alt": "Timeline", "data": {"points": points}}


NAMES = [(KOREAN, "KOR"), (JAPANESE, "JPN"), ("Kang Kyung-wha (강경화)", "KOR"),
         ("Taro Kono (河野太郎)", "JPN"), ("Mike Pompeo", "USA"),
         ("Ministry of Economy, Trade and Industry (METI) (経済産業省)", "JPN")]


def matrix_block(actors: int = 6, issues: int = 3, shifted: bool = True,
                 names: list[tuple[str, str]] | None = None,
                 issue_names: list[str] | None = None) -> dict:
    """``actors`` rows (names cycled from ``names``, [(name, country)]), grouped by
    country, by ``issues`` columns; every stance, blanks and shifts among the cells."""
    names = names or NAMES
    stances = [*style.STANCES, ""]
    rows: dict[str, list[dict]] = {}
    for a in range(actors):
        name, country = names[a % len(names)]
        cells = [{"stance": stances[(a + i) % len(stances)],
                  "shifted": shifted and (a + i) % 4 == 0 and bool(stances[(a + i) % 6])}
                 for i in range(issues)]
        rows.setdefault(country, []).append(
            {"actor": name + ("" if a < len(names) else f" {a}"), "cells": cells})
    groups = [{"country": country, "rows": rows[country]} for country in sorted(rows)]
    data = {"issues": [{"id": f"i{i}", "name": issue_names[i % len(issue_names)]
                        + ("" if i < len(issue_names) else f" {i}")} for i in range(issues)]
            if issue_names else [{"id": f"i{i}", "name": ISSUES[i % len(ISSUES)]
                                  + ("" if i < len(ISSUES) else f" {i}")}
                                 for i in range(issues)],
            "groups": groups}
    return {"type": "chart", "chart": "matrix", "alt": "Positions matrix", "data": data}


def _week() -> dict:
    block = timeline_block(1, date(2019, 11, 25), sig=lambda i: 5,
                           title=lambda i: "Seoul suspends the expiry of GSOMIA")
    block["data"]["window"] = ["2019-11-23", "2019-11-29"]
    return block


CASES = {
    "one event in a week": _week(),
    "30 issues": timeline_block(60, date(2019, 1, 5), 5,
                                issues=[f"Issue number {i}" for i in range(30)]),
    "long issue names": timeline_block(9, date(2019, 6, 1), 12,
                                       issues=[LONG_ISSUE, ISSUES[0], LONG_ISSUE + " (2)"],
                                       sig=lambda i: 5),
    "Hangul and Kanji titles": timeline_block(
        8, date(2019, 8, 1), 9, sig=lambda i: 5 if i % 2 else 3,
        title=lambda i: ["문재인 대통령, 安倍晋三 총리와 회담",
                         "安倍晋三首相が輸出管理の強化を発表",
                         "강경화 외교부 장관 기자회견",
                         "日韓外相会談 (河野太郎, 강경화)"][i % 4]),
    "8 years": timeline_block(20, date(2012, 1, 5), 150, sig=lambda i: 5 if i % 3 else 2),
    "8 years, busy at the end": timeline_block(
        30, date(2012, 1, 5), 1, sig=lambda i: 5 if i % 4 == 0 else 3,
        title=lambda i: f"Late event {i} on export controls"),
    "same-day cluster": timeline_block(24, date(2019, 11, 22), 0.0,
                                       sig=lambda i: 5 if i % 3 == 0 else 1 + i % 5),
    "200 events": timeline_block(200, date(2019, 1, 1), 1),
    "5,000 events": timeline_block(5000, date(2012, 1, 1), 1),
    "matrix of 30 issues": matrix_block(4, 30),
    "matrix of long names": matrix_block(
        7, 6, names=[("Ministry of Economy, Trade and Industry of Japan, trade policy bureau "
                      "(経済産業省 通商政策局)", "JPN"), (KOREAN, "KOR"), ("국회의장", "KOR"),
                     (JAPANESE, "JPN")],
        issue_names=[LONG_ISSUE, "Compensation", "GSOMIA"]),
}
# "8 years, busy at the end": one event in 2012, the rest in late 2019
CASES["8 years, busy at the end"]["data"]["points"][0]["date"] = "2012-01-05"
for _i, _p in enumerate(CASES["8 years, busy at the end"]["data"]["points"][1:]):
    _p["date"] = (date(2019, 10, 1) + timedelta(days=2 * _i)).isoformat()


def bundled_blocks() -> dict[str, dict]:
    """The chart blocks of the bundled workbook's memos, as of 25 November 2019."""
    from reports.memo.contents import build_context
    from reports.memo.context import MemoSpec
    from reports.model.model import Model
    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    model = Model.from_records(validate(read_workbook(BUNDLED)).records)
    specs = [MemoSpec("overview", "overview", "Overview", date(2019, 11, 25),
                      significance_floor=3),
             MemoSpec("weekly", "weekly", "Weekly", date(2019, 11, 29)),
             MemoSpec("issue", "issue", "Issue", date(2019, 11, 25), issue="gsomia"),
             MemoSpec("actor", "actor", "Actor", date(2019, 11, 25), actor="moon-jae-in")]
    out = {}
    for spec in specs:
        context = build_context(model, spec)
        for section in context["sections"]:
            for block in section["blocks"]:
                if block["type"] == "chart":
                    out[f"{spec.kind} {block['chart']}"] = block
    return out


def drawn_texts(block: dict) -> tuple[list[tuple[str, tuple]], tuple[float, float]]:
    """Every text of the PNG as drawn, with its box (left, top, right, bottom) in pixels
    from the top left (the extent of its outline on the Agg canvas), and the picture's
    size in pixels. Texts are the paths of collections whose gid is "text"; the
    collection's label holds their strings, one a line."""
    from matplotlib.collections import PathCollection

    with charts.figure(block) as fig:
        fig.canvas.draw()
        width, height = fig.canvas.get_width_height()
        seen: list[tuple[str, tuple]] = []
        for coll in fig.findobj(PathCollection):
            if coll.get_gid() != "text":
                continue
            transform = coll.get_transform()
            for path, text in zip(coll.get_paths(), coll.get_label().split("\n"),
                                  strict=True):
                ext = path.get_extents(transform)
                seen.append((text, (ext.x0, height - ext.y1, ext.x1, height - ext.y0)))
    return seen, (width, height)


def overlaps(texts: list[tuple[str, tuple]], slack: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap by more than ``slack`` pixels each way."""
    found = []
    boxes = sorted(texts, key=lambda t: t[1][0])
    for i, (a, (l1, t1, r1, b1)) in enumerate(boxes):
        for b, (l2, t2, r2, b2) in boxes[i + 1:]:
            if l2 >= r1 - slack:
                break
            if min(r1, r2) - max(l1, l2) > slack and min(b1, b2) - max(t1, t2) > slack:
                found.append((a, b))
    return found

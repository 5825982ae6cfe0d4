"""The Word writer is linear in rows: the cost of one more events row stays flat from
100 to 10,000 rows (moving body elements one by one was quadratic).

A ratio between sizes, measured in CPU seconds of this process, not a wall-clock limit:
a quadratic writer would make a row at 10,000 rows about ten times dearer than at 1,000;
the test allows three times, which noise on a shared machine never reaches. The timings
at every size are in bench/ (".docx events table of N rows").
"""

from __future__ import annotations

import time
from pathlib import Path

from reports.render.docx.document import render_docx

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "memo.docx"
MEMO = {"id": "scale", "kind": "weekly", "title": "Weekly", "subject": "Weekly update",
        "as_of": "2019-11-29", "date": "29 November 2019", "window": "", "office": "Desk",
        "author": "Analyst", "marking": "UNCLASSIFIED", "to": "Director", "from": "Desk",
        "lang": "en", "keywords": "weekly", "east_asian_lang": "ko"}
SOURCES = [{"n": n, "id": f"s{n}", "outlet": f"Outlet {n}", "title": f"Report number {n}",
            "published": "2019-11-22", "published_display": "22 Nov 2019",
            "url": f"https://example.org/{n}", "kind": "news", "grade": "B2",
            "grade_text": "B2: usually reliable, probably true"} for n in range(1, 41)]


def context(rows: int) -> dict:
    events = [{"id": f"e{i}", "date": "2019-11-22", "date_display": "22 Nov 2019",
               "title": f"Event {i}: Seoul suspends its notice", "summary": "Hours before.",
               "category": "decision", "significance": 1 + i % 5, "location": "Seoul",
               "actors": ["Moon Jae-in (문재인)", "Shinzo Abe (安倍晋三)"],
               "issues": ["GSOMIA renewal"], "cites": [1 + i % 40],
               "cite_text": f"[{1 + i % 40}]"} for i in range(rows)]
    # top-level paragraphs too: the body's children are what used to be moved one by one
    notes = [{"text": f"Judgment {i}.", "cites": [], "cite_text": ""} for i in range(rows // 4)]
    sections = [{"id": "events", "heading": "Events", "level": 1, "annex": False,
                 "blocks": [{"type": "paragraphs", "rows": notes},
                            {"type": "events", "rows": events}]}]
    return {"memo": MEMO, "sections": sections, "sources": SOURCES,
            "native_langs": {"문재인": "ko", "安倍晋三": "ja"}}


def cpu_seconds(rows: int, repeat: int) -> float:
    ctx = context(rows)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        render_docx(ctx, TEMPLATE)
        best = min(best, time.process_time() - start)
    return best


def test_cost_per_row_stays_flat_from_100_to_10000_rows():
    cpu_seconds(100, 1)  # warm: imports, template parsing caches
    base = cpu_seconds(100, 3)
    mid = cpu_seconds(1_000, 2)
    big = cpu_seconds(10_000, 1)
    per_row_mid = (mid - base) / 900
    per_row_big = (big - base) / 9_900
    print(f"CPU per row: {per_row_mid * 1e6:.0f} us (100->1,000 rows), "
          f"{per_row_big * 1e6:.0f} us (100->10,000 rows); 100 rows {base:.3f} s, "
          f"1,000 {mid:.3f} s, 10,000 {big:.3f} s")
    assert per_row_mid > 0
    assert per_row_big / per_row_mid < 3, (
        f"a row costs {per_row_big / per_row_mid:.1f}x more at 10,000 rows than at 1,000: "
        "the Word writer is not linear")

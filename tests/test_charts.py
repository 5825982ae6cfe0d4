"""Charts (reports.render.charts): deterministic, valid, legible, Korean and Japanese names.

The CJK tests need Debian's fonts-noto-cjk (Noto Sans CJK KR): skipped without it, failed
when env CI is set (scripts/setup.sh installs it there).
"""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
import warnings
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest

from reports.render import charts, style
from reports.render.charts import render_chart, svg_data_uri, svg_inline

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "workbook" / "gsomia_relations.xlsx"
A4_WIDTH_PX = 945                        # 16 cm (6.3 in) at 150 dpi

KOREAN = "Moon Jae-in (문재인)"
JAPANESE = "Shinzo Abe (安倍晋三)"
ISSUES = ["GSOMIA renewal", "Japan's export controls on three materials",
          "South Korea's removal from Japan's preferred trade partners",
          "South Korea's WTO complaint", "Compensation for wartime labour",
          "Japan-ROK-US security cooperation", "Export-control policy dialogue"]


def timeline_block(n: int = 12, start: date = date(2019, 7, 1), step: int = 11) -> dict:
    points = [{"date": (start + timedelta(days=i * step)).isoformat(),
               "title": f"Event {i}: Seoul and Tokyo trade statements on {ISSUES[i % 7]}",
               "significance": 1 + i % 5, "issue": ISSUES[i % 7]} for i in range(n)]
    return {"type": "chart", "chart": "timeline", "alt": "Timeline", "data": {"points": points}}


def matrix_block(actors: int = 6, issues: int = 3, shifted: bool = True) -> dict:
    names = [KOREAN, JAPANESE, "Kang Kyung-wha (강경화)", "Taro Kono (河野太郎)",
             "Mike Pompeo", "Ministry of Economy, Trade and Industry (METI) (経済産業省)"]
    stances = [*style.STANCES, ""]
    countries = ["KOR", "JPN", "USA"]
    groups: list[dict] = []
    for a in range(actors):
        country = countries[a * len(countries) // actors]
        if not groups or groups[-1]["country"] != country:
            groups.append({"country": country, "rows": []})
        cells = [{"stance": stances[(a + i) % len(stances)],
                  "shifted": shifted and (a + i) % 4 == 0 and bool(stances[(a + i) % 6])}
                 for i in range(issues)]
        name = names[a % len(names)] + ("" if a < len(names) else f" {a}")
        groups[-1]["rows"].append({"actor": name, "cells": cells})
    data = {"issues": [{"id": f"i{i}", "name": ISSUES[i % 7]} for i in range(issues)],
            "groups": groups}
    return {"type": "chart", "chart": "matrix", "alt": "Positions matrix", "data": data}


def require_cjk_font() -> None:
    from matplotlib import font_manager

    try:
        font_manager.findfont(font_manager.FontProperties(family=style.FONT_EAST_ASIAN),
                              fallback_to_default=False)
    except ValueError:
        reason = (f"needs the font {style.FONT_EAST_ASIAN} (Debian fonts-noto-cjk); "
                  "run `bash scripts/setup.sh` (as root) to install it")
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so a missing font is a failure)", pytrace=False)
        pytest.skip(reason)


def png_shape(png: bytes) -> tuple[int, int]:
    from matplotlib import image

    pixels = image.imread(io.BytesIO(png), format="png")
    return pixels.shape[1], pixels.shape[0]


def svg_texts(svg: bytes) -> str:
    """All the text of an SVG drawn with text kept as text."""
    root = ElementTree.fromstring(svg)
    return "\n".join("".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))


BLOCKS = {"timeline": timeline_block, "matrix": matrix_block}


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("fmt", ["png", "svg"])
@pytest.mark.parametrize("kind", ["timeline", "matrix"])
def test_same_block_same_bytes(kind, fmt):
    block = BLOCKS[kind]()
    first, second = render_chart(block, fmt), render_chart(block, fmt)
    assert first == second


def test_same_bytes_in_a_fresh_process(tmp_path):
    """No per-process randomness (hash seeds, ids, font cache order)."""
    script = (
        "import sys, test_charts as t\n"
        "from reports.render.charts import render_chart\n"
        "for kind in ('timeline', 'matrix'):\n"
        "    for fmt in ('png', 'svg'):\n"
        "        out = sys.argv[1] + f'/{kind}.{fmt}'\n"
        "        open(out, 'wb').write(render_chart(t.BLOCKS[kind](), fmt))\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")]),
           "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=env,
                   cwd=tmp_path, timeout=120)
    for kind in ("timeline", "matrix"):
        for fmt in ("png", "svg"):
            other = (tmp_path / f"{kind}.{fmt}").read_bytes()
            assert other == render_chart(BLOCKS[kind](), fmt), f"{kind}.{fmt} differs"


def test_no_timestamps_or_software_names():
    for kind in ("timeline", "matrix"):
        png = render_chart(BLOCKS[kind](), "png")
        assert b"Software" not in png and b"tIME" not in png and b"atplotlib" not in png
        svg = render_chart(BLOCKS[kind](), "svg")
        assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg


def test_global_matplotlib_state_is_left_alone():
    import matplotlib

    def settings() -> dict:      # all but "backend": reading that one may choose it
        return {k: matplotlib.rcParams[k] for k in matplotlib.rcParams if k != "backend"}

    before = settings()
    render_chart(matrix_block(), "svg", text_as_paths=False)
    render_chart(timeline_block(), "png")
    assert settings() == before
    assert "matplotlib.pyplot" not in sys.modules


def test_importing_charts_does_not_import_matplotlib():
    code = ("import sys, reports.render.charts, reports.render.style\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=60,
                   env={**os.environ, "PYTHONPATH": str(REPO)})


# --------------------------------------------------------------------------- valid files


@pytest.mark.parametrize("kind", ["timeline", "matrix"])
def test_png_is_a_16cm_picture_at_150_dpi(kind):
    png = render_chart(BLOCKS[kind](), "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = png_shape(png)
    assert width == A4_WIDTH_PX
    assert 80 <= height <= 2500


@pytest.mark.parametrize("kind", ["timeline", "matrix"])
def test_svg_parses_and_has_a_size(kind):
    svg = render_chart(BLOCKS[kind](), "svg")
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width", "").endswith("pt") and root.get("viewBox")


def test_svg_of_a_25_by_7_matrix_stays_small():
    svg = render_chart(matrix_block(actors=25, issues=7), "svg")
    assert len(svg) < 400_000, f"{len(svg)} bytes"


def test_many_issues_widen_the_matrix_rather_than_squeeze_it():
    png = render_chart(matrix_block(actors=4, issues=16), "png")
    width, _ = png_shape(png)
    assert width > A4_WIDTH_PX


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_empty_charts_still_render(fmt):
    empty_timeline = {"type": "chart", "chart": "timeline", "alt": "", "data": {"points": []}}
    empty_matrix = {"type": "chart", "chart": "matrix", "alt": "",
                    "data": {"issues": [], "groups": []}}
    for block in (empty_timeline, empty_matrix, {"chart": "timeline"}):
        out = render_chart(block, fmt)
        assert out.startswith(b"\x89PNG" if fmt == "png" else b"<?xml")


def test_odd_points_are_tolerated():
    block = timeline_block(3)
    block["data"]["points"] += [
        {"date": "not a date", "title": "skipped", "significance": 3, "issue": "GSOMIA"},
        {"date": "2019-11-22", "title": "", "significance": None, "issue": None},
        {"date": "2019-11-22T09:00:00", "title": "x" * 500, "significance": 9, "issue": "A"},
    ]
    assert png_shape(render_chart(block, "png"))[0] == A4_WIDTH_PX


@pytest.mark.parametrize("days", [0, 6, 40, 400, 8 * 365])
def test_any_span_of_dates(days):
    """One day to eight years: a concise date axis, never an error or a blank axis."""
    block = timeline_block(6, date(2012, 1, 5), max(days // 5, 0))
    svg = render_chart(block, "svg", text_as_paths=False)
    labels = svg_texts(svg)
    assert re.search(r"\b(19|20)\d\d\b", labels), "the axis should say the year somewhere"


def test_broken_axis_for_a_long_quiet_stretch():
    x = sorted([0.0] + [2000.0 + i for i in range(20)])
    assert charts._split(x) == 2000.0
    assert charts._split([float(i * 100) for i in range(20)]) is None
    block = timeline_block(20, date(2019, 7, 1), 5)
    block["data"]["points"].append({"date": "2012-06-29", "title": "Signing postponed",
                                    "significance": 5, "issue": "GSOMIA renewal"})
    labels = svg_texts(render_chart(block, "svg", text_as_paths=False))
    assert "2012" in labels and "2019" in labels


def test_window_sets_the_date_axis():
    block = timeline_block(1, date(2019, 11, 25))
    block["data"]["window"] = ["2019-11-23", "2019-11-29"]
    labels = svg_texts(render_chart(block, "svg", text_as_paths=False))
    assert "29 Nov" in labels or "28 Nov" in labels


def test_five_thousand_events():
    block = timeline_block(5000, date(2012, 1, 1), 1)
    for fmt in ("png", "svg"):
        out = render_chart(block, fmt)
        assert len(out) < 2_000_000
    assert render_chart(block, "svg") == out    # markers drawn as one embedded picture
    labels = svg_texts(render_chart(block, "svg", text_as_paths=False))
    assert "Event" not in labels        # too many events to label any


def test_unknown_chart_or_format():
    with pytest.raises(ValueError, match="unknown chart"):
        render_chart({"chart": "pie", "data": {}}, "png")
    with pytest.raises(ValueError, match="format"):
        render_chart(timeline_block(), "jpeg")


# --------------------------------------------------------------------------- legible


def test_matrix_says_every_stance_in_words():
    require_cjk_font()
    block = matrix_block(actors=6, issues=5)
    labels = svg_texts(render_chart(block, "svg", text_as_paths=False))
    for stance in style.STANCES:
        assert style.STANCE_LABELS[stance] in labels
    assert "문재인" in labels and "安倍晋三" in labels
    assert "South Korea (KOR)" in labels
    assert style.SHIFT_NOTE in labels
    assert re.search(r"\w\*", labels), "a shifted cell carries the mark"


def test_no_shift_note_without_shifts():
    labels = svg_texts(render_chart(matrix_block(shifted=False), "svg", text_as_paths=False))
    assert style.SHIFT_NOTE not in labels and "*" not in labels


def test_timeline_labels_the_most_significant_events():
    block = timeline_block(5, date(2019, 7, 1), 30)
    labels = svg_texts(render_chart(block, "svg", text_as_paths=False))
    assert "Event 4" in labels                     # significance 5
    assert "Significance" in labels
    assert "GSOMIA renewal" in labels              # lane names say the issue


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_korean_and_japanese_names_draw_without_missing_glyphs(fmt, caplog):
    require_cjk_font()
    block = matrix_block()
    block["data"]["issues"][0]["name"] = "독도 / 竹島"
    points = timeline_block(3)
    points["data"]["points"][0]["title"] = "문재인 대통령, 安倍晋三 총리와 회담"
    points["data"]["points"][0]["significance"] = 5
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_chart(block, fmt)
        render_chart(points, fmt)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]


def test_missing_cjk_font_is_logged_once(monkeypatch, caplog):
    from matplotlib import font_manager

    def no_cjk(prop, *args, **kwargs):
        raise ValueError("not found")

    monkeypatch.setattr(charts, "_FONTS", None)
    monkeypatch.setattr(font_manager, "findfont", no_cjk)
    with caplog.at_level("WARNING", logger="reports.render.charts"):
        assert charts.font_families() == [style.FONT_LATIN]
        assert charts.font_families() == [style.FONT_LATIN]
    assert len([r for r in caplog.records if "fonts-noto-cjk" in r.getMessage()]) == 1
    monkeypatch.setattr(charts, "_FONTS", None)


# --------------------------------------------------------------------------- HTML helpers


def test_svg_data_uri_round_trips():
    svg = render_chart(timeline_block(3), "svg")
    uri = svg_data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == svg


def test_svg_inline_for_several_charts_on_one_page():
    a = svg_inline(render_chart(timeline_block(), "svg"), "c1-", alt='Timeline "A" & <b>')
    b = svg_inline(render_chart(matrix_block(), "svg"), "c2-", alt="Matrix")
    for markup in (a, b):
        assert markup.startswith("<svg") and "<?xml" not in markup and "DOCTYPE" not in markup
        ElementTree.fromstring(markup)
    assert 'role="img"' in a and 'aria-label="Timeline &quot;A&quot; &amp; &lt;b&gt;"' in a
    assert "<title>Timeline &quot;A&quot; &amp; &lt;b&gt;</title>" in a
    ids_a = re.findall(r'\bid="([^"]+)"', a)
    ids_b = re.findall(r'\bid="([^"]+)"', b)
    assert ids_a and all(i.startswith("c1-") for i in ids_a)
    assert not set(ids_a) & set(ids_b)
    refs = re.findall(r'(?:href="#|url\(#)([^")]+)', a)
    assert refs and set(refs) <= set(ids_a), "every reference points at a renamed id"


# --------------------------------------------------------------------------- style


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_stance_colours_pass_wcag_aa_with_their_text():
    assert set(style.STANCE_COLOURS) == set(style.STANCES) == set(style.STANCE_LABELS)
    for stance, fill in style.STANCE_COLOURS.items():
        assert contrast(style.STANCE_TEXT, fill) >= 4.5, stance
    for fill in (style.BLANK_FILL, style.UNKNOWN_FILL):
        assert contrast(style.STANCE_TEXT, fill) >= 4.5
    assert contrast(style.MUTED_TEXT, "#FFFFFF") >= 4.5
    assert len(set(style.STANCE_COLOURS.values())) == len(style.STANCE_COLOURS)


def test_issue_palette_is_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                 "#CC79A7", "#000000"}
    assert set(style.ISSUE_PALETTE) == okabe_ito
    assert len(style.ISSUE_PALETTE) == len(okabe_ito)


# --------------------------------------------------------------------------- real memos


@pytest.mark.skipif(not BUNDLED.exists(), reason="bundled workbook not there yet")
def test_charts_of_the_bundled_workbook():
    from reports.context import MemoSpec
    from reports.memos import build_context
    from reports.model import Model
    from reports.validate import validate
    from reports.workbook import read_workbook

    model = Model.from_records(validate(read_workbook(BUNDLED)).records)
    blocks = []
    for kind in ("overview", "weekly"):
        ctx = build_context(model, MemoSpec(kind, kind, kind.title(), date(2019, 11, 29)))
        blocks += [b for s in ctx["sections"] for b in s["blocks"] if b["type"] == "chart"]
    assert {b["chart"] for b in blocks} == {"timeline", "matrix"}
    for block in blocks:
        png = render_chart(block, "png")
        assert png_shape(png)[0] == A4_WIDTH_PX
        svg = render_chart(block, "svg")
        assert len(svg) < 400_000

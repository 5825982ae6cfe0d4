"""Charts (reports.render.charts.draw): deterministic, valid, legible, Korean and Japanese names.

Legible means, for every hard input in ``chartblocks.CASES`` and every chart of the bundled
memos: no text under 7 pt when the 16 cm picture is shown 15.5 cm wide, and no two texts
the renderer draws overlap or leave the picture (boxes measured by the Agg renderer).

The CJK tests need Debian's fonts-noto-cjk (Noto Sans CJK KR): skipped without it, failed
when env CI is set (scripts/setup.sh installs it there).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import warnings
from datetime import date
from xml.etree import ElementTree

import pytest
from chartblocks import (
    CASES,
    REPO,
    bundled_blocks,
    drawn_texts,
    matrix_block,
    overlaps,
    timeline_block,
)

from reports.render import style
from reports.render.charts import draw as charts
from reports.render.charts import fonts as chart_fonts
from reports.render.charts.draw import render_chart
from reports.render.charts.layout import MIN_SHOWN_PT, SHOWN_MIN_IN
from reports.render.charts.timeline import split_at

A4_WIDTH_PX = 945                        # 16 cm (6.3 in) at 150 dpi
BLOCKS = {"timeline": timeline_block, "matrix": matrix_block}
SVG = "{http://www.w3.org/2000/svg}"


def require_cjk_font() -> None:
    if chart_fonts.east_asian() is None:
        reason = (f"needs the font {style.FONT_EAST_ASIAN} (Debian fonts-noto-cjk); "
                  "run `bash scripts/setup.sh` (as root) to install it")
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so a missing font is a failure)", pytrace=False)
        pytest.skip(reason)


def png_shape(png: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(png)).size


def svg_texts(svg: bytes) -> str:
    """All the text of an SVG, one line per text element."""
    root = ElementTree.fromstring(svg)
    return "\n".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


@pytest.fixture(scope="module")
def bundled() -> dict[str, dict]:
    if not (REPO / "workbook" / "gsomia_relations.xlsx").exists():
        pytest.skip("bundled workbook not there yet")
    return bundled_blocks()


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("fmt", ["png", "svg"])
@pytest.mark.parametrize("kind", ["timeline", "matrix"])
def test_same_block_same_bytes(kind, fmt):
    block = BLOCKS[kind]()
    first = render_chart(block, fmt)
    charts.forget()
    assert render_chart(block, fmt) == first


def test_same_bytes_in_a_fresh_process(tmp_path):
    """No per-process randomness (hash seeds, ids, font cache order)."""
    script = (
        "import sys, chartblocks as t\n"
        "from reports.render.charts.draw import render_chart\n"
        "for kind in ('timeline', 'matrix'):\n"
        "    for fmt in ('png', 'svg'):\n"
        "        out = sys.argv[1] + f'/{kind}.{fmt}'\n"
        "        block = {'timeline': t.timeline_block, 'matrix': t.matrix_block}[kind]()\n"
        "        open(out, 'wb').write(render_chart(block, fmt))\n")
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
        assert b"date" not in svg.lower() and b"atplotlib" not in svg


def test_global_matplotlib_state_is_left_alone():
    import matplotlib

    def settings() -> dict:      # all but "backend": reading that one may choose it
        return {k: matplotlib.rcParams[k] for k in matplotlib.rcParams if k != "backend"}

    before = settings()
    charts.forget()
    render_chart(matrix_block(), "svg")
    render_chart(timeline_block(), "png")
    assert settings() == before
    assert "matplotlib.pyplot" not in sys.modules


def test_importing_charts_does_not_import_matplotlib():
    code = ("import sys, reports.render.charts.draw, reports.render.style\n"
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
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "453.6pt" and root.get("viewBox").startswith("0 0 453.6 ")


def test_svg_of_a_25_by_7_matrix_stays_small():
    svg = render_chart(matrix_block(actors=25, issues=7), "svg")
    assert len(svg) < 60_000, f"{len(svg)} bytes"


def test_many_issues_cut_the_matrix_into_parts_rather_than_squeeze_it():
    block = matrix_block(actors=4, issues=16)
    assert png_shape(render_chart(block, "png"))[0] == A4_WIDTH_PX
    labels = svg_texts(render_chart(block, "svg"))
    assert labels.count("Moon Jae-in") == 2, "two parts, each with the actor names"
    words = re.sub(r"[-\s]", "", labels)                # headers wrap and hyphenate
    for issue in block["data"]["issues"]:
        assert re.sub(r"[-\s]", "", issue["name"]) in words
    assert "Showing" not in labels


def test_a_matrix_too_big_for_a_page_shows_its_first_rows_and_says_so():
    from reports.render.charts.matrix import MAX_HEIGHT_IN

    block = matrix_block(actors=60, issues=30)
    drawing = charts.layout(block)
    assert drawing.height <= MAX_HEIGHT_IN
    labels = svg_texts(render_chart(block, "svg"))
    note = re.search(r"Showing the first (\d+) of 30 issues and (\d+) of 60 actors\.", labels)
    assert note, labels[-300:]
    issues, actors = map(int, note.groups())
    assert 10 <= issues < 30 and 4 <= actors < 60
    words = re.sub(r"[-\s]", "", labels)
    assert re.sub(r"[-\s]", "", block["data"]["issues"][issues - 1]["name"]) in words
    assert re.sub(r"[-\s]", "", block["data"]["issues"][issues]["name"]) not in words


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_empty_charts_still_render(fmt):
    empty_timeline = {"type": "chart", "chart": "timeline", "alt": "", "data": {"points": []}}
    empty_matrix = {"type": "chart", "chart": "matrix", "alt": "",
                    "data": {"issues": [], "groups": []}}
    for block in (empty_timeline, empty_matrix, {"chart": "timeline"}):
        out = render_chart(block, fmt)
        assert out.startswith(b"\x89PNG" if fmt == "png" else b"<?xml")
    assert "No events to show." in svg_texts(render_chart(empty_timeline, "svg"))


def test_odd_points_are_tolerated():
    block = timeline_block(3)
    block["data"]["points"] += [
        {"date": "not a date", "title": "skipped", "significance": 3, "issue": "GSOMIA"},
        {"date": "2019-11-22", "title": "", "significance": None, "issue": None},
        {"date": "2019-11-22T09:00:00", "title": "x\x0b" * 250, "significance": 9,
         "issue": "A"},
        {"date": "2019-11-23", "title": "Costs $5 and $6 <b>&</b>", "significance": 5,
         "issue": "A"},
    ]
    assert png_shape(render_chart(block, "png"))[0] == A4_WIDTH_PX
    labels = svg_texts(render_chart(block, "svg"))      # parses: no control characters
    assert "Costs $5 and $6 <b>&</b>" in labels         # no mathtext, escaped


@pytest.mark.parametrize("days", [0, 6, 40, 400, 8 * 365])
def test_any_span_of_dates(days):
    """One day to eight years: a concise date axis, never an error or a blank axis."""
    block = timeline_block(6, date(2012, 1, 5), max(days // 5, 0))
    labels = svg_texts(render_chart(block, "svg"))
    assert re.search(r"\b(19|20)\d\d\b", labels), "the axis should say the year somewhere"


def test_broken_axis_for_a_long_quiet_stretch():
    assert split_at([0] + [2000 + i for i in range(20)]) == 2000
    assert split_at([i * 100 for i in range(20)]) is None
    labels = svg_texts(render_chart(CASES["8 years, busy at the end"], "svg"))
    assert "2012" in labels and "2019" in labels


def test_window_sets_the_date_axis_and_its_last_label_is_whole():
    block = CASES["one event in a week"]
    labels = svg_texts(render_chart(block, "svg")).split("\n")
    assert "29 Nov" in labels and "23 Nov 2019" in labels
    texts, (width, _) = drawn_texts(block)
    last = [box for text, box in texts if text == "29 Nov"]
    assert last and last[0][2] <= width, "29 Nov is cut at the right edge"


def test_five_thousand_events_share_markers_and_stay_small():
    block = CASES["5,000 events"]
    svg = render_chart(block, "svg")
    assert len(svg) < 150_000
    assert len(render_chart(block, "png")) < 400_000
    labels = svg_texts(svg)
    assert "Event" not in labels        # too many events to label any
    assert "5,000 events: close ones share a marker" in labels
    assert svg.count(b"<circle") < 1500


def test_unknown_chart_or_format():
    with pytest.raises(ValueError, match="unknown chart"):
        render_chart({"chart": "pie", "data": {}}, "png")
    with pytest.raises(ValueError, match="format"):
        render_chart(timeline_block(), "jpeg")


# --------------------------------------------------------------------------- legible


def assert_legible(block: dict) -> None:
    drawing = charts.layout(block)
    for text in drawing.texts():
        shown = text.size * SHOWN_MIN_IN / drawing.width
        assert shown >= MIN_SHOWN_PT, f"{text.text!r} is {shown:.2f} pt when shown"
    texts, (width, height) = drawn_texts(block)
    assert texts
    outside = [t for t, (left, top, right, bottom) in texts
               if left < 0 or top < 0 or right > width or bottom > height]
    assert not outside, f"texts leave the picture: {outside}"
    assert not overlaps(texts), f"texts overlap: {overlaps(texts)[:5]}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_hard_inputs_stay_legible(case):
    if re.search("Hangul|names", case):
        require_cjk_font()
    assert_legible(CASES[case])


def test_bundled_charts_stay_legible(bundled):
    assert {b["chart"] for b in bundled.values()} == {"timeline", "matrix"}
    for block in bundled.values():
        assert_legible(block)
        assert png_shape(render_chart(block, "png"))[0] == A4_WIDTH_PX
        assert len(render_chart(block, "svg")) < 60_000


def test_matrix_says_every_stance_in_words():
    require_cjk_font()
    block = matrix_block(actors=6, issues=5)
    labels = svg_texts(render_chart(block, "svg"))
    for stance in style.STANCES:
        assert style.STANCE_LABELS[stance] in labels
    assert "문재인" in labels and "安倍晋三" in labels
    assert "South Korea (KOR)" in labels
    assert style.SHIFT_NOTE in labels
    assert re.search(r"\w\*", labels), "a shifted cell carries the mark"


def test_no_shift_note_without_shifts():
    labels = svg_texts(render_chart(matrix_block(shifted=False), "svg"))
    assert style.SHIFT_NOTE not in labels and "*" not in labels


def test_timeline_labels_the_most_significant_events():
    block = timeline_block(5, date(2019, 7, 1), 30)
    labels = svg_texts(render_chart(block, "svg"))
    assert "Event 4" in labels                     # significance 5
    assert "Significance" in labels
    assert "GSOMIA renewal" in labels              # lane names say the issue


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_korean_and_japanese_names_draw_without_missing_glyphs(fmt, caplog):
    require_cjk_font()
    block = matrix_block()
    block["data"]["issues"][0]["name"] = "독도 / 竹島"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.forget()
        render_chart(block, fmt)
        render_chart(CASES["Hangul and Kanji titles"], fmt)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]


def test_east_asian_text_is_set_in_its_language():
    """Kana: Japanese; Hangul: Korean; Han only: the actor's country, a known native name's
    language, else the memo's default (as reports.text decides for the memo)."""
    require_cjk_font()
    langs = {t.text: t.lang for t in charts.layout(matrix_block()).texts()}
    assert langs["Shinzo Abe (安倍晋三)"] == "ja" and langs["Moon Jae-in (문재인)"] == "ko"
    assert langs["Mike Pompeo"] is None
    block = timeline_block(3, sig=lambda i: 5, title=lambda i: ["安倍晋三 visits", "竹島 talks",
                                                                 "首相が発表"][i])
    block["data"]["native_langs"] = {"安倍晋三": "ja"}
    langs = {t.text: t.lang for t in charts.layout(block).texts()}
    assert langs == {**langs, "安倍晋三 visits": "ja", "竹島 talks": "ko", "首相が発表": "ja"}
    block["data"]["east_asian_lang"] = "ja"
    assert {t.text: t.lang for t in charts.layout(block).texts()}["竹島 talks"] == "ja"
    assert "JP" in chart_fonts.families_for("首相が発表", "ja")[1]
    assert chart_fonts.families_for("Moon Jae-in", None) == [chart_fonts.latin()]


def test_missing_cjk_font_is_logged_once(monkeypatch, caplog):
    cached = (chart_fonts.east_asian, chart_fonts.latin)
    for function in cached:
        function.cache_clear()
    monkeypatch.setattr(chart_fonts, "font_file",
                        lambda family: None if "CJK" in family else "/fonts/latin.ttf")
    try:
        with caplog.at_level("WARNING", logger="reports.render.charts"):
            assert chart_fonts.families() == [chart_fonts.LATIN[0], "DejaVu Sans"]
            assert chart_fonts.families() == [chart_fonts.LATIN[0], "DejaVu Sans"]
        assert len([r for r in caplog.records if "fonts-noto-cjk" in r.getMessage()]) == 1
    finally:
        for function in cached:
            function.cache_clear()


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

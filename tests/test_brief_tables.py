"""Tables and charts say what they claim: the matrix follows the rule its caption states
and has no empty column; "Since" is the day the current stance began; an actor's profile
does not repeat the actor's name in every row; timelines never cut a label mid-word,
never hide a same-day event, and are left out when they would be one row; citations give
full titles in one style, each grade explained where it first appears.

Each case builds small workbooks through the command line and reads the memo a reader
gets: the HTML page's text and the Word document's text.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
import wbfactory
from clitools import call
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2019-11-29"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(folder: Path, data: dict, memos: str, desk: str = "") -> Path:
    book = wbfactory.write(folder / "book.xlsx", data)
    config = folder / "reports.toml"
    config.write_text(f'[paths]\nworkbook = "{book}"\noutput = "{folder / "out"}"\n'
                      f'templates = "{ROOT / "templates"}"\n\n[desk]\noffice = "Desk"\n'
                      f"{desk}\n{memos}", encoding="utf-8")
    done = call("build", "--config", str(config), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    return folder / "out"


def memo(kind: str, extra: str = "", memo_id: str = "m", formats: str = '"docx", "html"'):
    return f'[[memos]]\nid = "{memo_id}"\nkind = "{kind}"\n{extra}\nformats = [{formats}]\n'


def page(out: Path, memo_id: str = "m") -> str:
    return (out / memo_id / AS_OF / f"{memo_id}_{AS_OF}.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The page's text, tags dropped (inline ones join their text, as a browser shows it)."""
    return " ".join(re.sub(r"<[^>]+>", "", re.sub(r"</(p|li|td|th|h\d|div)>", " ",
                                                  html)).split())


def word(out: Path, memo_id: str = "m") -> tuple[etree._Element, str]:
    with zipfile.ZipFile(out / memo_id / AS_OF / f"{memo_id}_{AS_OF}.docx") as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        notes = etree.fromstring(zf.read("word/footnotes.xml"))
    paragraphs = ["".join(t.text or "" for t in p.iter(W + "t")) for p in body.iter(W + "p")]
    return body, "\n".join(paragraphs) + "\n" + "\n".join(
        "".join(t.text or "" for t in n.iter(W + "t")) for n in notes.iter(W + "footnote"))


def table_rows(html: str, css: str) -> list[list[str]]:
    """The rows of the first table of class ``css``: each cell's text."""
    table = re.search(rf'<table class="{css}[^"]*">(.*?)</table>', html, re.S).group(1)
    body = table.split("</thead>", 1)[-1]
    return [[" ".join(re.sub(r"<[^>]+>", "", c).split())
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


# --------------------------------------------------------------------------- the matrix


def _matrix_workbook() -> dict:
    """Six actors: the two who hold the most positions hold them on issues nobody else
    does, so capping the rows at two and choosing the columns first by how many
    positions each issue has would leave every chosen column empty."""
    d = wbfactory.sheets()
    d["Actors"] += [[f"a{i}", f"Actor {i}", "", "KOR", "person", ""] for i in range(1, 7)]
    d["Issues"] += [[f"i{i}", f"Issue {i}", f"Question {i}?", "active"] for i in range(1, 6)]
    rows = []
    for actor, issues in (("a1", "i1 i2 i3"), ("a2", "i1 i2 i3"), ("a3", "i4"), ("a4", "i4"),
                          ("a5", "i5"), ("a6", "i5")):
        rows += [[actor, i, date(2019, 11, 20), "supports", "View.", "", "s1"]
                 for i in issues.split()]
    d["Positions"] = d["Positions"][:1] + rows
    d["Assessments"] = d["Assessments"][:1]
    return d


@pytest.mark.parametrize(("kind", "rule"), [
    ("overview", "of the 2 actors holding the most positions (of 6), by country, on the 3 "
                 "issues on which they hold the most positions (of 5)"),
    ("weekly", "of the 2 actors holding the most positions (of 6), by country, on the 3 "
               "issues on which they hold the most positions (of 5)")])
def test_the_matrix_follows_the_rule_its_caption_states_and_has_no_empty_column(
        tmp_path, kind, rule):
    out = build(tmp_path, _matrix_workbook(), memo(kind, "max_actors = 2\nmax_issues = 3"))
    html = page(out)
    caption = re.search(r'<table class="matrix">\s*<caption[^>]*>(.*?)</caption>', html,
                        re.S).group(1)
    assert rule in caption
    header = re.search(r'<table class="matrix">.*?<thead>(.*?)</thead>', html, re.S).group(1)
    columns = [text_of(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", header)][1:]
    assert columns == ["Issue 1", "Issue 2", "Issue 3"]  # the chosen actors' issues
    rows = [r for r in table_rows(html, "matrix") if len(r) > 1]
    assert [r[0] for r in rows] == ["Actor 1", "Actor 2"]
    for n in range(len(columns)):  # no column without a stance
        assert any(r[n + 1] for r in rows), columns[n]


def test_the_weekly_matrix_puts_the_actors_who_shifted_first_and_says_so(tmp_path):
    d = _matrix_workbook()
    d["Positions"].append(["a6", "i5", date(2019, 11, 27), "opposes", "Changed.", "", "s1"])
    out = build(tmp_path, d, memo("weekly", "max_actors = 2\nmax_issues = 3"))
    html = page(out)
    assert "the 2 actors whose stance changed in the period, then those holding the most " \
           "positions (of 6)" in text_of(html)
    rows = [r[0] for r in table_rows(html, "matrix") if len(r) > 1]
    assert "Actor 6" in rows


# --------------------------------------------------------------------------- since when


@pytest.mark.parametrize(("history", "since", "stated"), [
    ([("2019-11-01", "opposes"), ("2019-11-10", "conditional"), ("2019-11-20", "conditional")],
     "10 Nov 2019", "20 Nov 2019"),  # restated: since the run began
    ([("2019-11-05", "supports")], "5 Nov 2019", None),  # one statement
    ([("2019-10-01", "supports"), ("2019-10-15", "supports"), ("2019-11-01", "opposes"),
      ("2019-11-12", "opposes"), ("2019-11-25", "opposes")], "1 Nov 2019", "25 Nov 2019"),
])
def test_since_is_the_day_the_current_stance_began(tmp_path, history, since, stated):
    d = wbfactory.sheets()
    d["Positions"] = d["Positions"][:1] + [
        ["moon-jae-in", "gsomia", date.fromisoformat(day), stance, f"Said on {day}.", "", "s1"]
        for day, stance in history]
    out = build(tmp_path, d, memo("issue", 'issue = "gsomia"'))
    html = page(out)
    [row] = [r for r in table_rows(html, "stances") if r[0].startswith("Moon Jae-in")]
    assert row[1].endswith(f"since {since}" + (f"; restated {stated}" if stated else ""))
    _, text = word(out)
    assert re.search(rf"{since}\n" + (f"restated {stated}\n" if stated else ""), text), text


# --------------------------------------------------------------------------- whose rows


def test_an_actor_profile_does_not_repeat_the_actor_in_every_row(tmp_path):
    d = wbfactory.sheets()
    d["Issues"].append(["trade", "Trade talks", "Should talks resume?", "active"])
    d["Positions"] += [["moon-jae-in", "trade", date(2019, 11, 1), "opposes", "No.", "", "s1"],
                       ["moon-jae-in", "trade", date(2019, 11, 21), "supports", "Yes.", "",
                        "s1"]]
    out = build(tmp_path, d, memo("actor", 'actor = "moon-jae-in"'))
    html = page(out)
    shifts = table_rows(html, "shifts")
    assert [r[0] for r in shifts] == ["Trade talks", "GSOMIA renewal"]  # oldest first
    assert not [r for r in shifts if any("Moon Jae-in" in cell for cell in r)]
    head = re.search(r'<table class="shifts[^"]*">.*?<thead>(.*?)</thead>', html, re.S).group(1)
    assert "Actor" not in head
    _, text = word(out)
    table = text[text.index("How stances changed"):text.index("Events")]
    assert "Moon Jae-in" not in table


def test_an_issue_brief_names_the_actor_not_the_issue_in_its_shifts(tmp_path):
    out = build(tmp_path, wbfactory.sheets(), memo("issue", 'issue = "gsomia"'))
    shifts = table_rows(page(out), "shifts")
    assert shifts[0][:2] == ["Moon Jae-in (문재인)", "opposes → conditional"]


# --------------------------------------------------------------------------- outside views


def _commentary_rows(whose_overall: str) -> dict:
    d = wbfactory.sheets()
    d["Assessments"] = [["as_of", "issue_id", "judgment", "author", "sources", "whose"],
                        [date(2019, 11, 25), "", "The pact holds for now.", "Desk", "s1",
                         whose_overall],
                        [date(2019, 11, 26), "", "A think tank says the pact is doomed.",
                         "Think Tank", "s1", "source"],
                        [date(2019, 11, 26), "gsomia", "A paper says Seoul bluffed.",
                         "The Paper", "s1", "source"]]
    return d


@pytest.mark.parametrize("kind", ["overview", "weekly", "issue"])
@pytest.mark.parametrize("whose", ["desk", ""])
def test_outside_commentary_is_labelled_and_never_the_bottom_line(tmp_path, kind, whose):
    extra = 'issue = "gsomia"' if kind == "issue" else ""
    out = build(tmp_path, _commentary_rows(whose), memo(kind, extra))
    html = page(out)
    bottom = html[html.index('id="sec-bottom-line"'):html.index("</section>", html.index(
        'id="sec-bottom-line"'))]
    assert "doomed" not in bottom and "bluffed" not in bottom
    said = html[html.index('id="sec-commentary"'):]
    said = said[:said.index("</section>")]
    quoted = "A paper says Seoul bluffed." if kind == "issue" else \
        "A think tank says the pact is doomed."
    assert quoted in said
    assert "Outside commentary, not the desk&#39;s judgment." in said or \
        "Outside commentary, not the desk's judgment." in said
    _, text = word(out)
    line = next(ln for ln in text.splitlines() if quoted in ln)
    assert line.startswith(("Think Tank, 26 Nov 2019: ", "The Paper, 26 Nov 2019: "))
    assert line.endswith("Outside commentary, not the desk's judgment.")
    if kind != "issue":
        assert "1.The pact holds for now." in text  # the desk's, numbered


def test_a_workbook_of_only_commentary_has_no_bottom_line_judgment(tmp_path):
    d = _commentary_rows("source")
    out = build(tmp_path, d, memo("overview"))
    flat = text_of(page(out))
    start = flat.index("Bottom line")
    assert flat[start:].startswith("Bottom line The desk has recorded no overall judgment as "
                                   "of 29 November 2019.")


# --------------------------------------------------------------------------- citations


LONG_TITLE = ("Seoul and Tokyo agree to keep talking about export controls, intelligence "
              "sharing and the wartime labour rulings while Washington presses both capitals "
              "to hold the line")


@pytest.mark.parametrize("grades", [("B", "2"), ("", ""), ("A", "1")])
def test_citations_give_the_whole_title_in_one_style_and_explain_the_grade_once(tmp_path,
                                                                                grades):
    d = wbfactory.sheets()
    d["Sources"][0] += ["reliability", "credibility"]
    d["Sources"][1] += list(grades)
    d["Sources"][1][2] = LONG_TITLE
    d["Sources"].append(["s2", "Second Wire", "Short title?", "", date(2019, 11, 21), "news",
                         *grades])
    d["Events"][2][8] = "s1; s2"
    out = build(tmp_path, d, memo("issue", 'issue = "gsomia"'))
    grade = "".join(grades)
    meaning = {"B2": "usually reliable, probably true",
               "A1": "completely reliable, confirmed by other sources"}.get(grade)
    first = f"Kyodo News, “{LONG_TITLE}”, 22 Nov 2019" + (
        f", grade {grade} ({meaning})." if grade else ".")
    second = "Second Wire, “Short title?” 21 Nov 2019" + (f", grade {grade}." if grade else ".")
    flat = text_of(page(out))
    assert first in flat and second in flat  # the page's Sources list
    _, text = word(out)
    assert first in text and second in text  # the Word memo's first footnotes
    if grade:
        assert text.count(f"({meaning})") == 1 and flat.count(f"({meaning})") == 1
    assert "…" not in text.split("Sources")[-1]


# --------------------------------------------------------------------------- timelines


def _chart_svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, re.S)


def test_timeline_labels_are_whole_words_and_same_day_events_stand_apart(tmp_path):
    d = wbfactory.sheets()
    d["Issues"].append(["trade", "Trade talks", "Should talks resume?", "active"])
    titles = [f"Ministers from both capitals announce a sweeping agreement number {n} on "
              "semiconductor materials" for n in range(1, 5)]
    d["Events"] += [[f"x{n}", date(2019, 11, 27), t, "", "decision", "moon-jae-in",
                     "gsomia" if n % 2 else "trade", 5, "s1"] for n, t in enumerate(titles, 1)]
    out = build(tmp_path, d, memo("weekly"))
    html = page(out)
    [svg] = _chart_svgs(html)
    labels = [" ".join(re.sub(r"<[^>]+>", "", t).split())
              for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]
    cut = [lab for lab in labels if lab.endswith("…")]
    assert cut, labels  # long titles are shortened ...
    for lab in cut:  # ... at a word, the full title being in the alt text and the table
        stem = lab[:-1]
        assert any(t.startswith(stem) and t[len(stem)] == " " for t in titles), lab
    alt = re.search(r'<figure class="chart chart-timeline".*?<figcaption[^>]*>(.*?)'
                    r"</figcaption>", html, re.S)
    assert alt and "every event is in the table below" in alt.group(1)
    circles = [(float(x), float(y), float(r)) for x, y, r, fill in re.findall(
        r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"[^>]*fill="(#(?!9A9A9A)[0-9A-Fa-f]+)"',
        svg)]
    assert len(circles) >= 4
    for i, (x1, y1, r1) in enumerate(circles):
        for x2, y2, r2 in circles[i + 1:]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= (r1 + r2) * 0.98, circles


def test_a_timeline_of_one_row_is_left_out(tmp_path):
    out = build(tmp_path, wbfactory.sheets(), memo("actor", 'actor = "moon-jae-in"'))
    html = page(out)
    assert "chart-timeline" not in html and "Timeline of" not in html
    _, text = word(out)
    assert "Figure 1" not in text


@pytest.mark.parametrize("name", ["Moon Jae-in (문재인)", "Abe Shinzo (安倍晋三)",
                                  "Kono Taro (ｺｳﾉ ﾀﾛｳ)", "Lee Nak-yon (李洛淵)"])
def test_a_native_name_starts_its_own_line_in_a_narrow_cell(name):
    """LibreOffice would break between "(" and the native name: in a narrow cell the
    break is put before the bracket; in a wide one the name stays on one line."""
    from reports.render.docx.tables import _fit_name

    latin, native = name.split(" (")
    assert _fit_name(name, 1400) == f"{latin}\n({native}"
    assert _fit_name(name, 9000) == name


@pytest.mark.parametrize("name", ["Liberal Democratic Party (LDP)", "Blue House (Seoul)",
                                  "Moon Jae-in", "(문재인)"])
def test_a_name_without_an_east_asian_native_name_is_left_as_it_is(name):
    from reports.render.docx.tables import _fit_name

    assert _fit_name(name, 1400) == name

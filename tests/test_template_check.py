"""Broken Word templates, through the command line (``reports.cli.main``, in this process:
a new interpreter proves nothing here): every malformed tag refused, by name and place
(HTML templates: test_template_check_html.py).

The templates are the default ``memo.docx`` with tags typed into the body, a table cell,
headers and footers (first-page, even-page), text boxes, footnotes and endnotes, each tag
split over runs the way Word stores an edited tag (``tplfactory``); one is re-saved by
LibreOffice. For each: ``validate --templates`` lists every problem at once (file, place,
tag, code), ``build`` and ``run`` exit 2 naming them, no memo is written and the files
already in the output folder keep their bytes and times.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
import realtools
from clitools import call
from tplfactory import (
    AS_OF,
    TEMPLATES,
    WordTemplate,
    build_earlier,
    copy_templates,
    found,
    snapshot,
    validate,
    write_config,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_earlier(tmp_path_factory.mktemp("built"))


def broken_setup(tmp_path: Path, built: Path) -> tuple[Path, WordTemplate]:
    """A templates copy to break, and a config whose output folder holds earlier memos."""
    shutil.copytree(built, tmp_path / "output")  # copy2: bytes and times kept
    return write_config(tmp_path, tmp_path / "templates"), WordTemplate(
        copy_templates(tmp_path / "templates"))


# --------------------------------------------------------------------------- clean


def test_the_default_templates_pass(tmp_path):
    config = write_config(tmp_path, TEMPLATES)
    assert validate(config) == (0, [])
    result = call("validate", "--templates", "--config", str(config))
    assert result.returncode == 0 and "no problems" in result.stdout


# --------------------------------------------------------------------------- Word: delimiters

DELIMITERS = [  # (code, where, tag as the editor sees it), placed by place() below
    ("unclosed-tag", "body paragraph 4", "{{ memo.subject"),
    ("unclosed-tag", "table 1, row 1, column 2", "{{ memo.to"),
    ("single-brace", "body paragraph 5", "{ memo.date }}"),
    ("single-brace", "table 1, row 3, column 2", "{{ memo.date }"),
    ("single-brace", "page footer, paragraph 3", "{{ memo.marking }"),
    ("single-brace", "text box in body paragraph 8", "{ memo.subject }}"),
    ("extra-brace", "body paragraph 6", "{{{ memo.date }}}"),
    ("extra-brace", "table 1, row 2, column 2", "{{ memo.from }}}"),
    ("stray-closer", "body paragraph 7", "memo.window }}"),
    ("stray-closer", "even-page footer, paragraph 2", "%}"),
    ("mismatched-delimiters", "first-page header, paragraph 2", "{% if memo.window }}"),
    ("mismatched-delimiters", "table 1, row 4, column 2", "{{ memo.subject %}"),
    ("unclosed-comment", "page header, paragraph 2", "{# check with legal"),
    ("single-brace", "footnote 1", "{{ memo.to }"),
    ("tag-not-filled", "endnote 1", "{{ memo.office }}"),
    ("single-brace", "alt text of a picture or shape in body paragraph 8", "{{ memo.subject }"),
    ("unclosed-tag", "document property Title (File > Info)", "{{ memo.subject"),
]


def place_delimiter_problems(t: WordTemplate) -> None:
    t.body("Re: ", "{{ me", "mo.subject")  # body paragraph 4
    t.cell(1, 2, "{{ memo", ".to")
    t.body("{", " memo.", "date }}")  # 5
    t.cell(3, 2, "{{ memo.date ", "}")
    t.header("Page ", "{{ memo.mar", "king }", footer=True)
    t.body("{", "{{ memo.date }", "}}")  # 6
    t.cell(2, 2, "{{ memo.from }}", "}")
    t.body("Covering ", "memo.window", " }}")  # 7
    t.text_box("{ memo.", "subject }}", alt="Subject: {{ memo.subject }")  # 8
    t.header("Draft %}", kind="even", footer=True)
    t.header("{% if memo.window }}", "draft{% endif %}", kind="first")
    t.cell(4, 2, "{{ memo.sub", "ject %", "}")
    t.header("{# check", " with legal")
    t.note("footnote", "See ", "{{ memo.to }")
    t.note("endnote", "{{ memo.office }}")
    t.doc.core_properties.title = "Memo: {{ memo.subject"


def test_every_delimiter_problem_is_listed_at_once_with_place_and_tag(tmp_path):
    t = WordTemplate(copy_templates(tmp_path / "templates"))
    place_delimiter_problems(t)
    t.save()
    config = write_config(tmp_path, tmp_path / "templates")
    code, problems = validate(config)
    assert code == 2
    for expected in DELIMITERS:
        assert found(problems, *expected), f"{expected} not in {json.dumps(problems, indent=1)}"
    assert len(problems) == len(DELIMITERS), json.dumps(problems, indent=1)
    assert all(p["template"] == str(t.path) and p["severity"] == "error" for p in problems)
    plain = call("validate", "--templates", "--config", str(config))
    assert plain.returncode == 2
    for p in problems:  # the plain listing: one line each, naming file, place and tag
        line = next(ln for ln in plain.stdout.splitlines() if f"{p['where']} [{p['code']}]" in ln)
        assert str(t.path) in line and p["tag"] in line
    said = f"{len(problems)} template problem" + ("s" if len(problems) != 1 else "")
    assert said in plain.stdout


# --------------------------------------------------------------------------- Word: tags

TAG_PROBLEMS = [
    ("smart-quote", "table 1, row 2, column 2", "{{ memo[\u201cfrom\u201d] }}"),
    ("smart-quote", "body paragraph 4", "{{ memo[\u2018to\u2019] }}"),
    ("smart-quote", "page header, paragraph 2", "{{ memo[\u201emarking\u201c] }}"),
    ("smart-quote", "body paragraph 5", "{{ memo[\u00abdate\u00bb] }}"),
    ("unknown-attribute", "table 1, row 4, column 2", "{{ memo.subjet }}"),
    ("unknown-attribute", "body paragraph 6", "{{ memo[\"classification\"] }}"),
    ("unknown-name", "body paragraph 7", "{{ subject }}"),
    ("unknown-name", "page footer, paragraph 3", "{{ marking }}"),
    ("unknown-filter", "body paragraph 8", "{{ memo.date | shout }}"),
    ("unknown-filter", "text box in body paragraph 9", "{{ memo.to | upper | bold }}"),
    ("unknown-test", "body paragraph 10", "{% if memo.window is recent %}"),
    ("syntax", "body paragraph 11", "{{ memo.date ) }}"),
    ("syntax", "table 1, row 3, column 2", "{{ memo..date }}"),
    ("stray-end", "even-page header, paragraph 2", "{% endif %}"),
    ("end-mismatch", "first-page footer, paragraph 2", "{% endfor %}"),
    ("unclosed-block", "first-page footer, paragraph 2", "{% if memo.window %}"),
]


def test_quotes_names_filters_syntax_and_blocks_are_listed_at_once(tmp_path):
    t = WordTemplate(copy_templates(tmp_path / "templates"))
    t.cell(2, 2, "{{ memo[", "\u201cfrom", "\u201d] }}")
    t.body("{{ memo[\u2018to\u2019] }}")  # 4
    t.header("{{ memo[\u201emarking\u201c] }}")
    t.body("{{ memo[\u00abdate\u00bb] }}")  # 5
    t.cell(4, 2, "{{ memo.sub", "jet }}")
    t.body('{{ memo["classification"] }}')  # 6
    t.body("{{ sub", "ject }}")  # 7
    t.header("{{ marking }}", footer=True)
    t.body("{{ memo.date | sh", "out }}")  # 8
    t.text_box("{{ memo.to | upper | bold }}")  # 9
    t.body("{% if memo.window is recent %}", "new", "{% endif %}")  # 10
    t.body("{{ memo.date ) }}")  # 11
    t.cell(3, 2, "{{ memo.", ".date }}")
    t.body("{% for k in memo.keywords %}", "{{ k }}")  # 12
    t.header("{% endif %}", kind="even")
    t.header("{% if memo.window %}", "{{ memo.window }}", "{% endfor %}", kind="first",
             footer=True)
    t.body("{% endfor %}", before_body=False)  # closes the for: {{p body }} is inside it
    t.save()
    code, problems = validate(write_config(tmp_path, tmp_path / "templates"))
    assert code == 2
    for expected in TAG_PROBLEMS:
        assert found(problems, *expected), f"{expected} not in {json.dumps(problems, indent=1)}"
    assert found(problems, "body-in-block", "body paragraph 13", "{{p body }}")
    by_tag = {p["tag"]: p["message"] for p in problems}
    assert 'type straight quotes (" or \')' in by_tag["{{ memo[\u201cfrom\u201d] }}"]
    assert "AutoCorrect" in by_tag["{{ memo[\u201cfrom\u201d] }}"]
    assert "memo.subject" in by_tag["{{ memo.subjet }}"]  # did you mean
    assert "type {{ memo.subject }}" in by_tag["{{ subject }}"]
    assert "type {% endif %}" in by_tag["{% if memo.window %}"]
    assert "{% for k in memo.keywords %}" not in by_tag  # closed after {{p body }}


# --------------------------------------------------------------------------- Word: body tag


def _body_twice(t):
    t.body("{{p body }}")


def _body_in(t, where):
    t.drop_body()
    {"cell": lambda: t.cell(2, 2, "{{p body }}"), "header": lambda: t.header("{{p body }}"),
     "box": lambda: t.text_box("{{p ", "body }}"), "inline": lambda: t.body("see {{p body }}"),
     "plain": lambda: t.body("{{ ", "body }}"), "none": lambda: t.body("The memo.")}[where]()


@pytest.mark.parametrize("edit, code, where", [
    (_body_twice, "body-repeated", "body paragraph 5"),
    (lambda t: _body_in(t, "cell"), "body-placement", "table 1, row 2, column 2"),
    (lambda t: _body_in(t, "header"), "body-placement", "page header, paragraph 2"),
    (lambda t: _body_in(t, "box"), "body-placement", "text box in body paragraph 4"),
    (lambda t: _body_in(t, "inline"), "body-not-alone", "body paragraph 4"),
    (lambda t: _body_in(t, "plain"), "body-tag", "body paragraph 4"),
    (lambda t: _body_in(t, "none"), "body-missing", "document body"),
    (lambda t: t.body("{{p memo.subject }}"), "paragraph-tag", "body paragraph 4"),
], ids=["twice", "cell", "header", "text-box", "inline", "no-p", "missing", "p-memo"])
def test_the_body_tag_exactly_once_alone_in_a_body_paragraph(tmp_path, edit, code, where):
    t = WordTemplate(copy_templates(tmp_path / "templates"))
    edit(t)
    t.save()
    status, problems = validate(write_config(tmp_path, tmp_path / "templates"))
    assert status == 2 and [(p["code"], p["where"]) for p in problems] == [(code, where)]
    assert "{{p body }}" in problems[0]["message"] or code == "paragraph-tag"


# --------------------------------------------------------------------------- build and run


BUILD_CASES = {  # name: (edit, where, tag shown)
    "unclosed-subject": (lambda t: t.cell(4, 2, "{{ memo.", "subject"),
                         "table 1, row 4, column 2", "{{ memo.subject"),
    "single-closing-brace": (lambda t: t.header("{{ memo.mar", "king }", footer=True),
                             "page footer, paragraph 3", "{{ memo.marking }"),
    "stray-closer": (lambda t: t.body("Dated ", "memo.date", " }}"), "body paragraph 4",
                     "memo.date }}"),
    "curly-quotes": (lambda t: t.cell(2, 2, "{{ memo[\u201cfrom\u201d] }}"),
                     "table 1, row 2, column 2", "{{ memo[\u201cfrom\u201d] }}"),
    "text-box": (lambda t: t.text_box("{", " memo.date }}"), "text box in body paragraph 4",
                 "{ memo.date }}"),
    "unknown-field": (lambda t: t.header("{{ memo.clasification }}", kind="first"),
                      "first-page header, paragraph 2", "{{ memo.clasification }}"),
}


@pytest.mark.parametrize("name", list(BUILD_CASES))
def test_build_refuses_a_broken_word_template_and_touches_nothing(tmp_path, built, name):
    edit, where, tag = BUILD_CASES[name]
    config, t = broken_setup(tmp_path, built)
    edit(t)
    t.save()
    before = snapshot(tmp_path / "output")
    result = call("build", "--kind", "weekly", "--as-of", AS_OF, "--config", str(config))
    assert result.returncode == 2, result.stderr
    line = next(ln for ln in result.stderr.splitlines() if where in ln)
    assert str(t.path) in line and tag in line and "type " in line
    assert "no memo was written" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(tmp_path / "output") == before
    assert not list((tmp_path / "output").rglob(f"*{AS_OF}*"))


def test_run_refuses_a_broken_template_and_the_next_run_builds(tmp_path):
    schedule = """[[memos]]
id = "weekly"
kind = "weekly"
title = "Weekly update"
formats = ["docx", "html"]
schedule = { cron = "0 7 * * MON", timezone = "Asia/Seoul" }
"""
    config = write_config(tmp_path, tmp_path / "templates", schedule)
    t = WordTemplate(copy_templates(tmp_path / "templates"))
    t.cell(4, 2, "{{ memo.subject")
    t.save()
    now = ["--now", "2019-11-25T07:05+09:00", "--config", str(config)]
    result = call("run", *now)
    assert result.returncode == 2, result.stderr
    assert "table 1, row 4, column 2" in result.stderr and "{{ memo.subject" in result.stderr
    assert not (tmp_path / "output").exists() or not list((tmp_path / "output").rglob("*.docx"))
    with sqlite3.connect(tmp_path / "ledger.sqlite") as db:
        assert [r[0] for r in db.execute("SELECT outcome FROM builds")] == ["failed"]
    shutil.copy2(TEMPLATES / "memo.docx", t.path)  # the desk head fixes the tag
    result = call("run", *now)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "output").rglob("weekly_2019-11-25.docx"))) == 1


# --------------------------------------------------------------------------- valid split tags


def test_valid_tags_split_over_runs_render(tmp_path):
    t = WordTemplate(copy_templates(tmp_path / "templates"))
    t.body("Dated ", "{", "{ memo.", "date }}", " for ", "{{ memo.of", "fice }}")
    t.cell(1, 2, "{{ ", "memo.to", " }", "}")
    t.header("Ref ", "{{ memo", ".id }}", footer=True)
    t.text_box("{{ memo.sub", "ject }}")
    t.body("{%p if memo.window %}")
    t.body("Window: ", "{{ memo.", "window }}")
    t.body("{%p endif %}")
    t.save()
    config = write_config(tmp_path, tmp_path / "templates")
    assert validate(config) == (0, [])
    result = call("build", "--kind", "weekly", "--as-of", AS_OF, "--config", str(config),
                  "--format", "docx")
    assert result.returncode == 0, result.stderr
    out = next((tmp_path / "output").rglob("*.docx"))
    with zipfile.ZipFile(out) as z:
        body = z.read("word/document.xml").decode()
        footers = "".join(z.read(n).decode() for n in z.namelist() if "footer" in n)
    text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", body))
    assert "Dated 29 November 2019 for " in text and "Window: 23 Nov 2019 to 29 Nov 2019" in text
    assert "Ref weekly" in "".join(re.findall(r">([^<]*)<", footers))
    assert "{{" not in text and "}}" not in text and "{%" not in text
    assert text.count("Weekly update") >= 2  # the subject, in the text box too


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.needs_tool("libreoffice")
def test_tags_are_seen_after_libreoffice_rewrites_the_runs(tmp_path):
    broken = WordTemplate(copy_templates(tmp_path / "broken"))
    broken.cell(4, 2, "{{ memo.", "subject")
    broken.body("Dated ", "{", " memo.", "date }}")
    broken.header("{{ memo.marking }", footer=True)
    broken.save()
    valid = WordTemplate(copy_templates(tmp_path / "valid"))
    valid.body("Dated ", "{{ memo.", "da", "te }}")
    valid.save()
    saved = tmp_path / "saved"
    shutil.copy(broken.path, tmp_path / "broken.docx")
    shutil.copy(valid.path, tmp_path / "valid.docx")
    for name in ("broken.docx", "valid.docx"):
        realtools.convert_with_libreoffice(tmp_path / name, "docx:MS Word 2007 XML", saved)
    shutil.copy(saved / "broken.docx", broken.path)
    shutil.copy(saved / "valid.docx", valid.path)
    code, problems = validate(write_config(tmp_path / "broken", tmp_path / "broken"))
    assert code == 2, problems
    assert {(p["code"], p["where"], p["tag"]) for p in problems} == {
        ("unclosed-tag", "table 1, row 4, column 2", "{{ memo.subject"),
        ("single-brace", "body paragraph 4", "{ memo.date }}"),
        ("single-brace", "page footer, paragraph 3", "{{ memo.marking }"),
    }
    config = write_config(tmp_path / "valid", tmp_path / "valid")
    assert validate(config) == (0, [])

"""Broken HTML templates, through the command line: each problem named by file and line.

Variants of memo.html, blocks.html, base.html and index.html in a copy of the templates
folder (``paths.templates`` in a temporary reports.toml): ``validate --templates`` lists
every problem at once, ``build`` exits 2 naming file, line and tag, writes no memo and
leaves the output folder as it was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import tplfactory as tf
from clitools import call
from tplfactory import break_html


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return tf.build_earlier(tmp_path_factory.mktemp("built"), "html")


HTML_EDITS = {  # file: [(text, broken text, code, tag shown)]
    "memo.html": [
        ("<h1>{{ memo.subject }}</h1>", "<h1>{{ memo.subject </h1>", "unclosed-tag",
         "{{ memo.subject </h1>"),
        ("<dd>{{ memo.to }}</dd>", "<dd>{ memo.to }}</dd>", "single-brace", "{ memo.to }}"),
        ("<dd>{{ memo.subject }}</dd>", "<dd>{{ memo.subjet }}</dd>", "unknown-attribute",
         "{{ memo.subjet }}"),
    ],
    "blocks.html": [
        ('<p class="note">{{ block.text | text }}', '<p class="note">{{ block.text | shout }}',
         "unknown-filter", "{{ block.text | shout }}"),
        ("</span>{{ cites(row) }}", "</span>{{ cite(row) }}", "unknown-name",
         "{{ cite(row) }}"),
        ("{{ stance_label(word) }}", "{{ stance_label(word) }}}", "extra-brace",
         "{{ stance_label(word) }}}"),
    ],
    "base.html": [
        ("<title>{{ page.title }}</title>", "<title>{{ memo.subject }}</title>", "unknown-name",
         "{{ memo.subject }}"),
        ("{% block colophon %}{% endblock %}", "{% block colophon %}", "unclosed-block",
         "{% block colophon %}"),
    ],
    "index.html": [
        ("{% if href %}", "{% if href }}", "mismatched-delimiters", "{% if href }}"),
        ("{{ e.as_of | display_date }}", "{{ e.as_of | display_date }", "single-brace",
         "{{ e.as_of | display_date }"),
    ],
}


def test_html_problems_name_file_and_line_all_at_once(tmp_path):
    folder = tf.copy_templates(tmp_path / "templates")
    config = tf.write_config(tmp_path, folder)
    expected = {name: break_html(folder, name, edits) for name, edits in HTML_EDITS.items()}
    code, problems = tf.validate(config)
    assert code == 2
    for name, items in expected.items():
        mine = [p for p in problems if p["template"] == str(folder / name)]
        for item in items:
            assert tf.found(mine, *item), f"{name}: {item} not in {json.dumps(mine, indent=1)}"
    assert len(problems) == sum(map(len, expected.values())), json.dumps(problems, indent=1)
    assert 'did you mean "cites"?' in next(p["message"] for p in problems
                                        if p["tag"] == "{{ cite(row) }}")


def test_missing_templates_are_named(tmp_path):
    folder = tf.copy_templates(tmp_path / "templates")
    (folder / "memo.docx").unlink()
    (folder / "blocks.html").unlink()
    code, problems = tf.validate(tf.write_config(tmp_path, folder))
    assert code == 2
    assert {(p["code"], Path(p["template"]).name, p["where"]) for p in problems} == {
        ("missing-template", "memo.docx", "the file"),
        ("missing-template", "blocks.html", "the file"),
        ("missing-template", "memo.html", "line 4")}  # {% import "blocks.html" as blocks %}
    assert sum("does not exist" in p["message"] for p in problems) == 2


@pytest.mark.parametrize("name", ["memo.html", "blocks.html", "base.html"])
def test_build_refuses_a_broken_html_template_and_touches_nothing(tmp_path, built, name):
    shutil.copytree(built, tmp_path / "output")
    folder = tf.copy_templates(tmp_path / "templates")
    config = tf.write_config(tmp_path, folder)
    [(code, line, tag)] = break_html(folder, name, HTML_EDITS[name][:1])
    before = tf.snapshot(tmp_path / "output")
    result = call("build", "--kind", "weekly", "--as-of", tf.AS_OF, "--config", str(config),
                  "--format", "html")
    assert result.returncode == 2, result.stderr
    assert f"{folder / name}, {line}: " in result.stderr and tag in result.stderr
    assert tf.snapshot(tmp_path / "output") == before

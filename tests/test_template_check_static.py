"""What the template check finds without a memo to fill in: the Word template's styles, and
in the HTML templates every branch, every scope and every macro call, also those the
bundled workbook never reaches.

Through the command line, on copies of the default templates: ``validate --templates``
lists each problem (file, place, tag, code), ``build`` stops with exit 2 before writing
anything (a missing style used to pass the check and fail the build with exit 4), and
templates edited validly still pass and build.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import docx
import pytest
import tplfactory as tf
from clitools import call
from docx.enum.style import WD_STYLE_TYPE
from tplfactory import break_html

from reports.render.docx.styles import STYLES

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- Word styles

def _drop(doc, name: str) -> None:
    element = doc.styles[name].element
    element.getparent().remove(element)


def _retype(doc, name: str, kind: WD_STYLE_TYPE) -> None:
    _drop(doc, name)
    doc.styles.add_style(name, kind)


def _rename(doc, name: str, new: str) -> None:
    doc.styles[name].name = new


STYLE_EDITS = [  # (edit, code, style as Word names it)
    (lambda d: _drop(d, "Memo Citation"), "missing-style", "Memo Citation"),
    (lambda d: _drop(d, "Memo Table"), "missing-style", "Memo Table"),
    (lambda d: _drop(d, "Heading 2"), "missing-style", "Heading 2"),
    (lambda d: _rename(d, "Memo Note", "Memo Notes"), "missing-style", "Memo Note"),
    (lambda d: _retype(d, "Memo Period", WD_STYLE_TYPE.CHARACTER), "wrong-style-type",
     "Memo Period"),
    (lambda d: _retype(d, "Hyperlink", WD_STYLE_TYPE.PARAGRAPH), "wrong-style-type",
     "Hyperlink"),
    (lambda d: _retype(d, "footnote reference", WD_STYLE_TYPE.PARAGRAPH), "wrong-style-type",
     "Footnote Reference"),  # one the memo can do without, but not as another kind
]


def restyled(folder: Path, *edits) -> Path:
    tf.copy_templates(folder)
    doc = docx.Document(folder / "memo.docx")
    for edit in edits:
        edit(doc)
    doc.save(folder / "memo.docx")
    return folder


@pytest.mark.parametrize(("edit", "code", "style"), STYLE_EDITS)
def test_a_style_the_memo_needs_is_named_when_missing_or_of_another_kind(tmp_path, edit, code,
                                                                          style):
    config = tf.write_config(tmp_path, restyled(tmp_path / "templates", edit))
    exit_code, problems = tf.validate(config)
    assert exit_code == 2
    assert [(p["code"], p["where"], p["tag"]) for p in problems] == [(code, "the styles", style)]
    message = problems[0]["message"]
    kind = {s.label: s.kind for s in STYLES}[style]
    assert f'"{style}"' in message and f"{kind} style" in message
    assert "make_templates.py --out" in message or code == "wrong-style-type"


def test_build_stops_on_a_missing_style_before_writing_anything(tmp_path):
    """Every style problem at once, exit 2 (usage), the output folder untouched."""
    folder = restyled(tmp_path / "templates", *(edit for edit, _, _ in STYLE_EDITS))
    config = tf.write_config(tmp_path, folder)
    result = call("build", "--kind", "weekly", "--as-of", tf.AS_OF, "--config", str(config),
                  "--format", "docx")
    assert result.returncode == 2, result.stderr
    assert "7 template problems" in result.stderr
    for _, code, style in STYLE_EDITS:
        assert f'"{style}"' in result.stderr and code in ("missing-style", "wrong-style-type")
    assert not (tmp_path / "output").exists()


def test_styles_the_memo_can_do_without_may_go(tmp_path):
    optional = [s.name for s in STYLES if not s.required]
    folder = restyled(tmp_path / "templates", *(lambda d, n=n: _drop(d, n) for n in optional))
    config = tf.write_config(tmp_path, folder)
    assert tf.validate(config) == (0, [])
    result = call("build", "--kind", "overview", "--as-of", tf.AS_OF, "--config", str(config),
                  "--format", "docx")
    assert result.returncode == 0, result.stderr


def _style_names_in_the_renderer() -> set[str]:
    """Every style name the Word renderer's code writes or looks up: string literals that
    are style names of the default template, and the f-strings "Heading {n}" and
    "toc {n}" for the levels it uses."""
    from reports.render.docx.toc import TOC_LEVELS, section_level
    from reports.render.style import WORD_LANGUAGE_STYLES

    template = {s.name for s in docx.Document(tf.TEMPLATES / "memo.docx").styles}
    found = set(WORD_LANGUAGE_STYLES.values())
    levels = {"Heading ": range(1, section_level({"level": 99}) + 1),
              "toc ": range(1, TOC_LEVELS + 1)}
    for path in sorted((ROOT / "reports" / "render" / "docx").glob("*.py")):
        if path.name == "styles.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in template:
                found.add(node.value)
            elif isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
                prefix = node.values[0].value
                found |= {f"{prefix}{n}" for n in levels.get(prefix, ())}
    return found


def test_the_list_of_styles_is_every_style_the_renderer_uses():
    assert {s.name for s in STYLES} == _style_names_in_the_renderer()


def test_no_message_advises_overwriting_a_restyled_template():
    """scripts/make_templates.py without --out writes templates/memo.docx over the
    desk's restyled copy: no message of the toolkit may tell staff to run it so."""
    pattern = re.compile(r"(run|`python) scripts/make_templates\.py(?!\s+--out)")
    found = []
    for path in sorted((ROOT / "reports").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) and \
                isinstance(node.value, str) else ""
            if pattern.search(text):
                found.append(f"{path.name}: {text}")
    assert found == []


# --------------------------------------------------------------------------- HTML scopes

SCOPE_EDITS = {  # file: [(text, new text, code, tag shown)]
    "blocks.html": [
        ('{{ cites(row) }}</td>\n</tr>\n{% endfor %}\n</tbody>\n</table>\n{% endmacro %}\n\n'
         "{% macro block_matrix", "{{ cites(row) }}</td>\n</tr>\n{% endfor %}{{ row.why }}\n"
         "</tbody>\n</table>\n{% endmacro %}\n\n{% macro block_matrix",
         "unknown-name", "{{ row.why }}"),  # a loop's variable after its loop
        ("<h{{ hlevel }} class=\"subheading\">{{ block.text }}",
         "<h{{ hlevel }} class=\"subheading\">{{ loop.index }}{{ block.text }}",
         "unknown-name", "{{ loop.index }}"),
        ('{% if row.get("portion") %}<span class="portion">{{ row.portion }}',
         '{% if row.get("portion") %}<span class="portion">{{ word }}',
         "unknown-name", "{{ word }}"),  # another macro's argument
        ('<td class="sig" data-label="Significance">{{ row.significance }}</td>',
         '<td class="sig" data-label="Significance">{{ row.significance | sig }}</td>',
         "unknown-filter", "{{ row.significance | sig }}"),
        ('<td class="event"><span class="text">{{ row.title | text }}</span>{{ cites(row) }}'
         '</td>', '<td class="event"><span class="text">{{ row.title | text }}</span>'
         '{{ cites(row, sec) }}</td>', "macro-arguments", "{{ cites(row, sec) }}"),
        ('{{ stance(h.stance, "stance-small") }} <span class="since">{{ h.date_display }}'
         '</span>{{ "; "', '{{ stance(h.stance, extra_clas="stance-small") }} <span '
         'class="since">{{ h.date_display }}</span>{{ "; "', "macro-arguments",
         '{{ stance(h.stance, extra_clas="stance-small") }}'),
        ("<dt>{{ portion(row) }}{{ row.label }}</dt>", "<dt>{{ portion() }}{{ row.label }}</dt>",
         "macro-arguments", "{{ portion() }}"),
        ('<td data-label="Change">{{ portion(row) }}<span class="status status-'
         '{{ row.change | html_id }}">',
         '{% if row.get("new") %}{% set mark = "*" %}{% endif %}<td data-label="Change">'
         '{{ mark }}{{ portion(row) }}<span class="status status-{{ row.change | html_id }}">',
         "maybe-undefined", "{{ mark }}"),  # a block only an edition after the first has
    ],
    "index.html": [
        ("{% endfor %}\n</td>", "{% endfor %}{{ href }}\n</td>", "unknown-name", "{{ href }}"),
    ],
}


def test_every_branch_and_scope_is_checked_without_data(tmp_path):
    folder = tf.copy_templates(tmp_path / "templates")
    expected = {name: break_html(folder, name, edits) for name, edits in SCOPE_EDITS.items()}
    code, problems = tf.validate(tf.write_config(tmp_path, folder))
    assert code == 2
    for name, items in expected.items():
        mine = [p for p in problems if p["template"] == str(folder / name)]
        for item in items:
            assert tf.found(mine, *item), f"{name}: {item} not in {json.dumps(mine, indent=1)}"
    assert len(problems) == sum(map(len, expected.values())), json.dumps(problems, indent=1)
    said = {p["tag"]: p["message"] for p in problems}
    wrong_keyword = said['{{ stance(h.stance, extra_clas="stance-small") }}']
    assert 'did you mean "extra_class"?' in wrong_keyword
    assert "takes 1 argument, this call gives 2" in said["{{ cites(row, sec) }}"]
    assert "without row" in said["{{ portion() }}"]
    assert "exists only inside a {% for %}" in said["{{ loop.index }}"]
    assert "ends before this tag" in said["{{ row.why }}"]


def test_a_block_macro_missing_or_taking_other_arguments_is_named(tmp_path):
    folder = tf.copy_templates(tmp_path / "templates")
    path = folder / "blocks.html"
    text = path.read_text(encoding="utf-8")
    start = text.index("{% macro block_changes")
    end = text.index("{% endmacro %}", start) + len("{% endmacro %}")
    text = text[:start] + text[end:]
    text = text.replace("{% macro block_note(block, memo, sec, hlevel, uid) %}",
                        "{% macro block_note(block) %}")
    path.write_text(text, encoding="utf-8")
    code, problems = tf.validate(tf.write_config(tmp_path, folder))
    assert code == 2
    got = {(Path(p["template"]).name, p["code"]): p for p in problems}
    assert set(got) == {("blocks.html", "missing-macro"), ("memo.html", "macro-arguments")}
    assert got["blocks.html", "missing-macro"]["tag"] == "block_changes"
    assert 'block_note(block) has no argument "memo"' in \
        got["memo.html", "macro-arguments"]["message"]


VALID_EDITS = {  # Jinja that renders: the check must not refuse it
    "blocks.html": [
        ('<td class="sig" data-label="Significance">{{ row.significance }}</td>',
         '{% if row.significance > 3 %}{% set big = "!" %}{% else %}{% set big = "" %}'
         '{% endif %}<td class="sig" data-label="Significance">'
         '{{ row.significance }}{{ big }}</td>'),
        ('{% macro wrap_open(uid) -%}', '{% macro wrap_open(uid, label="") -%}'),
        ("<dl class=\"facts\">\n{% for row in block.rows %}",
         "{% set ns = namespace(n=0) %}<dl class=\"facts\">\n{% for row in block.rows %}"
         "{% set ns.n = ns.n + 1 %}"),
        ("</dl>\n{% endmacro %}",
         "</dl>{{ ns.n }}{% for x in [] %}{{ x }}{% else %}{{ uid }}{% endfor %}\n"
         "{% endmacro %}"),
        ('<p class="note">{{ block.text | text }}</p>',
         '{% with shown = block.text | text %}<p class="note">{{ shown }}</p>{% endwith %}'),
    ],
    "index.html": [
        ('<p class="lede">', '{% set order2 = order %}<p class="lede">{{ order2 | length }} '),
    ],
}


def test_valid_scopes_pass_and_render(tmp_path):
    folder = tf.copy_templates(tmp_path / "templates")
    for name, edits in VALID_EDITS.items():
        path = folder / name
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    config = tf.write_config(tmp_path, folder)
    assert tf.validate(config) == (0, [])
    result = call("build", "--kind", "overview", "--as-of", tf.AS_OF, "--config", str(config),
                  "--format", "html")
    assert result.returncode == 0, result.stderr

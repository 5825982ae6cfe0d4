"""The project's own documentation says what the code does, and points nowhere outside it.

- docs/workbook.md documents every problem code the workbook checks can report, and no
  other;
- docs/templates.md every template problem code, and no other;
- docs/operations.md every configuration key the loader reads (with its default), every
  command and exit code;
- no file of the repository (README, docs, code, tests, scripts) names a path outside it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def documented_codes(doc: Path, heading: str = "") -> set[str]:
    """Codes in the first column of the doc's tables (rows starting "| `code` |"), in the
    section under ``heading`` when given."""
    text = doc.read_text(encoding="utf-8")
    if heading:
        text = text.split(heading, 1)[1].split("\n## ", 1)[0]
    codes = set()
    for line in text.splitlines():
        match = re.match(r"\|\s*((?:`[a-z0-9-]+`(?:,\s*)?)+)\s*\|", line)
        if match:
            codes |= set(re.findall(r"`([a-z0-9-]+)`", match.group(1)))
    return codes


def test_every_template_problem_code_is_documented_and_no_other():
    from reports.problems import TEMPLATE_CODES

    documented = documented_codes(DOCS / "templates.md", "## The template check")
    assert set(TEMPLATE_CODES) - documented == set(), "codes missing from docs/templates.md"
    assert documented - set(TEMPLATE_CODES) == set(), "docs/templates.md documents unknown codes"


def test_every_config_problem_code_is_documented_and_no_other():
    from reports.problems import CONFIG_CODES

    documented = documented_codes(DOCS / "operations.md", "### Problems in the configuration")
    assert set(CONFIG_CODES) - documented == set(), "codes missing from docs/operations.md"
    assert documented - set(CONFIG_CODES) == set(), "docs/operations.md documents unknown codes"


def test_every_problem_code_is_registered_where_it_is_raised():
    """Each code a checker names in the source is in the registry of what it checks."""
    from reports.problems import CODES, CONFIG_CODES, TEMPLATE_CODES

    def named(folder: str, pattern: str) -> set[str]:
        found = set()
        for path in (ROOT / "reports" / folder).rglob("*.py"):
            found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
        return found

    assert named("config", r'"([a-z]+(?:-[a-z]+)+)"\)') <= set(CONFIG_CODES)
    assert named("template_check", r'(?:add|on_tag)\("([a-z-]+)"') <= set(TEMPLATE_CODES)
    assert named("workbook", r'Invalid\("([a-z-]+)"') <= set(CODES)


def test_the_readme_links_every_doc_and_each_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("workbook.md", "memos.md", "operations.md", "templates.md"):
        assert (DOCS / name).is_file(), f"docs/{name} is missing"
        assert f"docs/{name}" in readme, f"the README does not link docs/{name}"


def test_nothing_points_outside_the_repository():
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r"\.\./shared|shared/(?:spec|seeds)")
    found = []
    for name in files:
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".toml", ".sh", ".html", ".css", ".txt") or \
                not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if outside.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)


def _key_rows(doc: Path) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in doc.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([a-z_\[\]<>.]+)`\s*\|([^|]+)\|([^|]+)\|", line)
        if match and "." in match.group(1):
            rows[match.group(1)] = (match.group(2).strip(), match.group(3).strip())
    return rows


def test_every_configuration_key_is_documented_with_its_type_and_default():
    from reports.config.keys import config_keys

    documented = _key_rows(DOCS / "operations.md")
    keys = {key: (kind, default) for key, kind, default in config_keys()}
    assert set(keys) - set(documented) == set(), "keys missing from docs/operations.md"
    assert set(documented) - set(keys) == set(), "docs/operations.md documents unknown keys"
    for key, (kind, default) in keys.items():
        doc_kind, doc_default = documented[key]
        assert doc_kind == kind, f"{key}: documented as {doc_kind!r}, the loader reads {kind!r}"
        if not key.startswith("budgets."):
            assert doc_default == default, f"{key}: documented default {doc_default!r}, " \
                                           f"the loader's {default!r}"


def test_every_command_and_exit_code_is_documented():
    from reports.cli.parser import parser
    from reports.errors import PRECEDENCE

    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    commands = parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert re.search(rf"^\| `{name}\b", text, re.M), f"command {name} is not documented"
    for code in range(6):
        assert re.search(rf"^\| {code} \|", text, re.M), f"exit code {code} is not documented"
    order = ", ".join(str(c) for c in PRECEDENCE)
    assert f"the first of {order} wins" in text


def test_every_workbook_problem_code_is_documented_and_no_other():
    from reports.problems import CODES

    documented = documented_codes(DOCS / "workbook.md", "## Problems")
    assert set(CODES) - documented == set(), "codes missing from docs/workbook.md"
    assert documented - set(CODES) == set(), "docs/workbook.md documents unknown codes"


def test_every_sheet_and_column_of_the_contract_is_documented():
    from reports.workbook import contract as schema

    text = (DOCS / "workbook.md").read_text(encoding="utf-8")
    for sheet in schema.ALL_SHEETS:
        part = text.split(f"### {sheet.name}\n", 1)
        assert len(part) == 2, f"docs/workbook.md has no section for {sheet.name}"
        section = part[1].split("\n### ", 1)[0]
        for column in sheet.columns:
            assert f"| `{column.name}` |" in section, f"{sheet.name}.{column.name}"


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The reports modules ``path`` imports, wherever in the file (lazy imports too).
    ``from reports.pkg import mod`` imports the module ``mod``; the package itself only when
    a name is not one of its modules (a name its ``__init__.py`` defines)."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {f"{node.module}.{a.name}" for a in node.names}
            found |= names if names <= modules else names | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found & modules


def test_the_package_has_no_import_circle_and_no_module_over_400_lines():
    """Every module of the package, in every folder (a package is its ``__init__.py``)."""
    files = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
             for p in sorted((ROOT / "reports").rglob("*.py"))}
    assert {"reports.render.docx.document", "reports.schedule.record"} <= set(files)
    graph = {name: _imports(path, set(files)) - {name} for name, path in files.items()}
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph[name]):
            assert state.get(dep) != 1, "import circle: " + " -> ".join(path + [dep])
            if dep not in state:
                visit(dep, path + [dep])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    long = {name: n for name, path in files.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}, f"modules over 400 lines: {long}"

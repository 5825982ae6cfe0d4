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


def documented_codes(doc: Path) -> set[str]:
    """Codes in the first column of the doc's tables: rows starting "| `code` |"."""
    codes = set()
    for line in doc.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*((?:`[a-z0-9-]+`(?:,\s*)?)+)\s*\|", line)
        if match:
            codes |= set(re.findall(r"`([a-z0-9-]+)`", match.group(1)))
    return codes


def test_every_template_problem_code_is_documented_and_no_other():
    from reports.render.template_problems import CODES

    documented = documented_codes(DOCS / "templates.md")
    assert set(CODES) - documented == set(), "codes missing from docs/templates.md"
    assert documented - set(CODES) == set(), "docs/templates.md documents unknown codes"


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

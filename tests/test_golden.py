"""Golden memo contexts: one readable JSON dump per memo kind, from the bundled workbook.

Regenerate after an intended change with:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from reports.config.load import adhoc_memo, load_config
from reports.memo.contents import build_context
from reports.memo.make import memo_spec
from reports.model.load import load

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
AS_OF = date(2019, 11, 29)
CASES = {
    "overview": adhoc_memo("overview", None, None, None),
    "weekly": adhoc_memo("weekly", None, None, 7),
    "issue": adhoc_memo("issue", "gsomia", None, None),
    "actor": adhoc_memo("actor", None, "moon-jae-in", None),
}


@pytest.fixture(scope="module")
def loaded():
    return load(ROOT / "workbook" / "gsomia_relations.xlsx")


@pytest.mark.parametrize("kind", sorted(CASES))
def test_context_matches_golden(loaded, kind):
    config = load_config(ROOT / "reports.toml")
    context = build_context(loaded.model, memo_spec(config, CASES[kind], AS_OF))
    text = json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path = GOLDEN / f"context_{kind}.json"
    before = path.read_text(encoding="utf-8") if path.exists() else None
    if os.environ.get("UPDATE_GOLDEN") and text != before:
        path.write_text(text, encoding="utf-8")  # then fail: the new file is not yet reviewed
        pytest.fail(f"{path.name} rewritten; review its diff, then run again without "
                    "UPDATE_GOLDEN")
    assert before is not None, f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert text == before, (
        f"context of {kind} differs from {path.name}; if intended, regenerate with "
        "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py")


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_template_check_knows_every_field_of_the_memo_block(loaded, kind):
    """The template check accepts exactly the memo.<field> names a context has: a field
    added to the memo block and not to the check would be refused in a template."""
    from reports.template_check.check import MEMO_KEYS

    config = load_config(ROOT / "reports.toml")
    context = build_context(loaded.model, memo_spec(config, CASES[kind], AS_OF))
    assert sorted(context["memo"]) == sorted(MEMO_KEYS)


def test_without_an_issued_edition_no_judgment_is_marked_as_changed(loaded):
    """A build with no issued edition before it (by hand, no run record) marks no change
    in judgment and names no edition that never was."""
    from reports.render.html import render_html

    config = load_config(ROOT / "reports.toml")
    for kind in CASES:
        context = build_context(loaded.model, memo_spec(config, CASES[kind], AS_OF))
        page = render_html(context, ROOT / "templates")
        assert "<del" not in page and "<ins" not in page, kind
        assert "since the edition of" not in page and 'class="change-caption"' not in page, kind

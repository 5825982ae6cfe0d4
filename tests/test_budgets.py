"""Briefs stay brief: every memo kind keeps its page budget and says what it left out.

Each memo kind is built from the command line, from the bundled workbook and from a
generated workbook far larger than a budget holds (bench/generate.py, 1,500 events),
and rendered by LibreOffice: the body (before the first annex) is within the kind's
page budget, the whole document within 30 pages, and every cut list says so in a line
that points to its annex. The benchmark (bench/run.py) checks the same at 5,000 and
50,000 events.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import realtools
from clitools import call

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from briefs import body_pages  # noqa: E402  (the benchmark counts pages the same way)

from reports.memo.kinds import DEFAULT_BUDGETS

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2019-11-29"
MAX_PAGES = 30


def _actor(workbook: Path) -> str:
    """The actor with the most events in ``workbook``."""
    from reports.model.load import load

    counts: dict[str, int] = {}
    for event in load(workbook).model.events:
        for actor in event.actors:
            counts[actor] = counts.get(actor, 0) + 1
    return max(counts, key=lambda a: (counts[a], a))


def _config(folder: Path, workbook: Path) -> Path:
    """A reports.toml with one memo of each kind (the kinds' default budgets)."""
    config = folder / "reports.toml"
    config.write_text(f"""[paths]
workbook = "{workbook}"
output = "{folder / 'out'}"
templates = "{ROOT / 'templates'}"

[[memos]]
id = "overview"
kind = "overview"

[[memos]]
id = "weekly"
kind = "weekly"

[[memos]]
id = "issue"
kind = "issue"
issue = "gsomia"

[[memos]]
id = "actor"
kind = "actor"
actor = "{_actor(workbook)}"
""", encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    big = tmp_path_factory.mktemp("wb") / "large.xlsx"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "1500", "--out",
                    str(big)], check=True, cwd=ROOT, timeout=120, capture_output=True)
    return {"bundled": ROOT / "workbook" / "gsomia_relations.xlsx", "large": big}


@pytest.fixture(scope="module")
def memos(workbooks, tmp_path_factory) -> dict[tuple[str, str], dict]:
    """(workbook, kind) -> {"docx", "html", "pdf": paths}, built by one `build` command per
    workbook; every PDF made in one LibreOffice run."""
    realtools.require("libreoffice", "pdftotext")
    found: dict[tuple[str, str], dict] = {}
    for name, workbook in workbooks.items():
        folder = tmp_path_factory.mktemp(name)
        done = call("-q", "build", "--config", str(_config(folder, workbook)), "--as-of", AS_OF,
                    "--format", "docx", "html")
        assert done.returncode == 0, done.stderr
        for kind in ("overview", "weekly", "issue", "actor"):
            memo = folder / "out" / kind / AS_OF
            found[(name, kind)] = {ext: memo / f"{kind}_{AS_OF}.{ext}" for ext in ("docx", "html")}
    pdfs = realtools.libreoffice_pdfs([f["docx"] for f in found.values()],
                                      tmp_path_factory.mktemp("pdf"))
    for files in found.values():
        files["pdf"] = pdfs[files["docx"]]
    return found


@pytest.mark.needs_tool("libreoffice", "pdftotext")
@pytest.mark.parametrize("workbook", ["bundled", "large"])
@pytest.mark.parametrize("kind", ["overview", "weekly", "issue", "actor"])
def test_body_keeps_its_page_budget(memos, workbook, kind):
    body, total = body_pages(memos[(workbook, kind)]["pdf"])
    budget = DEFAULT_BUDGETS[kind].page_budget
    assert body <= budget, f"{kind} from the {workbook} workbook: body of {body} pages " \
                           f"(budget {budget})"
    assert total <= MAX_PAGES, f"{kind} from the {workbook} workbook: {total} pages"


@pytest.mark.parametrize(("kind", "said"), [
    ("overview", r"8 most significant of [\d,]+ events up to 29 Nov 2019"),
    ("weekly", r"The matrix shows 8 of \d+ actors"),
    ("issue", r"5 most significant of [\d,]+ events on this issue"),
    ("actor", r"4 most significant of [\d,]+ events involving this actor")])
def test_what_was_left_out_is_said_and_points_to_its_annex(memos, kind, said):
    html = memos[("large", kind)]["html"].read_text(encoding="utf-8")
    lines = re.findall(r'<p class="note selection">(.*?)</p>', html, re.S)
    assert any(re.search(said, ln) for ln in lines), (kind, lines)
    for target in re.findall(r'href="#(sec-annex-[\w-]+)"', "".join(lines)):
        assert f'id="{target}"' in html, f"the selection line points to a missing {target}"
    assert len(html.encode()) < 2_000_000


def test_annexes_state_their_cap(memos):
    html = memos[("large", "overview")]["html"].read_text(encoding="utf-8")
    assert re.search(r"This annex lists the 200 most recent of [\d,]+ events\.", html)
    assert "in the workbook" not in html  # never a pointer to what the reader lacks


def test_the_bundled_overview_first_page_briefs_a_reader(memos):
    first = realtools.pdf_pages_text(memos[("bundled", "overview")]["pdf"])[0]
    for heading in ("Bottom line", "Where things stand", "What changed in the last 7 days"):
        assert heading in first, f"{heading!r} is not on the overview's first page"

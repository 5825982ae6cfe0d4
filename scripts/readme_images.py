"""Regenerate the README's pictures: page 1 of the weekly .docx, the weekly HTML page, and
the site's Workbook page (``serve``) showing a saved workbook's problems.

    .venv/bin/python scripts/readme_images.py

Builds the weekly memo as of 2019-11-25 from the bundled workbook into a temporary
folder with its PDF (as ``--format pdf`` makes it: LibreOffice's tagged PDF/A, the
contents with page numbers) and takes a Chromium screenshot of the HTML; then runs
``serve`` on the tests' small workbook with a mistyped date and a misspelt actor id,
signs in as a CONFIDENTIAL staff member and takes a screenshot of the Workbook page.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import realtools  # noqa: E402
import sitetools  # noqa: E402

from reports.config.load import load_config  # noqa: E402
from reports.pipeline import build  # noqa: E402


def main() -> None:
    config = load_config(ROOT / "reports.toml")
    with tempfile.TemporaryDirectory() as tmp:
        [memo] = build(config, [config.memo("weekly")], date(2019, 11, 25), out_dir=Path(tmp),
                       formats=["docx", "html", "pdf"]).outcomes
        pdf = memo.files["pdf"]
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(ROOT / "docs" / "weekly-docx-page1")], check=True)
        realtools.chromium_screenshot(memo.files["html"], ROOT / "docs" / "weekly-html.png",
                                      width=900, full_page=False)
    site_picture(ROOT / "docs" / "site-workbook.png")
    print("wrote docs/weekly-docx-page1.png, docs/weekly-html.png and docs/site-workbook.png")


def site_picture(png: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = sitetools.desk(Path(tmp))
        sitetools.marked(Path(tmp) / "wb" / "book.xlsx", open_error=True, near_miss=True)
        sitetools.add_users(config, {"kim": ("staff", "CONFIDENTIAL")})
        with sitetools.serving(config) as base:
            context = realtools._browser().new_context(viewport={"width": 1000, "height": 620})
            page = context.new_page()
            page.goto(f"{base}/signin?next=/workbook")
            page.fill("#name", "kim")
            page.fill("#password", sitetools.PASSWORD)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            page.screenshot(path=str(png))
            context.close()


if __name__ == "__main__":
    main()

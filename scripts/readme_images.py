"""Regenerate the README's pictures: page 1 of the weekly .docx, the weekly HTML page, the
site's Workbook page (``serve``) showing a saved workbook's problems, and a clearer's
page of a draft waiting for clearance.

    .venv/bin/python scripts/readme_images.py              # all of them
    .venv/bin/python scripts/readme_images.py clearance    # the clearance page only

Builds the weekly memo as of 2019-11-25 from the bundled workbook into a temporary
folder with its PDF (as ``--format pdf`` makes it: LibreOffice's tagged PDF/A, the
contents with page numbers) and takes a Chromium screenshot of the HTML; then runs
``serve`` on the tests' small workbook with a mistyped date and a misspelt actor id,
signs in as a CONFIDENTIAL staff member and takes a screenshot of the Workbook page; then
schedules the small workbook's weekly memo with a clearer, runs it on a Monday (a real
SMTP server on loopback takes the clearer's mail), signs in as that clearer and takes a
screenshot of the draft's page.
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


def main(argv: list[str]) -> None:
    if argv == ["clearance"]:
        clearance_picture(ROOT / "docs" / "site-clearance.png")
        print("wrote docs/site-clearance.png")
        return
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
    clearance_picture(ROOT / "docs" / "site-clearance.png")
    print("wrote docs/weekly-docx-page1.png, docs/weekly-html.png, docs/site-workbook.png and "
          "docs/site-clearance.png")


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


def clearance_picture(png: Path) -> None:
    from fixtures_mail import MailServer

    mail = MailServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = sitetools.desk(Path(tmp), smtp_port=mail.port,
                                    clearers={"weekly": ["head@example.org"]})
            sitetools.add_users(config, {"head": ("clearer", "UNCLASSIFIED",
                                                  "head@example.org")})
            assert sitetools.run_at(config) == 0
            with sitetools.serving(config) as base:
                context = realtools._browser().new_context(
                    viewport={"width": 1000, "height": 1450})
                page = context.new_page()
                page.goto(f"{base}/signin?next=/drafts/weekly/2019-11-25")
                page.fill("#name", "head")
                page.fill("#password", sitetools.PASSWORD)
                with page.expect_navigation():
                    page.keyboard.press("Enter")
                page.frame_locator("iframe.memo-frame").locator("h1").wait_for()
                page.screenshot(path=str(png))
                context.close()
    finally:
        mail.stop()


if __name__ == "__main__":
    main(sys.argv[1:])

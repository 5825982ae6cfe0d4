"""Regenerate the README's pictures: page 1 of the weekly .docx and the weekly HTML page.

    .venv/bin/python scripts/readme_images.py

Builds the weekly memo as of 2019-11-25 from the bundled workbook into a temporary
folder with its PDF (as ``--format pdf`` makes it: LibreOffice's tagged PDF/A, the
contents with page numbers) and takes a Chromium screenshot of the HTML.
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

from reports.config.load import load_config  # noqa: E402
from reports.pipeline import build  # noqa: E402


def main() -> None:
    config = load_config(ROOT / "reports.toml")
    with tempfile.TemporaryDirectory() as tmp:
        [memo] = build(config, [config.memo("weekly")], date(2019, 11, 25), out_dir=Path(tmp),
                       formats=["docx", "html", "pdf"])
        pdf = memo.files["pdf"]
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(ROOT / "docs" / "weekly-docx-page1")], check=True)
        realtools.chromium_screenshot(memo.files["html"], ROOT / "docs" / "weekly-html.png",
                                      width=900, full_page=False)
    print("wrote docs/weekly-docx-page1.png and docs/weekly-html.png")


if __name__ == "__main__":
    main()

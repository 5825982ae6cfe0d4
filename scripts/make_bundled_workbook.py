"""(Re)create the bundled workbook ``workbook/gsomia_relations.xlsx`` from extracted data.

The .xlsx is what staff maintain: they edit it in Excel or LibreOffice, and it is the
source of truth from then on. This script only creates it from the data extracted
from the source articles (``scripts/bundled_data.py``, a module defining ``SHEETS``:
sheet name -> list of records keyed by contract column names). Rerun it only if that
extraction changes, knowing that it replaces the workbook and so any edits made in it.

    python scripts/make_bundled_workbook.py [--out workbook/gsomia_relations.xlsx]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reports.workbook.excel import write_workbook  # noqa: E402

DATA = Path(__file__).resolve().with_name("bundled_data.py")
DEFAULT_OUT = ROOT / "workbook" / "gsomia_relations.xlsx"


def load_data(path: Path = DATA) -> dict[str, list[dict]]:
    """``SHEETS`` of the data module at ``path``, imported by path (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location("bundled_data", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sheets = getattr(module, "SHEETS", None)
    if not isinstance(sheets, dict):
        raise SystemExit(f"{path} defines no SHEETS dict (sheet name -> list of records)")
    return sheets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = DEFAULT_OUT.relative_to(ROOT)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where to write the workbook (default {default})")
    parser.add_argument("--data", type=Path, default=DATA, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.data.exists():
        parser.error(f"{args.data} does not exist; it holds the extracted data")
    sheets = load_data(args.data)
    path = write_workbook(args.out, sheets, overwrite=True)
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in sheets.items())
    print(f"wrote {path} ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The record types (reports/model/records.py) are written out for a type checker; this
keeps each one in step with the workbook contract: its fields, their order, types and
defaults. A column added to the contract fails here until its field is added."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date

import pytest

from reports.model import records
from reports.workbook import contract as schema

TYPES = {schema.DATE: date, schema.INT: int, schema.BOOL: bool, schema.REFS: tuple[str, ...]}


def expected_fields(sheet: schema.Sheet) -> list[tuple[str, object, object]]:
    """(name, type, default) of each field the contract asks for, in order."""
    out: list[tuple[str, object, object]] = []
    columns = sorted(sheet.columns, key=lambda c: not c.required)  # stable: contract order
    for col in columns:
        if col.kind == schema.MARKING:
            continue
        kind = TYPES.get(col.kind, str)
        if col.required:
            out.append((col.name, kind, dataclasses.MISSING))
            continue
        default = () if col.kind == schema.REFS else col.default
        out.append((col.name, kind if default is not None else kind | None, default))
    if any(c.kind == schema.MARKING for c in sheet.columns):
        out.append(("marking_rank", int, 0))
    return out


@pytest.mark.parametrize("sheet", schema.SHEETS, ids=[s.name for s in schema.SHEETS])
def test_each_record_type_has_the_contracts_fields_types_and_defaults(sheet):
    cls = records.RECORD_OF_SHEET[sheet.name]
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls)]
    assert [f.name for f in fields] == [n for n, _, _ in expected_fields(sheet)] + ["extra"]
    for field, (name, kind, default) in zip(fields, expected_fields(sheet), strict=False):
        assert hints[name] == kind, name
        assert field.default == default, name
    assert hints["extra"] == dict[str, str]
    assert cls.__dataclass_params__.frozen
    assert cls.__module__ == "reports.model.records"


def test_every_data_sheet_has_a_record_type_and_no_other():
    assert set(records.RECORD_OF_SHEET) == {s.name for s in schema.SHEETS}


def test_records_compare_by_value_not_by_their_extra_columns():
    a = records.Event("e1", date(2019, 11, 22), "T", "decision", extra={"note": "x"})
    b = records.Event("e1", date(2019, 11, 22), "T", "decision")
    assert a == b and hash(a) == hash(b)
    assert dataclasses.replace(a, significance=5).significance == 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.title = "changed"  # type: ignore[misc]


def test_a_source_shows_its_grade():
    assert records.Source("s", "O", "T", reliability="B", credibility="2").grade == "B2"
    assert records.Source("s", "O", "T").grade == ""

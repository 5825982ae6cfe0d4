"""TOML tables into typed dataclasses, by the dataclasses' own type hints.

:func:`fill` reads ``typing.get_type_hints`` of a dataclass and converts each key of a
table to its field's type: ``str``, ``int``, ``float``, ``bool``, ``Path``, ``Literal``
choices, ``list[...]``, ``X | None`` and nested dataclasses (sub-tables). It never stops
at the first problem: every wrong value is added to ``problems`` as a sentence naming
its key (``memos[2].window_days: expected a whole number, got "seven"``), and unknown keys
to ``unknown``, so the caller can report them all at once.

A field may carry ``metadata={"check": fn}``: ``fn(value)`` returns a sentence when the
value is wrong (a cron expression, a time zone, an address), else None; and
``metadata={"toml": False}`` for a field the loader fills itself (never from the file).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from pathlib import Path
from typing import Any, Literal

BAD = object()  # a value that did not convert (its problem is recorded)


@dataclasses.dataclass
class Checked:
    """What :func:`fill` found: every problem and every unknown key, with their keys."""

    problems: list[str] = dataclasses.field(default_factory=list)
    unknown: list[tuple[str, tuple[str, ...]]] = dataclasses.field(default_factory=list)
    base: Path = Path(".")  # relative paths are relative to this folder

    def add(self, key: str, message: str) -> object:
        self.problems.append(f"{key}: {message}")
        return BAD


@cache
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def toml_fields(cls: type) -> dict[str, dataclasses.Field]:
    """The fields of ``cls`` a TOML table may set."""
    return {f.name: f for f in dataclasses.fields(cls) if f.metadata.get("toml", True)}


def fill(cls: type, table: Any, key: str, checked: Checked, **given: Any) -> Any:
    """``cls`` built from ``table`` (BAD when ``table`` is not a table at all).

    Keys missing from the table keep the dataclass defaults; a required field that is
    missing is a problem. ``given`` are values the caller sets itself.
    """
    if not isinstance(table, dict):
        return checked.add(key, f"expected a table, got {_shown(table)}")
    known = toml_fields(cls)
    types_ = hints(cls)
    kwargs: dict[str, Any] = dict(given)
    ok = True
    for name, value in table.items():
        where = f"{key}.{name}" if key else name
        if name not in known:
            checked.unknown.append((where, tuple(known)))
            continue
        converted = convert(value, types_[name], where, checked)
        check = known[name].metadata.get("check")
        if converted is not BAD and check is not None:
            message = check(converted)
            if message:
                converted = checked.add(where, message)
        if converted is BAD:
            ok = False
        else:
            kwargs[name] = converted
    for name, f in known.items():
        if name not in kwargs and name not in table and f.default is dataclasses.MISSING and \
                f.default_factory is dataclasses.MISSING:
            checked.add(f"{key}.{name}" if key else name, "is required and missing")
            ok = False
    return cls(**kwargs) if ok else BAD


def convert(value: Any, hint: Any, key: str, checked: Checked) -> Any:
    """``value`` as type ``hint``, or BAD with the problem recorded."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [h for h in typing.get_args(hint) if h is not type(None)]
        if len(options) == 1:
            return convert(value, options[0], key, checked)
        for option in options:  # e.g. str | list[str]: the first that fits
            trial = Checked(base=checked.base)
            converted = convert(value, option, key, trial)
            if converted is not BAD:
                checked.unknown += trial.unknown
                return converted
        return checked.add(key, f"expected {describe(hint)}, got {_shown(value)}")
    if origin is Literal:
        choices = typing.get_args(hint)
        if value in choices:
            return value
        return checked.add(key, f"{_shown(value)} is not one of: "
                           + ", ".join(str(c) for c in choices))
    if origin in (list, tuple):
        if not isinstance(value, list):
            return checked.add(key, f"expected a list, got {_shown(value)}")
        (item,) = typing.get_args(hint)[:1]
        items = [convert(v, item, f"{key}[{i}]", checked) for i, v in enumerate(value)]
        if any(v is BAD for v in items):
            return BAD
        return items if origin is list else tuple(items)
    if dataclasses.is_dataclass(hint):
        return fill(hint, value, key, checked)
    return _scalar(value, hint, key, checked)


def _scalar(value: Any, hint: Any, key: str, checked: Checked) -> Any:
    if hint is bool:
        if isinstance(value, bool):
            return value
        return checked.add(key, f"expected true or false, got {_shown(value)}")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return checked.add(key, f"expected a whole number, got {_shown(value)}")
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return checked.add(key, f"expected a number, got {_shown(value)}")
    if hint is str:
        if isinstance(value, str):
            return value
        return checked.add(key, f"expected text, got {_shown(value)}")
    if hint is Path:
        if isinstance(value, str) and value.strip():
            path = Path(value).expanduser()
            return path if path.is_absolute() else checked.base / path
        return checked.add(key, f"expected a path (text), got {_shown(value)}")
    raise TypeError(f"typed.fill cannot convert to {hint!r} ({key})")  # a bug, not input


def describe(hint: Any) -> str:
    """A type in words, as messages and the documentation say it."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe(h) for h in typing.get_args(hint)
                           if h is not type(None))
    if origin is Literal:
        return "one of: " + ", ".join(str(c) for c in typing.get_args(hint))
    if origin in (list, tuple):
        item = describe(typing.get_args(hint)[0])
        return f"a list of {item.removeprefix('a ').removeprefix('one of: ')}"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text",
            Path: "a path"}.get(hint, "a table")


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)

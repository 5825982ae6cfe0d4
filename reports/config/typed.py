"""TOML tables into typed dataclasses, by the dataclasses' own type hints.

:func:`fill` reads ``typing.get_type_hints`` of a dataclass and converts each key of a
table to its field's type: ``str``, ``int``, ``float``, ``bool``, ``Path``, ``Literal``
choices, ``list[...]``, ``X | None`` and nested dataclasses (sub-tables). It never stops
at the first problem: every wrong value, and every key the dataclass does not have, is a
:class:`reports.problems.Problem` naming its key (``memos[2].window_days: expected a whole
number, got "seven"``; ``memos[0].shedule: unknown key (did you mean "schedule"?)``),
collected in a :class:`Checked`, so the caller reports them all at once. No key is ever
ignored: it takes effect or it is refused.

A field may carry ``metadata=check(fn, code)``: ``fn(value)`` returns a sentence when the
value is wrong (a cron expression, a time zone, an address), else None; ``code`` is the
problem's code (``reports.problems.CONFIG_CODES``); with ``normal=...``, a value that
passes is stored as that function gives it (an address with its domain in ASCII). And
``metadata={"toml": False}`` marks a field the loader fills itself (never from the file).
A dataclass may name keys it no longer has in a ``REMOVED`` class variable (key -> what to
do instead): such a key is refused with that advice.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

from reports.problems import Problem, Report
from reports.text import closest

BAD: Any = object()  # a value that did not convert (its problem is recorded)

Check = Callable[[Any], "str | None"]


def check(fn: Check, code: str = "bad-value", *, normal: Callable[[Any], Any] | None = None,
          each: bool = False) -> dict[str, Any]:
    """A field's metadata: the check its value must pass, and the problem code if not;
    ``each``: the check (and ``normal``) applies to each item of a list, named by its index."""
    return {"check": fn, "code": code, "normal": normal, "each": each}


@dataclasses.dataclass
class Checked:
    """Every problem :func:`fill` and the loader find, each naming its key."""

    base: Path = Path(".")  # relative paths are relative to this folder
    file: str | None = None  # the config file, named by each problem
    report: Report = dataclasses.field(default_factory=Report)

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    def add(self, key: str, message: str, code: str = "bad-value") -> Any:
        """Note a problem with ``key``; returns BAD, for a value that did not convert."""
        self.report.add(Problem.in_config(self.file, key, code, message))
        return BAD

    def unknown(self, key: str, known: Iterable[str], what: str = "key") -> None:
        """``key`` is not one of ``known``: refused, with the known one most likely meant."""
        names = list(known)
        name = key.rsplit(".", 1)[-1]
        close = closest(name, names)
        hint = f' (did you mean "{close}"?)' if close else \
            f"; the {what}s here are: {', '.join(names)}"
        self.add(key, f"unknown {what}{hint}", "unknown-key")


@cache
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def toml_fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The fields of ``cls`` a TOML table may set."""
    return {f.name: f for f in dataclasses.fields(cls) if f.metadata.get("toml", True)}


def fill(cls: type, table: Any, key: str, checked: Checked, *, elsewhere: Iterable[str] = (),
         **given: Any) -> Any:
    """``cls`` built from ``table`` (BAD when ``table`` is not a table, or a value is wrong).

    Keys missing from the table keep the dataclass defaults; a required field that is
    missing is a problem, and so is a key ``cls`` does not have, unless it is one of
    ``elsewhere`` (read by the caller into another dataclass). ``given`` are values the
    caller sets itself.
    """
    if not isinstance(table, dict):
        return checked.add(key, f"expected a table, got {_shown(table)}", "wrong-type")
    known = toml_fields(cls)
    other = tuple(elsewhere)
    removed: Mapping[str, str] = getattr(cls, "REMOVED", {})
    types_ = hints(cls)
    kwargs: dict[str, Any] = dict(given)
    ok = True
    for name, value in table.items():
        where = f"{key}.{name}" if key else name
        if name in other:
            continue
        if name not in known:
            if name in removed:  # refused; the table is read without it (no more problems)
                checked.add(where, removed[name], "removed-key")
            else:
                checked.unknown(where, [*known, *other])
            continue
        converted = convert(value, types_[name], where, checked)
        meta = known[name].metadata
        if converted is not BAD and meta.get("check") is not None:
            if meta.get("each"):
                items = [_checked(v, meta, f"{where}[{i}]", checked)
                         for i, v in enumerate(converted)]
                converted = BAD if any(v is BAD for v in items) else items
            else:
                converted = _checked(converted, meta, where, checked)
        if converted is BAD:
            ok = False
        else:
            kwargs[name] = converted
    for name, f in known.items():
        if name not in kwargs and name not in table and f.default is dataclasses.MISSING and \
                f.default_factory is dataclasses.MISSING:
            checked.add(f"{key}.{name}" if key else name, "is required and missing",
                        "missing-key")
            ok = False
    return cls(**kwargs) if ok else BAD


def _checked(value: Any, meta: Mapping[str, Any], key: str, checked: Checked) -> Any:
    """``value`` if it passes its field's check (as its ``normal`` gives it), else BAD."""
    message = meta["check"](value)
    if message:
        return checked.add(key, message, meta.get("code") or "bad-value")
    return meta["normal"](value) if meta.get("normal") is not None else value


def convert(value: Any, hint: Any, key: str, checked: Checked) -> Any:
    """``value`` as type ``hint``, or BAD with the problem recorded."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [h for h in typing.get_args(hint) if h is not type(None)]
        if len(options) == 1:
            return convert(value, options[0], key, checked)
        for option in options:  # e.g. str | list[str]: the first that fits
            trial = Checked(base=checked.base, file=checked.file)
            converted = convert(value, option, key, trial)
            if converted is not BAD:
                checked.report.extend(trial.problems)
                return converted
        return checked.add(key, f"expected {describe(hint)}, got {_shown(value)}",
                           "wrong-type")
    if origin is Literal:
        choices = typing.get_args(hint)
        if value in choices:
            return value
        hint_text = ""
        if isinstance(value, str):
            close = closest(value, [str(c) for c in choices])
            hint_text = f' (did you mean "{close}"?)' if close else ""
        return checked.add(key, f"{_shown(value)} is not one of: "
                           + ", ".join(str(c) for c in choices) + hint_text, "bad-choice")
    if origin in (list, tuple):
        if not isinstance(value, list):
            return checked.add(key, f"expected a list, got {_shown(value)}", "wrong-type")
        (item,) = typing.get_args(hint)[:1]
        items = [convert(v, item, f"{key}[{i}]", checked) for i, v in enumerate(value)]
        if any(v is BAD for v in items):
            return BAD
        return items if origin is list else tuple(items)
    if dataclasses.is_dataclass(hint):
        return fill(typing.cast(type, hint), value, key, checked)
    return _scalar(value, hint, key, checked)


def _scalar(value: Any, hint: Any, key: str, checked: Checked) -> Any:
    if hint is bool:
        if isinstance(value, bool):
            return value
        return checked.add(key, f"expected true or false, got {_shown(value)}", "wrong-type")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return checked.add(key, f"expected a whole number, got {_shown(value)}", "wrong-type")
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return checked.add(key, f"expected a number, got {_shown(value)}", "wrong-type")
    if hint is str:
        if isinstance(value, str):
            return value
        return checked.add(key, f"expected text, got {_shown(value)}", "wrong-type")
    if hint is Path:
        if isinstance(value, str) and value.strip():
            path = Path(value).expanduser()
            return path if path.is_absolute() else checked.base / path
        return checked.add(key, f"expected a path (text), got {_shown(value)}", "wrong-type")
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
    words: dict[Any, str] = {bool: "true or false", int: "a whole number", float: "a number",
                             str: "text", Path: "a path"}
    return words.get(hint, "a table")


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)

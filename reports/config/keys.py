"""Every key ``reports.toml`` may hold, with its type and default, for the documentation
(``docs/operations.md`` lists them; a test keeps the two the same)."""

from __future__ import annotations

from dataclasses import MISSING
from pathlib import Path
from typing import Any

from reports.config.load import MemoConfig
from reports.config.tables import (
    BudgetSettings,
    DeliverySettings,
    Desk,
    MarkingsSettings,
    PathSettings,
    Recipient,
    Schedule,
    Smtp,
)
from reports.config.typed import describe, hints, toml_fields
from reports.site.settings import SiteSettings


def config_keys() -> list[tuple[str, str, str]]:
    """Every key ``reports.toml`` may hold: (key, type, default), for the documentation."""
    tables = [("paths", PathSettings), ("desk", Desk), ("markings", MarkingsSettings),
              ("smtp", Smtp), ("delivery", DeliverySettings),
              ("budgets.<kind>", BudgetSettings), ("memos[]", MemoConfig),
              ("memos[]", BudgetSettings), ("memos[].schedule", Schedule),
              ("memos[].recipients[]", Recipient), ("site", SiteSettings)]
    out = []
    for table, cls in tables:
        types_ = hints(cls)
        for name, f in toml_fields(cls).items():
            if f.default is not MISSING:
                default = f.default
            elif f.default_factory is not MISSING:
                default = f.default_factory()
            else:
                default = "(required)"
            if cls is BudgetSettings:
                default = "[budgets.<kind>]" if table == "memos[]" else "the kind's default"
            out.append((f"{table}.{name}", describe(types_[name]), _default_text(default)))
    return out


def _default_text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and value != "(required)" and not value.startswith("["):
        return f'"{value}"'
    return str(value)

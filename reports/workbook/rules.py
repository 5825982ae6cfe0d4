"""The desk's own rules a workbook is checked against (from ``reports.toml``)."""

from __future__ import annotations

from dataclasses import dataclass

from reports import tradecraft

DEFAULT_MARKING = "UNCLASSIFIED"


@dataclass(frozen=True)
class Rules:
    """The desk's marking levels and likelihood yardstick."""

    markings: tradecraft.Markings = tradecraft.Markings.single(DEFAULT_MARKING)
    yardstick: tradecraft.Yardstick = tradecraft.YARDSTICKS[tradecraft.DEFAULT_YARDSTICK]

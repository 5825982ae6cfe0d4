"""The tables of ``reports.toml`` as typed dataclasses, and the checks their values pass.

:mod:`reports.config.load` loads the file into these (by their type hints, see
:mod:`reports.config.typed`); a field's ``metadata={"check": fn}`` is a check ``fn(value)``
returning what is wrong, or None. Page budgets: :class:`reports.memo.kinds.Budget` per memo
kind by default, overridden by ``[budgets.<kind>]`` (:class:`BudgetSettings`) and then by
the same keys in a ``[[memos]]`` table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from reports import tradecraft
from reports.memo.kinds import Budget
from reports.text import CHINESE, JAPANESE, KOREAN, is_email
from reports.tradecraft import grade_parts

DEFAULT_WORKBOOK = "workbook/gsomia_relations.xlsx"
MEMO_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

YardstickKey = Literal[tuple(tradecraft.YARDSTICKS)]
EastAsianLang = Literal[KOREAN, JAPANESE, CHINESE]


# -- checks a value must pass (each returns what is wrong, or None) -----------------------

def wrong_address(value: str) -> str | None:
    return None if is_email(value) else f'"{value}" is not an email address'


def wrong_addresses(values: list[str]) -> str | None:
    bad = [v for v in values if not is_email(v)]
    return f"not email addresses: {', '.join(bad)}" if bad else None


def wrong_zone(value: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f'unknown time zone "{value}"; use a name such as "Asia/Seoul" or "UTC"'
    return None


def wrong_cron(value: str) -> str | None:
    from croniter import croniter

    if croniter.is_valid(value):
        return None
    return f'"{value}" is not a valid cron expression (e.g. "0 7 * * MON")'


def at_least(low: float):
    return lambda value: None if value >= low else f"must be at least {low:g}"


def wrong_grade(value: str) -> str | None:
    try:
        grade_parts(value)
    except ValueError as exc:
        return str(exc)
    return None


def wrong_url(value: str) -> str | None:
    from reports.text import is_http_url

    if is_http_url(value):
        return None
    return f'"{value}" is not an http or https address (e.g. "https://intranet.example.org/briefings/")'


def wrong_memo_id(value: str) -> str | None:
    if MEMO_ID_RE.match(value):
        return None
    return f'"{value}" is not a valid memo id (lower-case letters, digits and -)'


def check(fn) -> Any:
    return {"check": fn}


# -- page budgets (issue 10) ----------------------------------------------------------------

@dataclass
class BudgetSettings:
    """``[budgets.<kind>]`` or the same keys in a ``[[memos]]`` table: each optional."""

    page_budget: int | None = field(default=None, metadata=check(at_least(1)))
    max_events: int | None = field(default=None, metadata=check(at_least(1)))
    max_actors: int | None = field(default=None, metadata=check(at_least(1)))
    max_issues: int | None = field(default=None, metadata=check(at_least(1)))
    max_shifts: int | None = field(default=None, metadata=check(at_least(1)))
    max_outlook: int | None = field(default=None, metadata=check(at_least(1)))
    max_assessments: int | None = field(default=None, metadata=check(at_least(1)))
    annex_rows: int | None = field(default=None, metadata=check(at_least(1)))

    def over(self, budget: Budget) -> Budget:
        """``budget`` with the values given here put over it."""
        given = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(budget, **{k: v for k, v in given.items() if v is not None})


BUDGET_KEYS = tuple(f.name for f in fields(BudgetSettings))


# -- the tables -----------------------------------------------------------------------------

@dataclass
class Recipient:
    email: str = field(metadata=check(wrong_address))
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or self.email


@dataclass
class Schedule:
    cron: str = field(metadata=check(wrong_cron))
    timezone: str | None = field(default=None, metadata=check(wrong_zone))  # default: desk's


@dataclass
class Desk:
    office: str = "Briefing desk"
    author: str = ""
    marking: str = "UNCLASSIFIED"  # the one level when there is no [markings] table
    to: str = ""
    sender: str = ""
    lang: str = "en"
    editors: list[str] = field(default_factory=list, metadata=check(wrong_addresses))
    timezone: str | None = field(default=None, metadata=check(wrong_zone))
    yardstick: YardstickKey = tradecraft.DEFAULT_YARDSTICK
    min_grade: str = field(default="", metadata=check(wrong_grade))
    east_asian_lang: EastAsianLang = KOREAN


@dataclass
class MarkingsSettings:
    levels: list[str] = field(default_factory=list)  # lowest first
    portions: list[str] = field(default_factory=list)  # e.g. ["U", "C", "S"], same order
    default: str = ""  # default: [desk] marking when it is a level, else the lowest
    portion_marks: bool = False


@dataclass
class Smtp:
    host: str = "localhost"
    port: int = field(default=25, metadata=check(
        lambda v: None if 0 < v < 65536 else "must be a port number, 1 to 65535"))
    security: Literal["none", "starttls", "tls"] = "none"
    username_env: str = "REPORTS_SMTP_USER"
    password_env: str = "REPORTS_SMTP_PASSWORD"
    sender: str = field(default="reports@localhost", metadata=check(wrong_address))
    timeout: float = field(default=30.0, metadata=check(at_least(1)))


@dataclass
class DeliverySettings:
    max_attempts: int = field(default=5, metadata=check(at_least(1)))
    backoff_minutes: float = field(default=5.0, metadata=check(at_least(0)))  # doubled
    drop_folder: Path | None = None  # a folder per level below it when there are several
    outbox: Path = Path("outbox")  # --dry-run messages, beside the config
    operator: str | None = field(default=None, metadata=check(wrong_address))
    # the intranet address of the published output folder: the mail links to the HTML copy
    published_url: str | None = field(default=None, metadata=check(wrong_url))


@dataclass
class PathSettings:
    workbook: Path = Path(DEFAULT_WORKBOOK)
    output: Path = Path("output")
    templates: Path = Path("templates")
    run_record: Path = Path("run-record.sqlite")  # beside the config, not published
    ledger: Path | None = None  # the old name of run_record, still read
    cache: Path = Path(".cache")  # charts kept between runs, beside the config
    log_file: Path = Path("reports.log")  # the log of run, send and ack

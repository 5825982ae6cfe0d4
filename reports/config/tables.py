"""The tables of ``reports.toml`` as typed dataclasses, and the checks their values pass.

:mod:`reports.config.load` loads the file into these (by their type hints, see
:mod:`reports.config.typed`); a field's ``metadata=check(fn, code)`` is a check ``fn(value)``
returning what is wrong, or None. Budgets: :class:`reports.memo.kinds.Budget` per memo
kind by default, overridden by ``[budgets.<kind>]`` (:class:`BudgetSettings`) and then by
the same keys in a ``[[memos]]`` table. Email addresses are read by
:func:`reports.delivery.addresses.mail_address`, the parser mail is sent with.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from reports import tradecraft
from reports.config.typed import check
from reports.delivery.addresses import address_problem, display_name, mail_address
from reports.memo.kinds import Budget
from reports.text import CHINESE, JAPANESE, KOREAN
from reports.tradecraft import grade_parts

DEFAULT_WORKBOOK = "workbook/gsomia_relations.xlsx"
MEMO_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

if TYPE_CHECKING:  # choices made from data: a Literal to the loader, text to mypy
    YardstickKey = str
    EastAsianLang = str
else:
    YardstickKey = Literal[tuple(tradecraft.YARDSTICKS)]
    EastAsianLang = Literal[KOREAN, JAPANESE, CHINESE]


# -- checks a value must pass (each returns what is wrong, or None) -----------------------

def wrong_address(value: str) -> str | None:
    return address_problem(value)


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


def at_least(low: float) -> Callable[[float], str | None]:
    return lambda value: None if value >= low else f"must be at least {low:g}"


def wrong_port(value: int) -> str | None:
    return None if 0 < value < 65536 else "must be a port number, 1 to 65535"


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


# -- budgets ----------------------------------------------------------------------------------

POSITIVE = check(at_least(1), "out-of-range")

PAGE_BUDGET_GONE = (
    "page_budget is no longer a setting (nothing read it): each kind's page budget is fixed "
    "(docs/memos.md) and held by its max_* keys, which the tests check by laying every kind "
    "out in LibreOffice; delete the key, and lower max_events, max_issues, max_actors, "
    "max_shifts, max_outlook or max_assessments for a shorter body")


@dataclass
class BudgetSettings:
    """``[budgets.<kind>]`` or the same keys in a ``[[memos]]`` table: each optional."""

    REMOVED: ClassVar[dict[str, str]] = {"page_budget": PAGE_BUDGET_GONE}

    max_events: int | None = field(default=None, metadata=POSITIVE)
    max_actors: int | None = field(default=None, metadata=POSITIVE)
    max_issues: int | None = field(default=None, metadata=POSITIVE)
    max_shifts: int | None = field(default=None, metadata=POSITIVE)
    max_outlook: int | None = field(default=None, metadata=POSITIVE)
    max_assessments: int | None = field(default=None, metadata=POSITIVE)
    annex_rows: int | None = field(default=None, metadata=POSITIVE)

    def over(self, budget: Budget) -> Budget:
        """``budget`` with the values given here put over it."""
        given = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(budget, **{k: v for k, v in given.items() if v is not None})


BUDGET_KEYS: tuple[str, ...] = tuple(f.name for f in fields(BudgetSettings))


# -- the tables -----------------------------------------------------------------------------

ADDRESS = check(wrong_address, "bad-address", normal=mail_address)
ADDRESSES = check(wrong_address, "bad-address", normal=mail_address, each=True)


@dataclass
class Recipient:
    email: str = field(metadata=ADDRESS)
    name: str = ""

    def __post_init__(self) -> None:
        self.name = display_name(self.name) or self.email


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
    editors: list[str] = field(default_factory=list, metadata=ADDRESSES)
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
    port: int = field(default=25, metadata=check(wrong_port, "out-of-range"))
    security: Literal["none", "starttls", "tls"] = "none"
    username_env: str = "REPORTS_SMTP_USER"
    password_env: str = "REPORTS_SMTP_PASSWORD"
    sender: str = field(default="reports@localhost", metadata=ADDRESS)
    timeout: float = field(default=30.0, metadata=check(at_least(1), "out-of-range"))


@dataclass
class DeliverySettings:
    max_attempts: int = field(default=5, metadata=POSITIVE)
    backoff_minutes: float = field(default=5.0, metadata=check(at_least(0), "out-of-range"))
    drop_folder: Path | None = None  # a folder per level below it when there are several
    outbox: Path = Path("outbox")  # --dry-run messages, beside the config
    operator: str | None = field(default=None, metadata=ADDRESS)
    # the intranet address of the published output folder: the mail links to the HTML copy
    published_url: str | None = field(default=None, metadata=check(wrong_url))


def packaged_templates() -> Path:
    """The default templates the toolkit carries: in an installed wheel,
    ``reports/render/default_templates`` (the repository's ``templates/``, copied there
    when the wheel is built: setup.py); in a checkout of the repository, ``templates/``."""
    here = Path(__file__).resolve().parents[1]  # reports/
    packaged = here / "render" / "default_templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


def templates_beside(beside: Path, *, warn: bool = True) -> Path:
    """``[paths] templates`` when the config does not set it: the desk's own copy beside
    the config when there is one, else the templates the toolkit carries. A folder the
    config names is used as named (a missing one fails the template check). ``warn``:
    say so as a warning (a config file that names no templates), else in the debug log
    (no config file at all)."""
    if beside.is_dir():
        return beside
    packaged = packaged_templates()
    if not warn:
        logging.getLogger("reports.config").debug("using the default templates %s", packaged)
        return packaged
    # A warning, not a note: a desk whose restyled templates did not follow its config
    # (a move to a new server) would otherwise send memos in the default style unawares.
    logging.getLogger("reports.config").warning(
        "no templates folder %s beside the config: using the toolkit's default templates "
        "(%s); copy them there to restyle them, or set [paths] templates", beside, packaged)
    return packaged


@dataclass
class PathSettings:
    workbook: Path = Path(DEFAULT_WORKBOOK)
    output: Path = Path("output")
    templates: Path = Path("templates")
    run_record: Path = Path("run-record.sqlite")  # beside the config, not published
    ledger: Path | None = None  # the old name of run_record, still read
    cache: Path = Path(".cache")  # charts and template-check passes, beside the config
    archive: Path = Path("archive")  # every issued revision as sent, and drafts
    log_file: Path = Path("reports.log")  # the log of run, send and ack

"""The desk's configuration: defaults -> ``reports.toml`` -> command-line flags, checked once.

Unknown keys are warned about (a typo should not silently do nothing); a wrong type or
an unknown memo kind is an error naming the key, e.g. ``memos[2].window_days``.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from reports.errors import ConfigError
from reports.kinds import DEFAULT_BUDGETS, DEFAULT_TITLES, FORMATS, MEMO_KINDS, Budget

log = logging.getLogger(__name__)

DEFAULT_WORKBOOK = "workbook/gsomia_relations.xlsx"
MEMO_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Recipient:
    name: str
    email: str


@dataclass
class Schedule:
    cron: str
    timezone: str = "UTC"


@dataclass
class MemoConfig:
    id: str
    kind: str
    title: str = ""
    formats: list[str] = field(default_factory=lambda: ["docx", "html"])
    issue: str | None = None
    actor: str | None = None
    window_days: int = 7
    outlook_days: int = 30
    significance_floor: int = 1
    schedule: Schedule | None = None
    recipients: list[Recipient] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)  # the kind's, with this memo's overrides


@dataclass
class Desk:
    office: str = "Briefing desk"
    author: str = ""
    marking: str = "UNCLASSIFIED"
    to: str = ""
    sender: str = ""
    lang: str = "en"


@dataclass
class Smtp:
    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none, starttls, tls
    username_env: str = "REPORTS_SMTP_USER"
    password_env: str = "REPORTS_SMTP_PASSWORD"
    sender: str = "reports@localhost"
    timeout: float = 30.0


@dataclass
class Delivery:
    max_attempts: int = 5
    backoff_minutes: float = 5.0  # doubled after each failed attempt
    drop_folder: Path | None = None
    outbox: Path | None = None  # --dry-run messages; default <output>/outbox


@dataclass
class Config:
    path: Path | None
    workbook: Path
    output: Path
    templates: Path
    ledger: Path | None = None  # default <output>/ledger.sqlite
    log_file: Path | None = None  # default <output>/reports.log
    desk: Desk = field(default_factory=Desk)
    smtp: Smtp = field(default_factory=Smtp)
    delivery: Delivery = field(default_factory=Delivery)
    memos: list[MemoConfig] = field(default_factory=list)

    @property
    def ledger_path(self) -> Path:
        return self.ledger or self.output / "ledger.sqlite"

    @property
    def log_path(self) -> Path:
        return self.log_file or self.output / "reports.log"

    @property
    def outbox_path(self) -> Path:
        return self.delivery.outbox or self.output / "outbox"

    def memo(self, memo_id: str) -> MemoConfig:
        for memo in self.memos:
            if memo.id == memo_id:
                return memo
        known = ", ".join(m.id for m in self.memos) or "none configured"
        raise ConfigError(f'no memo "{memo_id}" in {self.path or "the config"} (known: {known})')


def load_config(path: Path | None, *, required: bool = False) -> Config:
    """Read ``path`` (``reports.toml``); without a file, the defaults and no memos."""
    repo = Path.cwd()
    if path is None or not Path(path).exists():
        if required and path is not None:
            raise ConfigError(f"config file {path} does not exist; give --config PATH")
        return Config(None, repo / DEFAULT_WORKBOOK, repo / "output", repo / "templates")
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    base = path.resolve().parent
    paths = _table(data, "paths", path)
    config = Config(
        path=path,
        workbook=_path(base, paths.get("workbook", DEFAULT_WORKBOOK), "paths.workbook"),
        output=_path(base, paths.get("output", "output"), "paths.output"),
        templates=_path(base, paths.get("templates", "templates"), "paths.templates"),
        ledger=_path(base, paths["ledger"], "paths.ledger") if paths.get("ledger") else None,
        log_file=_path(base, paths["log_file"], "paths.log_file") if paths.get("log_file")
        else None,
        desk=_fill(Desk, _table(data, "desk", path), "desk"),
        smtp=_fill(Smtp, _table(data, "smtp", path), "smtp"),
    )
    delivery = dict(_table(data, "delivery", path))
    for key in ("drop_folder", "outbox"):
        if delivery.get(key):
            delivery[key] = _path(base, delivery[key], f"delivery.{key}")
    config.delivery = _fill(Delivery, delivery, "delivery")
    _warn_unknown(data, {"paths", "desk", "smtp", "delivery", "memos", "budgets"}, "")
    _warn_unknown(paths, {"workbook", "output", "templates", "ledger", "log_file"}, "paths.")
    budgets = _budgets(_table(data, "budgets", path))
    memos = data.get("memos", [])
    if not isinstance(memos, list):
        raise ConfigError(f"{path}: memos must be a list of [[memos]] tables")
    config.memos = [_memo(m, f"memos[{i}]", budgets) for i, m in enumerate(memos)]
    seen = set()
    for memo in config.memos:
        if memo.id in seen:
            raise ConfigError(f'{path}: memo id "{memo.id}" is used twice; ids must be unique')
        seen.add(memo.id)
    if config.smtp.security not in ("none", "starttls", "tls"):
        raise ConfigError("smtp.security must be one of: none, starttls, tls")
    return config


def _table(data: dict, key: str, path: Path) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{key}] must be a table")
    return value


def _path(base: Path, value: Any, key: str) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key}: expected a path (text), got {value!r}")
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def _warn_unknown(table: dict, known: set[str], prefix: str) -> None:
    for key in table:
        if key not in known:
            log.warning("config: unknown key %s%s is ignored (known: %s)", prefix, key,
                        ", ".join(sorted(known)))


def _fill(cls, table: dict, prefix: str):
    """Build dataclass ``cls`` from a TOML table, checking each value's type."""
    known = {f.name: f for f in fields(cls)}
    _warn_unknown(table, set(known), prefix + ".")
    kwargs = {}
    for key, value in table.items():
        if key in known:
            kwargs[key] = _typed(value, known[key].type, f"{prefix}.{key}")
    return cls(**kwargs)


def _typed(value: Any, annotation: str, key: str) -> Any:
    kind = str(annotation)
    if "Path" in kind:
        return value
    if kind.startswith("int"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected a whole number, got {value!r}")
        return value
    if kind.startswith("float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if kind.startswith("str"):
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{key}: expected text, got {value!r}")
        return value
    return value


def _budgets(table: dict) -> dict[str, Budget]:
    """``[budgets.<kind>]``: each kind's defaults over the built-in ones."""
    _warn_unknown(table, set(MEMO_KINDS), "budgets.")
    budgets = dict(DEFAULT_BUDGETS)
    for kind in MEMO_KINDS:
        if kind in table:
            budgets[kind] = _budget(budgets[kind], table[kind], f"budgets.{kind}")
    return budgets


def _budget(base: Budget, table: Any, key: str) -> Budget:
    if not isinstance(table, dict):
        raise ConfigError(f"{key}: expected a table of page_budget, max_events, ...")
    values = {name: _typed(value, "int", f"{key}.{name}") for name, value in table.items()
              if name in {f.name for f in fields(Budget)}}
    for name, value in values.items():
        if value < 0 or (name in ("page_budget", "annex_rows") and value < 1):
            raise ConfigError(f"{key}.{name}: must be at least {0 if value < 0 else 1}")
    return replace(base, **values)


def _memo(table: Any, key: str, budgets: dict[str, Budget] | None = None) -> MemoConfig:
    if not isinstance(table, dict):
        raise ConfigError(f"{key}: expected a [[memos]] table")
    for required in ("id", "kind"):
        if required not in table:
            raise ConfigError(f"{key}: missing required key {required!r}")
    kind = table["kind"]
    if kind not in MEMO_KINDS:
        raise ConfigError(f'{key}.kind: unknown memo kind "{kind}"; use one of: '
                          + ", ".join(MEMO_KINDS))
    memo_id = table["id"]
    if not isinstance(memo_id, str) or not MEMO_ID_RE.match(memo_id):
        raise ConfigError(f"{key}.id: {memo_id!r} is not a valid memo id (lower-case letters, "
                          "digits and -)")
    budget_keys = {f.name for f in fields(Budget)}
    simple = {k: v for k, v in table.items()
              if k not in ("schedule", "recipients", "formats", *budget_keys)}
    memo = _fill(MemoConfig, simple, key)
    memo.budget = _budget((budgets or DEFAULT_BUDGETS)[kind],
                          {k: v for k, v in table.items() if k in budget_keys}, key)
    memo.title = memo.title or DEFAULT_TITLES[kind]
    if "formats" in table:
        formats = table["formats"]
        if not isinstance(formats, list) or not all(f in FORMATS for f in formats) or not formats:
            raise ConfigError(f"{key}.formats: expected a list of {', '.join(FORMATS)}")
        memo.formats = list(formats)
    if kind == "issue" and not memo.issue:
        raise ConfigError(f"{key}.issue: an issue memo needs issue = \"<issue_id>\"")
    if kind == "actor" and not memo.actor:
        raise ConfigError(f"{key}.actor: an actor memo needs actor = \"<actor_id>\"")
    for number_key in ("window_days", "outlook_days"):
        if getattr(memo, number_key) < 1:
            raise ConfigError(f"{key}.{number_key}: must be at least 1")
    if not 1 <= memo.significance_floor <= 5:
        raise ConfigError(f"{key}.significance_floor: must be 1 to 5")
    if "schedule" in table:
        memo.schedule = _schedule(table["schedule"], f"{key}.schedule")
    for i, person in enumerate(table.get("recipients", [])):
        if not isinstance(person, dict) or not isinstance(person.get("email"), str):
            raise ConfigError(f"{key}.recipients[{i}]: expected {{ name = ..., email = ... }}")
        memo.recipients.append(Recipient(str(person.get("name", person["email"])),
                                         person["email"]))
    return memo


def _schedule(value: Any, key: str) -> Schedule:
    if not isinstance(value, dict) or not isinstance(value.get("cron"), str):
        raise ConfigError(f'{key}: expected {{ cron = "0 7 * * MON", timezone = "Asia/Seoul" }}')
    schedule = _fill(Schedule, value, key)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{key}.timezone: unknown time zone {schedule.timezone!r}") from exc
    from croniter import croniter

    if not croniter.is_valid(schedule.cron):
        raise ConfigError(f"{key}.cron: {schedule.cron!r} is not a valid cron expression")
    return schedule


def adhoc_memo(kind: str, issue: str | None, actor: str | None,
               window_days: int | None) -> MemoConfig:
    """``build --kind``: a memo with no config entry; its id is the kind plus the issue/actor."""
    if kind not in MEMO_KINDS:
        raise ConfigError(f'--kind: unknown memo kind "{kind}"; use one of: '
                          f'{", ".join(MEMO_KINDS)}')
    if kind == "issue" and not issue:
        raise ConfigError("--kind issue needs --issue ISSUE_ID")
    if kind == "actor" and not actor:
        raise ConfigError("--kind actor needs --actor ACTOR_ID")
    suffix = issue if kind == "issue" else actor if kind == "actor" else None
    memo_id = f"{kind}-{suffix}" if suffix else kind
    return MemoConfig(id=memo_id, kind=kind, title=DEFAULT_TITLES[kind], issue=issue,
                      actor=actor, window_days=window_days or 7, budget=DEFAULT_BUDGETS[kind])

"""The desk's configuration: defaults -> ``reports.toml`` -> command-line flags, checked once.

Each table is a dataclass (:class:`MemoConfig` and :class:`Config` here, the others in
:mod:`reports.config.tables`); :mod:`reports.config.typed` converts the file by their type hints.
Every problem in the file is reported at once, in one :class:`ConfigError` naming each
key (``memos[2].window_days: expected a whole number``) and carrying each as a
:class:`reports.problems.Problem`. Every key takes effect or is refused: an unknown key
or table (``shedule``, ``[[memo]]``) is an error with "did you mean", and so is a key
that does nothing where it stands (``issue`` in a weekly memo) or one that no longer
exists (``page_budget``). ``docs/operations.md`` lists every key.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from reports import tradecraft
from reports.config.tables import (
    ADDRESSES,
    BUDGET_KEYS,
    DEFAULT_WORKBOOK,
    POSITIVE,
    BudgetSettings,
    DeliverySettings,
    Desk,
    MarkingsSettings,
    PathSettings,
    Recipient,
    Schedule,
    Smtp,
    templates_beside,
    wrong_grade,
    wrong_memo_id,
)
from reports.config.typed import BAD, Checked, check, fill
from reports.errors import ConfigError
from reports.memo.kinds import DEFAULT_BUDGETS, DEFAULT_TITLES, FORMATS, MEMO_KINDS, Budget
from reports.problems import Problem
from reports.site.settings import SiteSettings, load_site
from reports.text import did_you_mean
from reports.tradecraft import grade_parts

if TYPE_CHECKING:
    from reports.workbook.validate import Rules

log = logging.getLogger(__name__)

TOP_LEVEL = ("paths", "desk", "smtp", "delivery", "markings", "budgets", "memos", "site")
# Keys of a [[memos]] table that only one kind reads: elsewhere they would do nothing.
KIND_KEYS = {"issue": "issue", "actor": "actor", "outlook_days": "weekly",
             "significance_floor": "overview"}

if TYPE_CHECKING:  # choices made from data: a Literal to the loader, text to mypy
    MemoKind = str
    Format = str
else:
    MemoKind = Literal[MEMO_KINDS]
    Format = Literal[FORMATS]


@dataclass
class MemoConfig:
    REMOVED: ClassVar[dict[str, str]] = BudgetSettings.REMOVED

    id: str = field(metadata=check(wrong_memo_id))
    kind: MemoKind
    title: str = ""
    formats: list[Format] = field(default_factory=lambda: ["docx", "html"],
                                  metadata=check(lambda v: None if v else "is empty"))
    issue: str | None = None
    actor: str | None = None
    window_days: int = field(default=7, metadata=POSITIVE)
    outlook_days: int = field(default=30, metadata=POSITIVE)
    significance_floor: int = field(default=1, metadata=check(
        lambda v: None if 1 <= v <= 5 else "must be 1 to 5", "out-of-range"))
    schedule: Schedule | None = None
    recipients: list[Recipient] = field(default_factory=list)
    # clearance (docs/operations.md): scheduled editions wait as drafts until one approves
    clearers: list[str] = field(default_factory=list, metadata=ADDRESSES)
    clearance_hours: float = field(default=24.0, metadata=check(
        lambda v: None if v > 0 else "must be more than 0", "out-of-range"))
    marking: str = ""  # the memo's ceiling; default the desk's default level
    min_grade: str = field(default="", metadata=check(wrong_grade))  # default the desk's
    budget: Budget = field(default=None, metadata={"toml": False})  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.title = self.title or DEFAULT_TITLES.get(self.kind, "")
        if self.budget is None and self.kind in DEFAULT_BUDGETS:
            self.budget = DEFAULT_BUDGETS[self.kind]

    @property
    def min_reliability(self) -> str | None:
        return grade_parts(self.min_grade)[0]

    @property
    def min_credibility(self) -> str | None:
        return grade_parts(self.min_grade)[1]


@dataclass
class Config:
    path: Path | None
    workbook: Path
    output: Path
    templates: Path
    run_record: Path = Path("run-record.sqlite")
    log_file: Path = Path("reports.log")
    cache: Path = Path(".cache")
    archive: Path = Path("archive")
    desk: Desk = field(default_factory=Desk)
    smtp: Smtp = field(default_factory=Smtp)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    memos: list[MemoConfig] = field(default_factory=list)
    markings: tradecraft.Markings = field(
        default_factory=lambda: tradecraft.Markings.single(Desk.marking))
    budgets: dict[str, Budget] = field(default_factory=lambda: dict(DEFAULT_BUDGETS))
    site: SiteSettings = field(default_factory=SiteSettings)  # serve: reports/site/

    @property
    def run_record_path(self) -> Path:
        return self.run_record

    @property
    def log_path(self) -> Path:
        return self.log_file

    @property
    def outbox_path(self) -> Path:
        return self.delivery.outbox

    def published(self, memo: MemoConfig, root: Path | None = None) -> Path:
        """The published folder ``memo``'s editions go to: ``root`` (default the output
        folder) for a desk with one level, else its subfolder for the memo's level."""
        from reports.output.files import published_folder

        return published_folder(root or self.output, self.markings, memo.marking)

    @property
    def yardstick(self) -> tradecraft.Yardstick:
        return tradecraft.YARDSTICKS[self.desk.yardstick]

    def rules(self) -> Rules:
        """What the workbook's cells are checked against: the desk's marking levels and
        its estimative yardstick (a :class:`reports.workbook.validate.Rules`)."""
        from reports.workbook.validate import Rules

        return Rules(self.markings, self.yardstick)

    def memo(self, memo_id: str) -> MemoConfig:
        for memo in self.memos:
            if memo.id == memo_id:
                return memo
        known = [m.id for m in self.memos]
        raise ConfigError(f'no memo "{memo_id}" in {self.path or "the config"}'
                          f'{did_you_mean(memo_id, known)}; the memos are: '
                          f'{", ".join(known) or "none configured"}')


# -- loading --------------------------------------------------------------------------------

def load_config(path: Path | None, *, required: bool = False) -> Config:
    """Read ``path`` (``reports.toml``); without a file, the defaults and no memos.

    Raises :class:`ConfigError` with every problem of the file (``problems``)."""
    if path is None or not Path(path).exists():
        if required and path is not None:
            problem = Problem.in_config(str(path), "", "missing-file", f"config file {path} "
                                        "does not exist; give --config PATH")
            raise ConfigError(problem.message, [problem])
        repo = Path.cwd()
        return Config(None, repo / DEFAULT_WORKBOOK, repo / "output",
                      templates_beside(repo / "templates", warn=False),
                      run_record=repo / "run-record.sqlite", log_file=repo / "reports.log",
                      cache=repo / ".cache", archive=repo / "archive",
                      delivery=DeliverySettings(outbox=repo / "outbox"))
    path = Path(path)
    checked = Checked(base=path.resolve().parent, file=str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        checked.add("", f"{path} is not valid TOML: {exc}", "not-toml")
        raise ConfigError(f"{path} is not valid TOML: {exc}", checked.problems) from exc
    config = _config(path, data, checked)
    problems = checked.problems
    if len(problems) == 1:
        raise ConfigError(f"{path}: {problems[0]}", problems)
    if problems:
        raise ConfigError(f"{path} has {len(problems)} problems:\n  "
                          + "\n  ".join(str(p) for p in problems), problems)
    return config


def _config(path: Path, data: dict[str, Any], checked: Checked) -> Config:
    for key in data:
        if key not in TOP_LEVEL:
            checked.unknown(key, TOP_LEVEL, "table")
    paths = _table(PathSettings, data, "paths", checked)
    desk = _table(Desk, data, "desk", checked)
    markings = _markings(data, desk, checked)
    desk.marking = markings.default
    budgets = _budgets(data.get("budgets", {}), checked)
    memos = _memos(data.get("memos", []), desk, markings, budgets, checked)
    config = Config(
        path=path, workbook=paths.workbook, output=paths.output,
        templates=(paths.templates if "templates" in data.get("paths", {})
                   else templates_beside(paths.templates)),
        run_record=_run_record(paths, data.get("paths", {}), checked),
        log_file=paths.log_file, cache=paths.cache, archive=paths.archive, desk=desk,
        smtp=_table(Smtp, data, "smtp", checked),
        delivery=_table(DeliverySettings, data, "delivery", checked),
        memos=memos, markings=markings, budgets=budgets, site=load_site(data, checked))
    _unpublished(config, checked)
    if any(m.clearers for m in memos) and not config.site.url:
        checked.add("site.url", "is required when a memo has clearers: the address of the "
                    'site (serve) their mail links to, e.g. "https://briefings.example.org"',
                    "missing-key")
    return config


LEGACY_RUN_RECORD = "ledger.sqlite"  # the run record's old place, in the output folder


def _run_record(paths: PathSettings, given: Any, checked: Checked) -> Path:
    """``[paths] run_record`` (``ledger``, its old name, is still read); a run record left
    at its old default place, inside the published folder, must be moved first."""
    given = given if isinstance(given, dict) else {}
    if "ledger" in given:
        if "run_record" in given:
            checked.add("paths.ledger", "give the run record's place once, as run_record",
                        "conflict")
        else:
            log.warning("config: [paths] ledger is now called run_record; please rename it")
            return paths.ledger or paths.run_record
    legacy = paths.output / LEGACY_RUN_RECORD
    if "run_record" not in given and legacy.exists() and not paths.run_record.exists():
        checked.add("paths.run_record", f"the run record is kept outside the published "
                    f"folder now: move {legacy} (with its -wal and -shm files, if any) to "
                    f"{paths.run_record}, or set [paths] run_record to where it should be",
                    "moved-record")
    return paths.run_record


def _unpublished(config: Config, checked: Checked) -> None:
    """What holds text of every level or not yet issued (the run record, the log, the
    chart cache, the archive of editions and drafts, the outbox) may not lie inside the
    published folder."""
    output = config.output.resolve()
    for key, path in (("paths.run_record", config.run_record),
                      ("paths.log_file", config.log_file), ("paths.cache", config.cache),
                      ("paths.archive", config.archive),
                      ("delivery.outbox", config.delivery.outbox)):
        if path.resolve().is_relative_to(output):
            checked.add(key, f"{path} is inside the published folder {config.output}, which "
                        "is put on the intranet; choose a place outside it", "published-place")


def _table(cls: type, data: dict[str, Any], key: str, checked: Checked) -> Any:
    """The ``[key]`` table as ``cls``; its defaults when absent or wrong (problem noted)."""
    value = fill(cls, data.get(key, {}), key, checked)
    if value is BAD:
        return cls()
    base = checked.base
    for f in fields(cls):  # default paths are relative to the config file too
        current = getattr(value, f.name)
        if isinstance(current, Path) and not current.is_absolute():
            setattr(value, f.name, base / current)
    return value


def _markings(data: dict[str, Any], desk: Desk, checked: Checked) -> tradecraft.Markings:
    if "markings" not in data:
        return tradecraft.Markings.single(desk.marking)
    settings = _table(MarkingsSettings, data, "markings", checked)
    if not settings.levels:
        checked.add("markings.levels", "give the handling levels, lowest first", "missing-key")
        return tradecraft.Markings.single(desk.marking)
    desk_given = "marking" in data.get("desk", {})
    if desk_given and desk.marking not in settings.levels:
        checked.add("desk.marking", f'"{desk.marking}" is not one of markings.levels: '
                    + ", ".join(settings.levels), "bad-choice")
    default = settings.default or (desk.marking if desk.marking in settings.levels else "")
    try:
        return tradecraft.Markings(tuple(settings.levels), tuple(settings.portions), default,
                                   settings.portion_marks)
    except ValueError as exc:
        checked.add("markings", str(exc), "conflict")
        return tradecraft.Markings.single(settings.levels[0])


def _budgets(table: Any, checked: Checked) -> dict[str, Budget]:
    budgets = dict(DEFAULT_BUDGETS)
    if not isinstance(table, dict):
        checked.add("budgets", "expected [budgets.<kind>] tables", "wrong-type")
        return budgets
    for kind, values in table.items():
        if kind not in MEMO_KINDS:
            checked.add(f"budgets.{kind}", f'unknown memo kind "{kind}"'
                        f'{did_you_mean(kind, MEMO_KINDS)}; use one of: '
                        + ", ".join(MEMO_KINDS), "unknown-key")
            continue
        settings = fill(BudgetSettings, values, f"budgets.{kind}", checked)
        if settings is not BAD:
            budgets[kind] = settings.over(budgets[kind])
    return budgets


def _memos(tables: Any, desk: Desk, markings: tradecraft.Markings,
           budgets: dict[str, Budget], checked: Checked) -> list[MemoConfig]:
    if not isinstance(tables, list):
        checked.add("memos", "must be a list of [[memos]] tables", "wrong-type")
        return []
    memos: list[MemoConfig] = []
    seen: dict[str, int] = {}
    for i, table in enumerate(tables):
        key = f"memos[{i}]"
        memo = _memo(table, key, desk, markings, budgets, checked)
        if memo is None:
            continue
        if memo.id in seen:
            checked.add(f"{key}.id", f'memo id "{memo.id}" is used twice (first in '
                        f"memos[{seen[memo.id]}]); ids must be unique", "duplicate-id")
        seen.setdefault(memo.id, i)
        memos.append(memo)
    return memos


def _memo(table: Any, key: str, desk: Desk, markings: tradecraft.Markings,
          budgets: dict[str, Budget], checked: Checked) -> MemoConfig | None:
    if not isinstance(table, dict):
        checked.add(key, "expected a [[memos]] table", "wrong-type")
        return None
    overrides = fill(BudgetSettings, {k: v for k, v in table.items() if k in BUDGET_KEYS},
                     key, checked)
    filled = fill(MemoConfig, table, key, checked, elsewhere=BUDGET_KEYS)
    if filled is BAD:
        return None
    memo: MemoConfig = filled
    for name, kind in KIND_KEYS.items():
        if name in table and memo.kind != kind:
            checked.add(f"{key}.{name}", f"only {_a(kind)} {kind} memo reads {name}; this is "
                        f"{_a(memo.kind)} {memo.kind} memo: delete the key", "misplaced-key")
    memo.budget = (overrides if overrides is not BAD else BudgetSettings()).over(
        budgets[memo.kind])
    if "clearance_hours" in table and not memo.clearers:
        checked.add(f"{key}.clearance_hours", "only a memo with clearers reads "
                    "clearance_hours: add clearers, or delete the key", "misplaced-key")
    if memo.clearers and memo.schedule is None:
        checked.add(f"{key}.clearers", "only a scheduled memo is cleared (run builds it as a "
                    "draft for its clearers): add a schedule, or delete clearers",
                    "misplaced-key")
    if memo.kind == "issue" and not memo.issue:
        checked.add(f"{key}.issue", 'an issue memo needs issue = "<issue_id>"', "missing-key")
    if memo.kind == "actor" and not memo.actor:
        checked.add(f"{key}.actor", 'an actor memo needs actor = "<actor_id>"', "missing-key")
    if markings.rank(memo.marking) is None:
        checked.add(f"{key}.marking", f'"{memo.marking}" is not a configured marking level; '
                    "use one of: " + ", ".join(markings.levels), "bad-choice")
    rank = markings.rank(memo.marking or markings.default)
    memo.marking = markings.levels[rank] if rank is not None else markings.default
    memo.min_grade = (memo.min_grade or desk.min_grade).upper()
    if memo.schedule is not None and memo.schedule.timezone is None:
        if desk.timezone:
            memo.schedule.timezone = desk.timezone
        else:
            checked.add(f"{key}.schedule.timezone",
                        'say which zone the cron times are in (timezone = "Asia/Seoul"), '
                        "or set [desk] timezone", "missing-key")
    return memo


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def adhoc_memo(kind: str, issue: str | None, actor: str | None,
               window_days: int | None, config: Config | None = None) -> MemoConfig:
    """``build --kind``: a memo with no config entry; its id is the kind plus the issue/actor."""
    if kind not in MEMO_KINDS:
        raise ConfigError(f'--kind: unknown memo kind "{kind}"; use one of: '
                          f'{", ".join(MEMO_KINDS)}')
    if kind == "issue" and not issue:
        raise ConfigError("--kind issue needs --issue ISSUE_ID")
    if kind == "actor" and not actor:
        raise ConfigError("--kind actor needs --actor ACTOR_ID")
    suffix = issue if kind == "issue" else actor if kind == "actor" else None
    memo = MemoConfig(id=f"{kind}-{suffix}" if suffix else kind, kind=kind, issue=issue,
                      actor=actor, window_days=window_days or 7)
    if config is not None:
        memo.budget = config.budgets[kind]
        memo.marking = config.markings.default
        memo.min_grade = config.desk.min_grade.upper()
    return memo

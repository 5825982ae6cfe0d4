"""Who receives what: memo readers, the workbook's editors, and the Distribution sheet's
checks against the configuration.

Readers of a memo: the workbook's Distribution sheet when it has at least one row for
that memo id (its ``active`` rows; all inactive means nobody), otherwise the memo's
``recipients`` in the config; each address once.

Editors (who are mailed the problem list when a scheduled run finds the workbook broken):
``[desk] editors`` in the config, plus every Distribution row whose optional ``editor``
column says yes. ``editor`` is independent of ``active``: ``active`` says whether that
person gets the row's memo, ``editor`` whether they hear about the workbook's problems.

:func:`check_distribution` finds what the sheet gets wrong against the config, as
problems naming the cell: a memo id the config does not have (with "did you mean"), the
same address twice for one memo, an ``editor`` cell that is not yes or no, and a
scheduled memo that would go to nobody. An address itself is read when the sheet is
(``bad-email``), by :func:`reports.delivery.addresses.mail_address`, the parser mail is sent with:
the rows here hold each address as it will be sent.
"""

from __future__ import annotations

from typing import Any

from reports.config.load import Config, MemoConfig
from reports.config.tables import Recipient
from reports.delivery.addresses import display_name
from reports.problems import ERROR, WARNING, Problem
from reports.text import did_you_mean

SHEET = "Distribution"
EDITOR_COLUMN = "editor"


def recipients_for(memo: MemoConfig, distribution: list[dict[str, Any]]) -> list[Recipient]:
    """The Distribution sheet's active rows for ``memo`` if it has any row for it, else the
    config's recipients; each address once."""
    rows = [r for r in distribution or [] if _memo_id(r) == memo.id]
    if rows:
        people = [_person(r) for r in rows
                  if r.get("email") and r.get("active", True) not in (False, None)]
    else:
        people = list(memo.recipients)
    return _unique(people)


def editors(config: Config, distribution: list[dict[str, Any]]) -> list[Recipient]:
    """Who is told when the workbook has errors: the config's editors and the sheet's."""
    people = [Recipient(email=address) for address in config.desk.editors]
    people += [_person(r) for r in distribution or []
               if r.get("email") and _editor_flag(r) is True]
    return _unique(people)


def read_distribution(config: Config) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The workbook's Distribution rows (those that are readable) and the sheet's problems
    (its cells, and :func:`check_distribution`), whatever errors the other sheets have.

    Raises :class:`reports.errors.WorkbookUnreadable` when the file cannot be read.
    """
    # The one place that reads the workbook for its Distribution sheet alone.
    from reports.workbook.read import read_workbook
    from reports.workbook.validate import validate

    book = read_workbook(config.workbook, sheets=(SHEET,))
    checked = validate(book, config.rules())
    sheet = book.sheets.get(SHEET)
    rows: list[dict[str, Any]] = list(checked.records.get(SHEET, []))
    own = [p for p in checked.problems if sheet is not None and p.sheet == sheet.title]
    return rows, own + check_distribution(config, sheet, rows)


def check_distribution(config: Config, sheet: Any, rows: list[dict[str, Any]]) -> list[Problem]:
    """Problems of the Distribution sheet (``sheet``: its SheetData, or None) against the
    config: each names the cell, or the sheet for a memo nobody receives."""
    problems: list[Problem] = []
    title = sheet.title if sheet is not None else SHEET
    letters = sheet.letters if sheet is not None else {}
    known = [m.id for m in config.memos]
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        memo_id, email = _memo_id(row), str(row.get("email") or "").strip().lower()
        if known and memo_id and memo_id not in known:
            hint = did_you_mean(memo_id, known)
            problems.append(Problem(
                ERROR, title, _cell(letters, "memo_id", row), "memo_id", "unknown-memo",
                f'"{memo_id}" is not a memo id in {_config_name(config)}{hint}; use one of: '
                + ", ".join(known)))
        if memo_id and email:
            first = seen.setdefault((memo_id, email), row["_row"])
            if first != row["_row"]:
                problems.append(Problem(
                    WARNING, title, _cell(letters, "email", row), "email",
                    "duplicate-recipient",
                    f'{email} is listed twice for "{memo_id}" (first in row {first}); they '
                    "get the memo once; delete one of the rows"))
        if _editor_flag(row) is None:
            column = _editor_key(row)
            problems.append(Problem(
                ERROR, title, _cell(letters, column, row), column, "bad-flag",
                f'"{row["extra"][column]}" is not yes or no (editor: is this person told '
                "when the workbook has errors?)"))
    if not config.delivery.drop_folder:
        for memo in config.memos:
            if memo.schedule is not None and not recipients_for(memo, rows):
                problems.append(Problem(
                    WARNING, title, None, None, "no-recipients",
                    f'memo "{memo.id}" is scheduled but goes to nobody: add active rows for '
                    f"it here, or recipients to its [[memos]] entry in {_config_name(config)}"))
    return problems


# -- rows ------------------------------------------------------------------------------------

def _memo_id(row: dict[str, Any]) -> str:
    return str(row.get("memo_id") or "").strip()


def _person(row: dict[str, Any]) -> Recipient:
    email = str(row["email"]).strip()
    return Recipient(email=email, name=display_name(row.get("name")) or email)


def _unique(people: list[Recipient]) -> list[Recipient]:
    seen, unique = set(), []
    for person in people:
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            unique.append(person)
    return unique


def _editor_key(row: dict[str, Any]) -> str | None:
    for key in row.get("extra", {}):
        if key.replace("_", "").replace(" ", "").lower() == EDITOR_COLUMN:
            return str(key)
    return None


def _editor_flag(row: dict[str, Any]) -> bool | None:
    """True or False from the ``editor`` column (blank: False); None when unreadable."""
    key = _editor_key(row)
    if key is None:
        return False
    from reports.workbook.cells import FALSE_WORDS, TRUE_WORDS

    text = str(row["extra"][key]).strip().lower()
    return True if text in TRUE_WORDS else False if text in FALSE_WORDS or not text else None


def _cell(letters: dict[str, str], column: str | None, row: dict[str, Any]) -> str | None:
    letter = letters.get(column or "")
    return f"{letter}{row['_row']}" if letter else None


def _config_name(config: Config) -> str:
    return config.path.name if config.path else "the config"

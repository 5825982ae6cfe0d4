"""Nothing above a memo's marking reaches it, in any edition: tested differentially.

A desk with three levels (UNCLASSIFIED, CONFIDENTIAL, SECRET) runs its memos on a
schedule for three days, the workbook edited between the editions as a desk edits it:
rows added, deleted and corrected, rows re-marked up and down, a source re-marked so
that the rows resting only on it go above the ceiling, judgments edited in place,
replaced and withdrawn. Every memo kind is built at two ceilings.

The memos at each ceiling run on the same schedule from copies of each day's workbook
with every row above that ceiling deleted (by its own marking, or because it rests only
on deleted rows), made here by an independent reading of the rule. A memo at ceiling L
must come out the same from the full workbook as from the copy cut at L: every file of
its published folder (memos, manifests, index), every message its readers get (subject,
parts, attachments), every file copied to the drop folder, and what the run record
keeps for it. The rule for editions in docs/memos.md says why no difference is
allowed: what one edition carries to the next is made from the memo's own cut of the
workbook.
"""

from __future__ import annotations

import copy
import email
import html
import io
import json
import re
import sqlite3
import zipfile
from datetime import date
from email import policy
from pathlib import Path

import pytest
from fixtures_mail import MailServer

from reports.cli import main

ROOT = Path(__file__).resolve().parents[1]
LEVELS = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET")
RANK = {"": 0, "U": 0, "UNCLASSIFIED": 0, "C": 1, "CONFIDENTIAL": 1, "S": 2, "SECRET": 2}
FOLDERS = {0: "unclassified", 1: "confidential"}
CEILINGS = {0: "u", 1: "c"}
RUNS = ("2019-11-27T08:00+00:00", "2019-11-28T08:00+00:00", "2019-11-29T08:00+00:00")
MEMOS = {"overview": "", "weekly": "", "issue-gsomia": 'issue = "gsomia"',
         "issue-trade": 'issue = "trade"', "actor": 'actor = "moon-jae-in"'}
CANARY = re.compile(r"QQ(CONF|SECR)[A-Z]*")

COLUMNS = {
    "Actors": ["actor_id", "name", "native_name", "country", "kind", "title", "marking"],
    "Issues": ["issue_id", "name", "question", "status", "marking"],
    "Sources": ["source_id", "outlet", "title", "url", "published", "kind", "marking"],
    "Events": ["event_id", "date", "title", "summary", "category", "actors", "issues",
               "significance", "sources", "marking"],
    "Positions": ["actor_id", "issue_id", "as_of", "stance", "summary", "quote", "sources",
                  "marking"],
    "Outlook": ["date", "item", "issues", "actors", "status", "sources", "marking"],
    "Assessments": ["as_of", "issue_id", "judgment", "author", "sources", "marking"],
}
D = date


def first_edition() -> dict[str, list[list]]:
    """The workbook of the first day: rows at every level, and lower rows that refer to
    higher ones."""
    return {
        "Actors": [
            ["moon-jae-in", "Moon Jae-in", "문재인", "KOR", "person", "President", ""],
            ["shinzo-abe", "Shinzo Abe", "安倍晋三", "JPN", "person", "Prime Minister", "U"],
            ["agent-x", "QQSECRACTOR Agent", "QQSECRNATIVE", "PRK", "person", "QQSECRTITLE",
             "SECRET"],
            ["kang", "QQCONFACTOR Kang", "", "KOR", "person", "Minister", "C"],
        ],
        "Issues": [
            ["gsomia", "GSOMIA renewal", "Should the GSOMIA stay in force?", "active", ""],
            ["trade", "Export controls", "Should Japan lift its export controls?", "active",
             "U"],
            ["hidden", "HIDDENISSUE talks", "HIDDENQUESTION?", "active", "C"],
        ],
        "Sources": [
            ["s1", "Kyodo News", "Seoul reverses course", "https://example.org/a",
             D(2019, 11, 22), "news", "U"],
            ["s2", "NHK", "Trade talks to resume", "https://example.org/b", D(2019, 11, 25),
             "news", "U"],
            ["s-flip", "Yonhap", "FLIPSOURCE report", "https://example.org/c",
             D(2019, 11, 24), "news", "U"],
            ["s-conf", "QQCONFOUTLET", "QQCONFSOURCE report", "https://example.org/QQCONFURL",
             D(2019, 11, 20), "news", "C"],
            ["s-secret", "QQSECROUTLET", "QQSECRSOURCE cable", "", D(2019, 11, 21),
             "official", "S"],
        ],
        "Events": [
            ["e1", D(2019, 8, 22), "Seoul says it will scrap GSOMIA", "", "decision",
             "moon-jae-in", "gsomia", 4, "s1", ""],
            ["e2", D(2019, 11, 22), "Seoul suspends its notice", "", "decision",
             "moon-jae-in; shinzo-abe", "gsomia", 5, "s1", "U"],
            ["e3", D(2019, 11, 25), "Trade talks announced", "", "negotiation",
             "shinzo-abe", "trade", 4, "s2", "U"],
            ["u-up", D(2019, 11, 26), "UPMARKED talks in Tokyo", "UPMARKED summary",
             "meeting", "moon-jae-in", "gsomia", 4, "s1", "U"],
            ["s-down", D(2019, 11, 26), "QQSECRDOWN visit made public", "", "meeting",
             "shinzo-abe", "gsomia", 3, "s1", "S"],
            ["flip-ev", D(2019, 11, 24), "FLIPEVENT report", "", "statement",
             "moon-jae-in", "trade", 3, "s-flip", "U"],
            ["c1", D(2019, 11, 26), "QQCONFEVENT meeting", "QQCONFSUMMARY", "meeting",
             "moon-jae-in", "gsomia", 5, "s1", "C"],
            ["x1", D(2019, 11, 26), "QQSECREVENT visit", "QQSECRSUMMARY", "meeting",
             "shinzo-abe", "gsomia", 5, "s1", "S"],
            ["u1", D(2019, 11, 26), "Talks in Seoul", "", "meeting",
             "moon-jae-in; agent-x; kang", "gsomia; hidden", 4, "s1; s-conf", "U"],
            ["u2", D(2019, 11, 25), "A report only a secret cable backs QQSECRBACKED", "",
             "statement", "moon-jae-in", "gsomia", 3, "s-secret", "U"],
        ],
        "Positions": [
            ["moon-jae-in", "gsomia", D(2019, 8, 22), "opposes", "Scrap it.", "", "s1", ""],
            ["moon-jae-in", "gsomia", D(2019, 11, 22), "conditional", "Keep it for now.", "",
             "s1", "U"],
            ["shinzo-abe", "gsomia", D(2019, 11, 22), "supports", "Keep it.", "", "s1", "U"],
            ["moon-jae-in", "trade", D(2019, 11, 25), "opposes", "Lift them.", "", "s2", "U"],
            ["shinzo-abe", "trade", D(2019, 11, 26), "conditional", "UPPOSITION view.", "",
             "s2", "U"],
            ["agent-x", "gsomia", D(2019, 11, 26), "opposes", "QQSECRPOSITION", "", "s1",
             "U"],
            ["moon-jae-in", "hidden", D(2019, 11, 26), "neutral", "HIDDENPOSITION", "", "s1",
             "U"],
            ["shinzo-abe", "gsomia", D(2019, 11, 26), "supports", "QQSECRSTANCE", "", "s1",
             "S"],
        ],
        "Outlook": [
            [D(2019, 12, 24), "Trilateral summit", "gsomia", "", "scheduled", "s1", "U"],
            [D(2019, 12, 5), "QQCONFOUTLOOK visit", "gsomia", "", "expected", "s1", "C"],
            [D(2019, 12, 6), "Talks on the hidden issue", "hidden", "", "expected", "s1",
             "U"],
        ],
        "Assessments": [
            [D(2019, 11, 25), "", "The extension buys time.", "Desk", "s1", "U"],
            [D(2019, 11, 25), "gsomia", "The pact will likely hold through 2020.", "Desk",
             "s1", "U"],
            [D(2019, 11, 26), "trade", "Talks will likely resume WITHDRAWNTEXT.", "Desk",
             "s2", "U"],
            [D(2019, 11, 26), "gsomia", "QQSECRJUDGMENT on the pact", "Desk", "s1", "S"],
            [D(2019, 11, 26), "hidden", "QQCONFJUDGMENT hidden", "Desk", "s1", "C"],
            [D(2019, 11, 26), "trade", "A judgment only a secret cable backs QQSECRJBACK",
             "Desk", "s-secret", "U"],
        ],
    }


def _row(rows: list[list], key) -> list:
    return next(r for r in rows if key(r))


def second_edition() -> dict[str, list[list]]:
    d = first_edition()
    ev, pos, ass = d["Events"], d["Positions"], d["Assessments"]
    d["Events"] = ev = [r for r in ev if r[0] != "e1"]  # deleted
    _row(ev, lambda r: r[0] == "e2")[2] = "Seoul suspends its termination notice"  # corrected
    _row(ev, lambda r: r[0] == "u-up")[9] = "S"  # re-marked up
    down = _row(ev, lambda r: r[0] == "s-down")
    down[2], down[9] = "Secret visit made public", "U"  # re-marked down (and retitled)
    _row(d["Sources"], lambda r: r[0] == "s-flip")[6] = "S"  # FLIPEVENT now rests on S
    ev += [["e4", D(2019, 11, 28), "Ministers meet in Nagoya", "", "meeting",
            "moon-jae-in; shinzo-abe", "gsomia; trade", 5, "s2", "U"],
           ["c2", D(2019, 11, 28), "QQCONFEVENT two", "", "meeting", "moon-jae-in",
            "gsomia", 5, "s-conf", "C"],
           ["x2", D(2019, 11, 28), "QQSECREVENT two", "", "meeting", "moon-jae-in",
            "gsomia", 5, "s1", "S"]]
    pos.append(["shinzo-abe", "gsomia", D(2019, 11, 28), "conditional", "Keep it, with terms.",
                "", "s2", "U"])
    _row(pos, lambda r: r[4] == "UPPOSITION view.")[7] = "C"  # re-marked up
    _row(pos, lambda r: r[4] == "Lift them.")[3] = "neutral"  # stance corrected
    _row(ass, lambda r: r[1] == "" and r[5] == "U")[2] = \
        "The extension buys time, and little more."  # edited in place
    ass += [[D(2019, 11, 27), "gsomia", "The pact is likely to hold while talks go on.",
             "Desk", "s1; s2", "U"],  # replaces the judgment of 25 November
            [D(2019, 11, 28), "trade", "QQSECRJUDGMENT on trade", "Desk", "s2", "S"]]
    return d


def third_edition() -> dict[str, list[list]]:
    d = second_edition()
    ass = d["Assessments"]
    d["Assessments"] = [r for r in ass if "WITHDRAWNTEXT" not in r[2]]  # withdrawn
    _row(d["Assessments"], lambda r: r[1] == "" and r[5] == "U")[5] = "C"  # re-marked up
    _row(d["Issues"], lambda r: r[0] == "hidden")[4] = "U"  # re-marked down
    d["Events"] += [
        ["e5", D(2019, 11, 29), "A report only a confidential source backs QQCONFBACKED", "",
         "statement", "moon-jae-in", "gsomia", 4, "s-conf", "U"],
        ["e6", D(2019, 11, 29), "Seoul and Tokyo agree to keep talking", "", "negotiation",
         "moon-jae-in; shinzo-abe", "gsomia; trade", 5, "s2", "U"]]
    return d


EDITIONS = (first_edition, second_edition, third_edition)


# -- the cut copy, by an independent reading of the rule -----------------------------------

def _ids(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\n]", cell or "") if part.strip()]


def cut_copy(data: dict[str, list[list]], ceiling: int) -> dict[str, list[list]]:
    """``data`` with every row above ``ceiling`` deleted, by its own marking or because
    everything it rests on or is about was deleted; references to deleted rows removed."""
    d = copy.deepcopy(data)
    gone: dict[str, set[str]] = {}
    for sheet, key in (("Actors", 0), ("Issues", 0), ("Sources", 0)):
        gone[sheet] = {r[key] for r in d[sheet] if RANK[r[-1]] > ceiling}
        d[sheet] = [r for r in d[sheet] if RANK[r[-1]] <= ceiling]

    def keep_refs(cell: str, sheet: str) -> str:
        return "; ".join(i for i in _ids(cell) if i not in gone[sheet])

    def rests_on_nothing(cell: str) -> bool:
        ids = _ids(cell)
        return bool(ids) and all(i in gone["Sources"] for i in ids)

    events = []
    for r in d["Events"]:
        if RANK[r[9]] > ceiling or rests_on_nothing(r[8]):
            continue
        r[5], r[6], r[8] = keep_refs(r[5], "Actors"), keep_refs(r[6], "Issues"), \
            keep_refs(r[8], "Sources")
        events.append(r)
    d["Events"] = events
    d["Positions"] = [
        r[:6] + [keep_refs(r[6], "Sources"), r[7]] for r in d["Positions"]
        if RANK[r[7]] <= ceiling and r[0] not in gone["Actors"] and r[1] not in gone["Issues"]
        and not rests_on_nothing(r[6])]
    d["Outlook"] = [
        r[:5] + [keep_refs(r[5], "Sources"), r[6]] for r in d["Outlook"]
        if RANK[r[6]] <= ceiling and not set(_ids(r[2])) & gone["Issues"]
        and not set(_ids(r[3])) & gone["Actors"] and not rests_on_nothing(r[5])]
    d["Assessments"] = [
        r[:4] + [keep_refs(r[4], "Sources"), r[5]] for r in d["Assessments"]
        if RANK[r[5]] <= ceiling and r[1] not in gone["Issues"]
        and not rests_on_nothing(r[4])]
    return d


def write_workbook(path: Path, data: dict[str, list[list]]) -> Path:
    import wbfactory

    return wbfactory.write(path, {sheet: [COLUMNS[sheet], *rows] for sheet, rows in
                                  data.items()})


def config_text(folder: Path, workbook: Path, port: int, ranks) -> str:
    """The desk's reports.toml: every memo at each ceiling of ``ranks``."""
    lines = [f'[paths]\nworkbook = "{workbook}"\noutput = "{folder / "published"}"\n'
             f'templates = "{ROOT / "templates"}"\n',
             '[desk]\noffice = "Desk"\nmarking = "UNCLASSIFIED"\ntimezone = "UTC"\n',
             f"[markings]\nlevels = {list(LEVELS)!r}\nportions = ['U', 'C', 'S']\n"
             "portion_marks = true\n".replace("'", '"'),
             f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsender = "desk@example.org"\n',
             f'[delivery]\ndrop_folder = "{folder / "drop"}"\n']
    for name, extra in MEMOS.items():
        kind = name.split("-")[0]
        for rank in ranks:
            tag = CEILINGS[rank]
            lines.append(f'[[memos]]\nid = "{name}-{tag}"\nkind = "{kind}"\n{extra}\n'
                         f'marking = "{LEVELS[rank]}"\nformats = ["docx", "html"]\n'
                         'schedule = { cron = "0 7 * * *" }\n'
                         f'recipients = [{{ name = "Reader", email = "{name}-{tag}@example.org" '
                         '}]\n')
    return "\n".join(lines)


class Desk:
    """One desk's folder, config and mail server, run through the three editions. The
    desk of the full workbook has every memo at both ceilings; a desk of a copy cut at
    a ceiling has the memos at that ceiling, the only ones compared with it."""

    def __init__(self, folder: Path, ceiling: int | None):
        self.folder, self.ceiling = folder, ceiling
        folder.mkdir(parents=True)
        self.mail = MailServer().start()
        self.book = folder / "book.xlsx"
        self.config = folder / "reports.toml"
        ranks = list(CEILINGS) if ceiling is None else [ceiling]
        self.config.write_text(config_text(folder, self.book, self.mail.port, ranks),
                               encoding="utf-8")

    def run(self, edition: int) -> int:
        data = EDITIONS[edition]()
        write_workbook(self.book, data if self.ceiling is None else
                       cut_copy(data, self.ceiling))
        return main(["run", "--config", str(self.config), "--now", RUNS[edition]])

    def published(self, rank: int) -> dict[str, bytes]:
        root = self.folder / "published" / FOLDERS[rank]
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file()}

    def dropped(self, rank: int) -> dict[str, bytes]:
        root = self.folder / "drop" / FOLDERS[rank]
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file()}

    def messages(self, rank: int) -> dict[str, list]:
        """recipient -> every message received, as (headers, decoded parts), in order."""
        found: dict[str, list] = {}
        for received in self.mail.received:
            rcpt = received.rcpt_tos[0]
            if not rcpt.endswith(f"-{CEILINGS[rank]}@example.org"):
                continue
            message = email.message_from_bytes(received.data, policy=policy.default)
            headers = {k: str(v) for k, v in message.items() if k not in ("Date",)}
            parts = [(part.get_content_type(), part.get_filename(),
                      part.get_payload(decode=True)) for part in message.walk()
                     if not part.is_multipart()]
            found.setdefault(rcpt, []).append((headers, parts))
        return found

    def recorded(self, rank: int) -> list[tuple]:
        """What the run record keeps for each build of the memos at ``rank``."""
        record = next(p for p in self.folder.glob("*.sqlite"))
        with sqlite3.connect(record) as conn:
            rows = conn.execute(
                "SELECT memo_id, as_of, revision, outcome, snapshot_json, mail_json "
                "FROM builds ORDER BY memo_id, as_of, id").fetchall()
        return [r for r in rows if r[0].endswith(f"-{CEILINGS[rank]}")]


@pytest.fixture(scope="module")
def desks(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("differential")
    desks = {"full": Desk(folder / "full", None)}
    desks.update({rank: Desk(folder / f"cut-{tag}", rank) for rank, tag in CEILINGS.items()})
    try:
        for edition in range(len(EDITIONS)):
            for name, desk in desks.items():
                code = desk.run(edition)
                assert code == 0, f"{name}: run {edition + 1} exited {code}"
        yield desks
    finally:
        for desk in desks.values():
            desk.mail.stop()


def text_of(name: str, data: bytes) -> str:
    if name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(html.unescape(zf.read(n).decode("utf-8", "replace"))
                             for n in zf.namelist())
    return html.unescape(data.decode("utf-8", "replace"))


@pytest.mark.parametrize("rank", list(CEILINGS))
def test_the_published_folder_is_the_same_as_from_the_cut_workbook(desks, rank):
    full, cut = desks["full"].published(rank), desks[rank].published(rank)
    assert sorted(full) == sorted(cut)
    differ = [name for name in full if full[name] != cut[name]]
    assert differ == [], f"differ from the cut workbook's: {differ}"
    # not equal by being empty: three editions of every memo, and the index
    memos = [f"{name}-{CEILINGS[rank]}" for name in MEMOS]
    for memo in memos:
        assert len([n for n in full if n.startswith(f"{memo}/") and
                    n.endswith(".docx")]) == 3, memo
    assert "index.html" in full


@pytest.mark.parametrize("rank", list(CEILINGS))
def test_every_message_is_the_same_as_from_the_cut_workbook(desks, rank):
    full, cut = desks["full"].messages(rank), desks[rank].messages(rank)
    assert sorted(full) == sorted(cut)
    for rcpt, messages in full.items():
        assert len(messages) == 3, rcpt  # one per edition
        assert messages == cut[rcpt], rcpt


@pytest.mark.parametrize("rank", list(CEILINGS))
def test_the_drop_folder_is_the_same_as_from_the_cut_workbook(desks, rank):
    full, cut = desks["full"].dropped(rank), desks[rank].dropped(rank)
    assert full and full == cut


@pytest.mark.parametrize("rank", list(CEILINGS))
def test_the_run_record_keeps_for_a_memo_only_its_cut(desks, rank):
    full, cut = desks["full"].recorded(rank), desks[rank].recorded(rank)
    assert full == cut
    assert all(row[4] for row in full if row[3] == "done"), "every edition keeps a snapshot"


def test_nothing_above_the_ceiling_in_any_edition_output_or_message(desks):
    """The canaries of higher rows appear nowhere at a lower ceiling (so the equalities
    above are not between two equally leaky outputs) and do appear above it."""
    full = desks["full"]
    for rank in CEILINGS:
        allowed = {"CONF"} if rank == 1 else set()
        texts = [text_of(n, b) for n, b in full.published(rank).items()]
        texts += [text_of(n, b) for n, b in full.dropped(rank).items()]
        texts += [text_of(name or "", payload or b"") for messages in
                  full.messages(rank).values() for _, parts in messages
                  for _, name, payload in parts]
        texts += [json.dumps(row, ensure_ascii=False) for row in full.recorded(rank)]
        found = {m.group(1) for text in texts for m in CANARY.finditer(text)}
        assert found - allowed == set(), f"{FOLDERS[rank]}: {found - allowed}"
        if rank == 1:
            assert "CONF" in found


def _page(desk: Desk, rank: int, memo: str, as_of: str) -> str:
    name = f"{memo}-{CEILINGS[rank]}"
    data = desk.published(rank)[f"{name}/{as_of}/{name}_{as_of}.html"]
    return html.unescape(data.decode("utf-8"))


def test_the_editions_say_what_changed_without_quoting_withdrawn_rows(desks):
    """The comparison is not vacuous: the unclassified weekly says what is new, and a row
    re-marked upward is gone from the next edition without a word of it."""
    full = desks["full"]
    first = _page(full, 0, "weekly", "2019-11-27")
    second = _page(full, 0, "weekly", "2019-11-28")
    assert "UPMARKED" in first and "FLIPEVENT" in _page(full, 0, "overview", "2019-11-27")
    assert "New since the last edition" in second
    assert "Secret visit made public" in second  # re-marked down: new to these readers
    for withdrawn in ("UPMARKED", "FLIPEVENT", "FLIPSOURCE", "UPPOSITION",
                      "Seoul says it will scrap GSOMIA"):
        for memo in MEMOS:
            assert withdrawn not in _page(full, 0, memo, "2019-11-28"), (memo, withdrawn)
    third = _page(full, 0, "issue-trade", "2019-11-29")
    assert "WITHDRAWNTEXT" not in third
    assert "Export controls: the judgment of 26 Nov 2019 is withdrawn" in third
    assert "UPPOSITION" in _page(full, 1, "issue-trade", "2019-11-28")  # shown above
    # the issue re-marked down to UNCLASSIFIED on the third day appears only then
    for day in ("2019-11-27", "2019-11-28"):
        assert "HIDDEN" not in _page(full, 0, "overview", day)
    assert "HIDDENISSUE" in _page(full, 0, "overview", "2019-11-29")


def test_a_judgment_replaced_revised_or_withdrawn_reads_as_such(desks):
    full = desks["full"]
    second = _page(full, 0, "issue-gsomia", "2019-11-28")
    assert re.search(r"Replaces the judgment of 25 Nov 2019 in the edition of 27 Nov 2019:"
                     r"\s*</span>\s*<del[^>]*>.*The pact will likely hold through 2020\.</del>"
                     r"\s*<ins[^>]*>.*The pact is likely to hold while talks go on\.</ins>",
                     second, re.S)
    weekly = _page(full, 0, "weekly", "2019-11-28")
    assert re.search(r"Revised since the edition of 27 Nov 2019:</span>\s*<ins[^>]*>.*"
                     r"The extension buys time, and little more\.</ins>", weekly, re.S)
    assert "The extension buys time.</del>" not in weekly  # no words of a gone row
    first = _page(full, 0, "weekly", "2019-11-27")
    assert "<del" not in first and "<ins" not in first  # a first edition marks nothing

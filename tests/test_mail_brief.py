"""The mail a reader gets: the subject a phone shows, attachments named by what they are,
a link to the HTML copy, a body laid out for a phone in the desk's time, and "what
changed" told as news.

Memos are built from the bundled workbook through the pipeline and mailed to a real SMTP
server on loopback (``send``), or written as .eml files by ``send --dry-run``; the
messages are read back with Python's e-mail parser, as a mail client does.
"""

from __future__ import annotations

import email
import re
from datetime import date, datetime
from email import policy
from pathlib import Path

import openpyxl
import pytest
import realtools
from fixtures_mail import (
    RECIPIENTS,
    add_event,
    run_due,
    smtp_server_fixture,  # noqa: F401  (the smtp_server fixture)
    write_config,
)

from reports.config.load import load_config
from reports.delivery.send import send_memo
from reports.errors import EXIT_OK
from reports.pipeline import build
from reports.tradecraft import Markings, short_marking

NOV25 = date(2019, 11, 25)


def dry_mail(tmp_path: Path, **config) -> email.message.EmailMessage:
    """The weekly of 25 Nov 2019, built and written by `send --dry-run` (nothing sent);
    its bytes as written are in ``msg.raw``."""
    cfg = load_config(write_config(tmp_path, port=1, cron="", recipients=RECIPIENTS[:1],
                                   **config))
    memo = cfg.memos[0]
    build(cfg, [memo], NOV25, jobs=1)
    assert send_memo(cfg, memo.id, NOV25, dry_run=True) == EXIT_OK
    [eml] = sorted((cfg.delivery.outbox if cfg.delivery.outbox.is_absolute() else
                    Path(cfg.path).parent / cfg.delivery.outbox).rglob("*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    msg.raw = eml.read_bytes()  # type: ignore[attr-defined]
    return msg


# --------------------------------------------------------------------------- the subject


@pytest.mark.parametrize(("banner", "short"), [
    ("UNCLASSIFIED // FOR OFFICIAL USE ONLY", "U//FOUO"), ("SECRET // NOFORN", "S//NOFORN"),
    ("TOP SECRET", "TS"), ("OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"),
    ("CONFIDENTIAL // REL TO USA, JPN", "C//RTUJ")])
def test_the_short_banner_is_made_from_the_banner(banner, short):
    assert short_marking(Markings.single(banner), banner) == short


def test_a_scheme_with_portion_marks_gives_its_portion_mark():
    scheme = Markings(("UNCLASSIFIED", "CONFIDENTIAL"), ("U", "C"))
    assert short_marking(scheme, "CONFIDENTIAL") == "C"
    assert short_marking(scheme, "UNCLASSIFIED") == "U"


@pytest.mark.parametrize(("desk", "subject"), [
    ('marking = "UNCLASSIFIED // FOR OFFICIAL USE ONLY"',
     "[U//FOUO] Japan-South Korea weekly update, 25 November 2019"),
    ('marking = "SECRET // NOFORN"', "[S//NOFORN] Japan-South Korea weekly update, "
                                     "25 November 2019")])
def test_the_subject_is_the_short_banner_then_the_title_and_date(tmp_path, desk, subject):
    cfg_text = write_config(tmp_path, port=1, cron="", recipients=RECIPIENTS[:1])
    text = cfg_text.read_text(encoding="utf-8").replace('marking = "UNCLASSIFIED"', desk)
    cfg_text.write_text(text, encoding="utf-8")
    cfg = load_config(cfg_text)
    build(cfg, [cfg.memos[0]], NOV25, jobs=1)
    assert send_memo(cfg, "weekly", NOV25, dry_run=True) == EXIT_OK
    [eml] = sorted((Path(cfg.path).parent / "outbox").rglob("*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["Subject"] == subject
    assert b"\r\nSubject: " + subject.encode() + b"\r\n" in eml.read_bytes()  # one line


# --------------------------------------------------------------------------- attachments


@pytest.mark.parametrize(("title", "name"), [
    ("Japan-South Korea weekly update", "Japan-South Korea weekly update, 25 November 2019"),
    ("한일 주간 동향", "한일 주간 동향, 25 November 2019"),
    ("日韓関係: 週報", "日韓関係 - 週報, 25 November 2019")])
def test_the_attachment_is_named_by_its_title_and_date(tmp_path, title, name):
    msg = dry_mail(tmp_path, title=title)
    files = {part.get_filename(): part for part in msg.iter_attachments()}
    assert list(files) == [f"{name}.docx"]
    named = [line for line in msg.raw.split(b"\r\n")
             if re.match(rb"(Subject|Content-Type|Content-Disposition):", line)]
    assert len(named) >= 4 and all(b < 128 for line in named for b in line)  # 7-bit headers
    disposition = next(line for line in named if b"filename" in line)
    if not name.isascii():  # RFC 2231, one parameter, as mail clients read it
        assert disposition.startswith(b"Content-Disposition: attachment; filename*=utf-8''")
    body = msg.get_body(("plain",)).get_content()
    assert f"Attached: {name}.docx." in body


# --------------------------------------------------------------------------- the body


def test_the_mail_links_to_the_html_copy_when_the_intranet_address_is_given(tmp_path):
    msg = dry_mail(tmp_path / "with", formats=("docx", "html"),
                   delivery='published_url = "https://intranet.example.org/briefings/"')
    url = "https://intranet.example.org/briefings/weekly/2019-11-25/weekly_2019-11-25.html"
    assert f"Read it on the intranet: {url}" in msg.get_body(("plain",)).get_content()
    assert f'<a href="{url}">' in msg.get_body(("html",)).get_content()
    plain = dry_mail(tmp_path / "without", formats=("docx", "html"))
    assert "intranet" not in plain.get_body(("plain",)).get_content()


def test_a_wrong_intranet_address_is_refused_by_name(tmp_path):
    from reports.errors import ConfigError

    path = write_config(tmp_path, port=1, cron="", delivery='published_url = "intranet/x"')
    with pytest.raises(ConfigError, match=r"delivery\.published_url.*not an http or https"):
        load_config(path)


@pytest.mark.needs_tool("chromium", "playwright")
def test_the_html_part_is_laid_out_for_a_phone(tmp_path):
    msg = dry_mail(tmp_path)
    page = msg.get_body(("html",)).get_content()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "Noto Sans CJK KR" in page and "Malgun Gothic" in page  # the memo's fonts
    assert "->" not in page and "-&gt;" not in page
    path = tmp_path / "mail.html"
    path.write_text(page, encoding="utf-8")
    with realtools.chromium_page(width=360, height=700) as view:
        view.goto(path.resolve().as_uri())
        found = view.evaluate("""() => ({wide: document.documentElement.scrollWidth,
            size: parseFloat(getComputedStyle(document.querySelector('li')).fontSize),
            first: document.querySelector('h2').textContent})""")
    assert found["wide"] <= 360 and found["size"] >= 14
    assert found["first"] == "Bottom line"
    assert realtools.axe_violations(path) == []


@pytest.mark.parametrize(("desk", "zone"), [
    ('timezone = "Asia/Seoul"', "+0900"), ('timezone = "UTC"', "+0000"),
    ("", "+0900")])  # no desk zone: the memo's schedule's (Asia/Seoul)
def test_every_time_in_the_mail_is_in_the_desks_zone(tmp_path, smtp_server, desk, zone):
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, desk=desk,
                                   recipients=RECIPIENTS[:1]))
    assert run_due(cfg, datetime.fromisoformat("2019-11-25T07:05+09:00")) == EXIT_OK
    [mail] = smtp_server.received
    assert re.search(rf" {re.escape(zone)}$", mail.message["Date"]), mail.message["Date"]


# --------------------------------------------------------------------------- what changed


def _add_judgment(workbook: Path, day: date, text: str) -> None:
    book = openpyxl.load_workbook(workbook)
    ws = book["Assessments"]
    cols = {c.value: c.column for c in ws[1] if c.value}
    row = ws.max_row + 1
    for name, value in (("as_of", day), ("judgment", text), ("confidence", "low"),
                        ("author", "Northeast Asia Desk"), ("whose", "desk"),
                        ("sources", "korea-herald-chung")):
        ws.cell(row, cols[name], value)
    book.save(workbook)


def _week(tmp_path: Path, smtp_server, change) -> list[str]:
    """The weekly of 18 Nov, then ``change`` to the workbook, then the weekly of 25 Nov:
    the second mail's "What changed" lines."""
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, recipients=RECIPIENTS[:1]))
    workbook = Path(cfg.workbook)
    _add_judgment(workbook, date(2019, 11, 15), "Seoul will let the pact lapse.")
    assert run_due(cfg, datetime.fromisoformat("2019-11-18T07:05+09:00")) == EXIT_OK
    change(workbook)
    assert run_due(cfg, datetime.fromisoformat("2019-11-25T07:05+09:00")) == EXIT_OK
    text = smtp_server.received[-1].message.get_body(("plain",)).get_content()
    text = text.replace("\r\n", "\n")
    part = text.split("What changed since 18 Nov 2019\n", 1)[1].split("\n\n", 1)[0]
    return [line[4:] for line in part.splitlines()]


def test_what_changed_leads_with_judgments_then_events_then_shifts_then_housekeeping(
        tmp_path, smtp_server):
    def change(workbook: Path) -> None:  # an event of 10 Nov entered late
        add_event(workbook, event_id="late", date=datetime(2019, 11, 10),
                  title="A call nobody reported", category="meeting", issues="gsomia",
                  significance=2)

    lines = _week(tmp_path, smtp_server, change)
    kinds = ["judgment" if ln.startswith("Judgment ") else "event" if re.match(
        r"\d+ Nov 2019: ", ln) else "shift" if " from " in ln else "chores"
        if ln.startswith("Also:") else ln for ln in lines]
    assert kinds == sorted(kinds, key=["judgment", "event", "shift", "chores"].index), lines
    assert lines[0].startswith("Judgment replaced: Overall: GSOMIA is likely to stay in force")
    assert "(likelihood: likely (55-80%); confidence: medium) (replaces the judgment of " \
           "15 Nov 2019)" in lines[0]
    assert lines[kinds.index("event")] == ("22 Nov 2019: Kim You-geun announces Seoul "
                                           "conditionally suspends its notice to end GSOMIA")
    assert "Moon Jae-in (문재인) on GSOMIA renewal: from opposes to conditional (19 Nov 2019)" \
        in lines
    assert re.fullmatch(r"Also: \d+ earlier entries added \(see the memo\)\.", lines[-1])
    assert "A call nobody reported" not in "\n".join(lines)  # housekeeping stays short


def test_nothing_new_is_said_as_such(tmp_path, smtp_server):
    cfg = load_config(write_config(tmp_path, port=smtp_server.port, recipients=RECIPIENTS[:1]))
    assert run_due(cfg, datetime.fromisoformat("2019-11-25T07:05+09:00")) == EXIT_OK
    assert run_due(cfg, datetime.fromisoformat("2019-12-02T07:05+09:00")) == EXIT_OK
    text = smtp_server.received[-1].message.get_body(("plain",)).get_content()
    assert "What changed since 25 Nov 2019\r\n  - Nothing new since 25 Nov 2019." in text or \
        "What changed since 25 Nov 2019\n  - Nothing new since 25 Nov 2019." in text
    # the key judgments still come first, each with its likelihood and confidence
    bottom = text.split("Bottom line", 1)[1]
    assert "  - 1. GSOMIA is likely to stay in force for now" in bottom
    assert "(likely (55-80%); confidence: medium)" in bottom

"""Clearance in a browser: real Chromium (Playwright) driving ``serve`` as a real process,
and a real SMTP server on loopback receiving what is sent.

The Monday run leaves a scheduled edition of each cleared memo waiting as a draft. A
clearer finds it under "Clearance", reads it (the archived HTML in the page, what
changed) and approves it: exactly one message reaches each reader, and the edition is
published with its index entry. Another clearer returns a draft with a comment: the
editors are mailed it, nobody else, and nothing is published. A reader browses the issued
editions of a memo, newest first, each as it was sent. Every new page passes axe-core and
the Nu HTML Checker and fits a phone.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import realtools
import sitetools
from browsertools import PHONE, browser_page, no_sideways_scroll, sign_in
from fixtures_mail import MailServer
from sitetools import EDITORS, READERS, Client, axe, axe_everywhere

from reports.config.load import load_config
from reports.schedule.record import RunRecord

pytestmark = pytest.mark.needs_tool("chromium", "playwright", "axe", "vnu")

USERS = {"lee": ("clearer", "UNCLASSIFIED", "lee@example.org"),
         "root": ("admin", "SECRET", "root@example.org"),
         "ann": ("clearer", "SECRET", "ann@example.org"),  # clears the secret memo only
         "park": ("reader", "SECRET"), "kim": ("staff", "CONFIDENTIAL")}
CLEARERS = {"weekly": ["lee@example.org", "root@example.org"],
            "secret-weekly": ["ann@example.org", "root@example.org"]}
NEXT_MONDAY = "2019-12-02T07:05+09:00"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The desk after the Monday run (both weekly memos wait as drafts), served."""
    mail = MailServer().start()
    config = sitetools.desk(tmp_path_factory.mktemp("clearance"), smtp_port=mail.port,
                            clearers=CLEARERS)
    sitetools.add_users(config, USERS)
    assert sitetools.run_at(config) == 0
    try:
        with sitetools.serving(config) as base:
            yield config, base, mail
    finally:
        mail.stop()


def readers_mailed(mail: MailServer, memo: str) -> Counter:
    return Counter(a for r in mail.received for a in r.rcpt_tos if a in READERS[memo])


def published(config, level: str, memo: str, day: str):
    return config.parent / "out" / level / memo / day


def test_the_clearers_were_mailed_a_link_to_the_draft_they_may_clear(desk):
    config, base, mail = desk
    mailed = {(a, r.message["Subject"].strip()) for r in mail.received for a in r.rcpt_tos}
    assert mailed == {
        ("lee@example.org", "[UNCLASSIFIED] For clearance: Weekly update, 25 November 2019 "
                            "(revision 1)"),
        ("root@example.org", "[UNCLASSIFIED] For clearance: Weekly update, 25 November 2019 "
                             "(revision 1)"),
        ("ann@example.org", "[CONFIDENTIAL] For clearance: Secret weekly, 25 November 2019 "
                            "(revision 1)"),
        ("root@example.org", "[CONFIDENTIAL] For clearance: Secret weekly, 25 November 2019 "
                             "(revision 1)")}
    link = f"{base}/drafts/weekly/2019-11-25"
    assert all(link in r.message.get_body(("plain",)).get_content() for r in mail.received
               if "Weekly update" in r.message["Subject"])


def test_a_clearer_reads_a_waiting_draft_approves_it_and_each_reader_gets_one_message(desk):
    config, base, mail = desk
    with browser_page() as page:
        sign_in(page, base, "lee")
        page.get_by_role("link", name="Clearance", exact=True).click()
        page.wait_for_url(f"{base}/drafts")
        assert page.get_by_role("link", name="Secret weekly, 25 November 2019").count() == 0
        page.get_by_role("link", name="Weekly update, 25 November 2019").click()
        page.wait_for_url(f"{base}/drafts/weekly/2019-11-25")
        status = page.get_by_role("status")
        assert "Revision 1" in status.inner_text() and "waits for clearance" in \
            status.inner_text()
        assert "2019-11-26 07:05 KST" in status.inner_text()  # the deadline, desk's zone
        frame = page.frame_locator("iframe.memo-frame")
        frame.locator("h1").wait_for()
        assert "Weekly update" in frame.locator("body").inner_text()
        assert page.get_by_role("heading", name="What changed").count() == 1
        assert axe(page) == []
        assert readers_mailed(mail, "weekly") == Counter()  # nothing sent before approval
        page.fill("#approve-note", "Read and agreed")
        with page.expect_navigation():
            page.get_by_role("button", name="Approve and send").click()
        text = page.get_by_role("status").inner_text()
        assert "Approved by lee" in text and "Read and agreed" in text
        assert "sent to 2 readers" in text
        assert page.locator("form[action$='/approve']").count() == 0
        assert axe(page) == []
    assert readers_mailed(mail, "weekly") == Counter(READERS["weekly"])  # one each
    folder = published(config, "unclassified", "weekly", "2019-11-25")
    assert (folder / "weekly_2019-11-25.docx").is_file()
    assert "weekly/2019-11-25/weekly_2019-11-25.html" in \
        (folder.parents[1] / "index.html").read_text(encoding="utf-8")
    # A second approval (an old page sent again) sends nothing twice.
    client = Client(base)
    client.sign_in("root")
    token = client.csrf()
    client.request("POST", "/drafts/weekly/2019-11-25/approve",
                   form={"csrf": token, "revision": "1"}, headers={"Origin": base})
    assert readers_mailed(mail, "weekly") == Counter(READERS["weekly"])


def test_a_clearer_returns_a_draft_and_only_the_editors_are_mailed(desk):
    config, base, mail = desk
    with browser_page() as page:
        sign_in(page, base, "ann", "/drafts")
        page.get_by_role("link", name="Secret weekly, 25 November 2019").click()
        page.wait_for_url(f"{base}/drafts/secret-weekly/2019-11-25")
        assert page.locator("p.marking-top").inner_text() == "CONFIDENTIAL"
        page.get_by_role("button", name="Return to the editors").click()  # no comment yet
        assert page.url == f"{base}/drafts/secret-weekly/2019-11-25"
        assert page.locator("#return-note").evaluate("e => e.validity.valueMissing")
        page.fill("#return-note", "The second event's date is wrong: check the source.")
        with page.expect_navigation():
            page.get_by_role("button", name="Return to the editors").click()
        text = page.get_by_role("status").inner_text()
        assert "Returned by ann" in text and "nothing was sent" in text
        assert "The second event's date is wrong" in page.locator("blockquote").inner_text()
        assert page.locator("form[action$='/approve']").count() == 0
        assert axe(page) == []
    told = [r for r in mail.received if set(r.rcpt_tos) & set(EDITORS)]
    assert len(told) == 1
    assert "Returned by the clearer: Secret weekly" in told[0].message["Subject"]
    assert "The second event's date is wrong: check the source." in \
        told[0].message.get_body(("plain",)).get_content()
    assert readers_mailed(mail, "secret-weekly") == Counter()
    assert not published(config, "secret", "secret-weekly", "2019-11-25").exists()
    with RunRecord.open(load_config(config).run_record_path, readonly=True) as record:
        (returned,) = record.clearances("secret-weekly")
        assert (returned.action, returned.by, returned.via) == ("returned", "ann", "site")


def _next_week_issued(config) -> None:
    """The next Monday's run, and its weekly draft approved (the secret one waits)."""
    from reports.schedule.clearance import approve

    assert sitetools.run_at(config, NEXT_MONDAY) == 0
    cfg = load_config(config)
    for day in (date(2019, 11, 25), date(2019, 12, 2)):
        approve(cfg, "weekly", day, by="lee", via="command line")


def test_a_reader_browses_the_issued_editions_of_a_memo_newest_first(desk):
    config, base, mail = desk
    _next_week_issued(config)
    with RunRecord.open(load_config(config).run_record_path, readonly=True) as record:
        latest = record.issued_revision("weekly", date(2019, 12, 2))
    changes = latest.mail["summary"]["changes"]
    with browser_page() as page:
        sign_in(page, base, "park")
        assert page.get_by_role("link", name="Clearance", exact=True).count() == 0
        page.get_by_role("link", name="Editions of Weekly update").click()
        page.wait_for_url(f"{base}/editions/weekly")
        headings = page.locator("main h2").all_inner_texts()
        assert headings == ["Weekly update, 2 December 2019", "Weekly update, 25 November 2019"]
        first = page.locator("section.edition").first
        assert "approved by lee" in first.inner_text()
        for line in changes:
            assert line in first.inner_text()
        assert axe(page) == []
        with page.expect_navigation():
            first.get_by_role("link", name="Read it (HTML)").click()
        assert page.url == f"{base}/editions/weekly/2019-12-02/r1.html"
        assert "2 December 2019" in page.locator("body").inner_text()
        # The secret memo's new draft is not an edition; and drafts are not for readers.
        page.goto(f"{base}/editions/secret-weekly")
        assert "No edition of Secret weekly has been issued yet" in \
            page.locator("main").inner_text()
        assert page.goto(f"{base}/drafts").status == 403


def test_the_clearance_pages_are_valid_html_accessible_and_fit_a_phone(desk, tmp_path):
    config, base, _ = desk
    if sitetools.run_at(config, NEXT_MONDAY) != 0:  # done already by the test above: idle
        pytest.fail("the next Monday's run failed")
    paths = ["/drafts", "/drafts/secret-weekly/2019-12-02", "/drafts/secret-weekly/2019-11-25",
             "/drafts/weekly/2019-11-25", "/editions/weekly", "/editions/secret-weekly", "/"]
    client = Client(base)
    client.sign_in("root")
    files = {}
    for i, path in enumerate(paths):
        status, _, html = client.get(path)
        assert status == 200, path
        files[path] = tmp_path / f"page{i}.html"
        files[path].write_bytes(html)
    with ThreadPoolExecutor(1) as pool:  # the Nu HTML Checker (Java) beside Chromium
        checked = pool.submit(realtools.vnu_errors_many, list(files.values()))
        with browser_page() as page:  # one context, one sign-in: each page at both widths
            axe_everywhere(page)
            wide = page.viewport_size
            page.set_viewport_size(PHONE)
            sign_in(page, base, "root")  # at a phone's width (the other tests: wide)
            for viewport in (PHONE, wide):
                page.set_viewport_size(viewport)
                for path in paths:
                    page.goto(base + path)
                    assert axe(page) == [], (path, viewport)
                    assert no_sideways_scroll(page), (path, viewport)
        errors = checked.result()
    assert {p: errors[f] for p, f in files.items() if errors[f]} == {}

"""The site in real Chromium (Playwright), served by ``serve`` as a real process.

Staff sign in with the keyboard, save a broken workbook and see its problems appear
without a reload, fix it and see them go; a clearer previews a memo (the HTML in the
page, the .docx downloaded); a reader sees the memo list and nothing more. Every page
is checked with axe-core and the Nu HTML Checker, and on a phone's width.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import realtools
import sitetools
from browsertools import PHONE, browser_page, no_sideways_scroll, sign_in
from sitetools import Client, axe, axe_everywhere

pytestmark = pytest.mark.needs_tool("chromium", "playwright", "axe", "vnu")

USERS = {"kim": ("staff", "CONFIDENTIAL"), "lee": ("clearer", "UNCLASSIFIED"),
         "park": ("reader", "SECRET"), "root": ("admin", "SECRET")}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    config = sitetools.desk(tmp_path_factory.mktemp("site"))
    sitetools.add_users(config, USERS)
    with sitetools.serving(config) as base:
        yield config, base


def test_staff_see_problems_appear_and_go_as_the_workbook_is_saved(desk):
    config, base = desk
    book = config.parent / "wb" / "book.xlsx"
    with browser_page() as page:
        sign_in(page, base, "kim", "/workbook")
        status = page.locator("#problem-status")
        assert "no problems" in status.inner_text()
        page.evaluate("window.notReloaded = true")
        sitetools.marked(book, open_error=True)  # a date typed 22/08/2019
        page.locator("#problems td.value", has_text="22/08/2019").wait_for(timeout=20_000)
        assert page.evaluate("window.notReloaded === true")  # no reload: updated in place
        row = page.locator("#problems tr", has_text="22/08/2019").inner_text()
        assert "Events!B2" in row and "error" in row
        assert "1 error" in status.inner_text()
        assert "No memo can be built" in status.inner_text()
        assert axe(page) == []
        sitetools.marked(book, near_miss=True)  # fixed, but a position names "secret-actr"
        # The "did you mean" names a SECRET actor: withheld from a CONFIDENTIAL reader.
        page.locator("#problem-status", has_text="no problems, and 2 more").wait_for(
            timeout=20_000)
        assert page.locator("#problems td.value", has_text="22/08/2019").count() == 0
        text = " ".join(page.locator("#problems").inner_text().split())
        assert "no problems, and 2 more in rows above your level (1 of them error)" in text
        assert "secret-actor" not in text and "secret-actr" not in text
        sitetools.marked(book)
        # The error withheld before this save is gone: "The memos can be built." (a bare
        # "no problems" would match the status before the save, "no problems, and 2 more").
        page.locator("#problem-status", has_text="The memos can be built.").wait_for(
            timeout=20_000)
        assert "(0 of them errors)" in status.inner_text()
        assert page.evaluate("window.notReloaded === true")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the annotated copy (.xlsx)").click()
        assert download.value.suggested_filename == "book-cut-problems.xlsx"


def test_a_clearer_previews_a_memo_and_downloads_its_word_file(desk):
    _, base = desk
    with browser_page() as page:
        sign_in(page, base, "lee")
        assert page.get_by_role("link", name="Secret weekly").count() == 0
        assert page.get_by_role("link", name="Workbook").count() == 0
        page.get_by_role("link", name="GSOMIA brief", exact=True).click()
        page.fill("#as_of", "2019-11-25")
        with page.expect_navigation():
            page.get_by_role("button", name="Show").click()
        frame = page.frame_locator("iframe.memo-frame")
        frame.locator("h1").wait_for()
        assert "GSOMIA" in frame.locator("body").inner_text()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the Word memo (.docx)").click()
        path = download.value.path()
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(Path(path).read_bytes()))
                         .paragraphs)
        assert "The question" in text and "Kyodo News, “Seoul reverses course”" in text
        assert axe(page) == []
        assert page.goto(f"{base}/workbook").status == 403


def test_a_reader_sees_the_memos_of_their_level_and_no_preview(desk):
    _, base = desk
    with browser_page() as page:
        sign_in(page, base, "park")
        body = page.locator("main").inner_text()
        assert "Secret weekly" in body and "Weekly update" in body
        assert page.locator("main a[href^='/memos/']").count() == 0
        assert page.goto(f"{base}/memos/weekly").status == 403
        page.goto(f"{base}/")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign out").click()
        assert page.url.startswith(f"{base}/signin")
        assert page.goto(f"{base}/").url.startswith(f"{base}/signin")


def test_a_user_removed_while_the_page_is_open_is_sent_to_the_sign_in_page(desk, tmp_path):
    config, base = desk
    sitetools.add_users(config, {"temp": ("staff", "SECRET")})
    with browser_page() as page:
        sign_in(page, base, "temp", "/workbook")
        page.locator("#problem-status").wait_for()
        sitetools.remove_user(config, "temp")
        sitetools.marked(config.parent / "wb" / "book.xlsx")  # a save: the page asks again
        page.wait_for_url(f"{base}/signin?next=/workbook", timeout=20_000)


def _pages(base: str, client: Client) -> dict[str, bytes]:
    return {path: client.get(path)[2] for path in (
        "/", "/workbook", "/memos/weekly?as_of=2019-11-25", "/memos/nope", "/users",
        "/memos/weekly?as_of=not-a-date")}


def test_every_page_is_valid_html_accessible_and_fits_a_phone(desk, tmp_path):
    _, base = desk
    client = Client(base)
    signin_page = client.get("/signin")[2]
    client.sign_in("root")
    files = {}
    for i, (path, html) in enumerate({"/signin": signin_page, **_pages(base, client)}.items()):
        files[path] = tmp_path / f"page{i}.html"
        files[path].write_bytes(html)
    with ThreadPoolExecutor(1) as pool:  # the Nu HTML Checker (Java) beside Chromium
        checked = pool.submit(realtools.vnu_errors_many, list(files.values()))
        with browser_page() as page:  # one context, one sign-in: each page at both widths
            axe_everywhere(page)
            wide = page.viewport_size
            for viewport in (wide, PHONE):
                page.set_viewport_size(viewport)
                page.goto(f"{base}/signin")
                assert axe(page) == [] and no_sideways_scroll(page)
            sign_in(page, base, "root")  # at a phone's width (the other tests: wide)
            for viewport in (PHONE, wide):
                page.set_viewport_size(viewport)
                for path in files:
                    if path == "/signin":
                        continue
                    page.goto(base + path)
                    assert axe(page) == [], (path, viewport)
                    assert no_sideways_scroll(page), (path, viewport)
        errors = checked.result()
    assert {p: errors[f] for p, f in files.items() if errors[f]} == {}

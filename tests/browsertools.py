"""Driving the site in real Chromium (Playwright): a fresh context, signing in with the
keyboard, axe-core, the width of a phone. Not a test module."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import realtools
from sitetools import PASSWORD

PHONE = {"width": 375, "height": 740}


@contextlib.contextmanager
def browser_page(viewport: dict | None = None) -> Iterator[Any]:
    """A fresh Chromium context (no cookies), allowed to reach the loopback site only;
    CSP bypassed only so that the test can inject axe-core."""
    realtools.require("chromium", "playwright")
    context = realtools._browser().new_context(
        viewport=viewport or {"width": 1100, "height": 900}, bypass_csp=True,
        accept_downloads=True)
    try:
        page = context.new_page()
        yield page
    finally:
        context.close()


def sign_in(page: Any, base: str, name: str, then: str = "/") -> None:
    """Sign in as a person would: the keyboard only."""
    page.goto(f"{base}/signin?next={then}")
    page.keyboard.press("Tab")  # the site's name link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "name"
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}{then}"


def axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(realtools.axe_js()))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})" for v in found]


def no_sideways_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

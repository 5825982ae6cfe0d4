"""Who may see what on the site, tried against ``serve`` running as a real process.

Every route unauthenticated and as each role at each level; memos and problems above a
user's level; the annotated copy whole or cut; CSRF, path traversal, URL guessing,
sign-in throttling, the security headers and cookies, the proxy's sign-on header.
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
import sitetools
from sitetools import PASSWORD, SECRET_ID, SECRET_WORDS, Client

from reports.site.access import GRANTS, ROLES

PAGES = {  # path -> the part of the site it belongs to
    "/": "memos",
    "/workbook": "problems",
    "/workbook/problems": "problems",
    "/workbook/annotated.xlsx": "annotated",
    "/memos/weekly": "preview",
    "/memos/weekly/preview.html?as_of=2019-11-25": "preview",
    "/memos/weekly/preview.docx?as_of=2019-11-25": "preview",
    "/users": "users",
}
NOT_PAGES = ("/workbook/problems",)  # answered 401, not sent to the sign-in page
USERS = {f"{role}-{level[0].lower()}": (role, level)
         for role in ROLES for level in sitetools.LEVELS}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    config = sitetools.desk(tmp_path_factory.mktemp("site"))
    sitetools.add_users(config, USERS)
    with sitetools.serving(config) as base:
        yield config, base


@pytest.fixture(scope="module")
def site(served):
    return served[1]


def test_the_enumeration_covers_every_route_of_the_site():
    from reports.site import pages, signin

    patterns = [re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/?]+", re.escape(path))
                           + "(\\?.*)?$")
                for path, methods, *_ in pages.ROUTES + signin.ROUTES if "GET" in methods]
    assert len(patterns) == 8
    covered = list(PAGES) + ["/workbook/events"]
    assert all(any(p.match(path) for path in covered) for p in patterns)


def first_event(base: str, client: Client) -> tuple[int, str]:
    """The status of /workbook/events and its first event (the stream is left open)."""
    import http.client

    conn = http.client.HTTPConnection(client.host, client.port, timeout=60)
    conn.request("GET", "/workbook/events", headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())})
    response = conn.getresponse()
    lines = []
    if response.status == 200:
        while (line := response.fp.readline().decode()) not in ("\n", "\r\n", ""):
            lines.append(line)
    conn.close()
    return response.status, "".join(lines)


@pytest.mark.parametrize("name", ["staff-u", "admin-s", "clearer-s", "reader-s", None])
def test_the_live_problems_stream_is_for_staff_and_cut_to_their_level(site, name):
    client = signed_in(site, name) if name else Client(site)
    status, event = first_event(site, client)
    role = USERS[name][0] if name else None
    if name is None:
        assert status == 401
    elif role in GRANTS["problems"]:
        assert status == 200 and "\nevent: problems\n" in event  # after the chunk size
        assert (SECRET_ID in event) == (name == "admin-s")
    else:
        assert status == 403


def signed_in(base: str, name: str) -> Client:
    client = Client(base)
    assert client.sign_in(name) == 303
    return client


def test_every_route_needs_a_signed_in_user_except_the_sign_in_page(site):
    anonymous = Client(site)
    for path in PAGES:
        status, headers, body = anonymous.get(path)
        if path in NOT_PAGES:
            assert status == 401, path
        else:
            assert status == 303 and headers["location"].startswith("/signin?next="), path
        assert SECRET_WORDS.encode() not in body and b"weekly" not in body.lower()
    status, _, _ = anonymous.request("POST", "/signout", form={"csrf": "x"})
    assert status == 303
    assert anonymous.get("/signin")[0] == 200
    assert anonymous.get("/static/site.css")[0] == 200  # the sign-in page's style


@pytest.mark.parametrize("name", sorted(USERS))
def test_each_role_at_each_level_reaches_exactly_its_pages(site, name):
    role, level = USERS[name]
    client = signed_in(site, name)
    for path, part in PAGES.items():
        status, _, body = client.get(path)
        allowed = role in GRANTS[part]
        assert (status == 200) == allowed, (name, path, status)
        if not allowed:
            assert status == 403 and f"Your role ({role})".encode() in body
    _, _, home = client.get("/")
    assert (b"Secret weekly" in home) == (level == "SECRET")
    assert b"Weekly update" in home and b"GSOMIA brief" in home


def test_a_memo_above_the_level_answers_as_one_that_does_not_exist(site):
    low = signed_in(site, "staff-c")
    for suffix in ("", "/preview.html", "/preview.docx"):
        hidden = low.get(f"/memos/secret-weekly{suffix}?as_of=2019-11-25")
        missing = low.get(f"/memos/secret-weeklz{suffix}?as_of=2019-11-25")
        assert hidden[0] == missing[0] == 404
        assert hidden[2].replace(b"secret-weekly", b"X") == \
            missing[2].replace(b"secret-weeklz", b"X")
    high = signed_in(site, "staff-s")
    assert high.get("/memos/secret-weekly?as_of=2019-11-25")[0] == 200
    status, headers, docx = high.get("/memos/secret-weekly/preview.docx?as_of=2019-11-25")
    assert status == 200 and docx.startswith(b"PK")
    assert "attachment" in headers["content-disposition"]


def test_previews_write_nothing_to_the_output_folder(served):
    config, base = served
    client = signed_in(base, "admin-s")
    for memo in ("weekly", "issue-gsomia", "secret-weekly"):
        for suffix in ("", "/preview.html", "/preview.docx"):
            assert client.get(f"/memos/{memo}{suffix}?as_of=2019-11-22")[0] == 200
    written = sorted(p.name for p in (config.parent / "out").rglob("*"))
    assert [n for n in written if not n.startswith("ledger.sqlite")] == []


def test_problems_in_rows_above_the_level_are_counted_without_their_words(site):
    low = signed_in(site, "staff-c")
    _, _, page = low.get("/workbook")
    text = page.decode()
    assert SECRET_ID not in text and SECRET_WORDS not in text
    assert " ".join(text.split()).count(
        "no problems, and 1 more in rows above your level (0 of them errors), not shown") == 1
    assert "The memos can be built" in text
    high = signed_in(site, "admin-s")
    _, _, page = high.get("/workbook/problems")
    assert SECRET_ID in page.decode() and "not shown" not in page.decode()
    assert "Actors!A4" in page.decode() and "unused-actor" in page.decode()


def _all_text(xlsx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_the_annotated_copy_is_whole_only_for_the_highest_level_present(site):
    for name in ("staff-u", "staff-c"):
        status, headers, data = signed_in(site, name).get("/workbook/annotated.xlsx")
        assert status == 200 and "-cut-problems.xlsx" in headers["content-disposition"]
        text = _all_text(data)
        assert SECRET_WORDS not in text and SECRET_ID not in text
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Actors"]
        assert sheet["A2"].value == "moon-jae-in" and sheet["A4"].value is None
        assert openpyxl.load_workbook(io.BytesIO(data))["Problems"]["F2"].value == \
            "No problems found."
    _, _, data = signed_in(site, "staff-u").get("/workbook/annotated.xlsx")
    actors = openpyxl.load_workbook(io.BytesIO(data))["Actors"]
    assert actors["A3"].value is None and actors["B3"].value is None  # CONFIDENTIAL row
    status, headers, data = signed_in(site, "admin-s").get("/workbook/annotated.xlsx")
    assert status == 200 and "-cut-" not in headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "Problems" and book["Actors"]["B4"].value == SECRET_WORDS
    assert SECRET_ID in book["Actors"]["A4"].comment.text


def test_a_state_change_needs_the_page_token_and_this_sites_origin(site):
    client = signed_in(site, "reader-u")
    token = client.csrf()
    for form, headers in (({}, {}), ({"csrf": "forged"}, {}),
                          ({"csrf": token}, {"Origin": "https://evil.example"}),
                          ({"csrf": token}, {"Sec-Fetch-Site": "cross-site"})):
        status, _, body = client.request("POST", "/signout", form=form, headers=headers)
        assert status == 403 and b"not sent from this site" in body
        assert client.get("/")[0] == 200  # still signed in
    status, headers, _ = client.request("POST", "/signout", form={"csrf": token},
                                        headers={"Origin": site})
    assert status == 303 and client.get("/")[0] == 303  # signed out: the session is gone


def test_signing_in_needs_the_forms_own_token(site):
    client = Client(site)
    status, _, body = client.request("POST", "/signin", form={
        "csrf": "guess", "name": "admin-s", "password": PASSWORD})
    assert status == 403 and b"out of date" in body
    assert client.get("/")[0] == 303


@pytest.mark.parametrize("path", [
    "/static/..%2f..%2freports.toml", "/static/%2e%2e/%2e%2e/reports.toml",
    "/static/../../reports.toml", "/static/memo.docx", "/static/base.html",
    "/static/..%5c..%5creports.toml", "/workbook/..%2f..%2freports.toml",
    "/memos/..%2f..%2freports.toml", "/memos/weekly/preview.toml",
    "/memos/weekly/preview.%2e%2e%2fledger.sqlite"])
def test_no_path_leaves_its_folder(site, path):
    client = signed_in(site, "admin-s")
    status, _, body = client.get(path)
    assert status == 404, path
    assert b"[paths]" not in body and b"SQLite" not in body


def test_sign_in_is_throttled_after_repeated_failures(site):
    client = Client(site)
    for _ in range(5):
        assert client.sign_in("clearer-u", "wrong password here") == 400
    status, _, body = client.request("POST", "/signin", form={
        "csrf": re.search(rb'name="csrf" value="([^"]+)"', client.get("/signin")[2]).group(1)
        .decode(), "name": "clearer-u", "password": PASSWORD})
    assert status == 429 and b"Too many failed sign-ins" in body
    assert client.get("/")[0] == 303
    # Another name is not locked out, and a name that does not exist fails the same way.
    assert Client(site).sign_in("clearer-c") == 303
    assert Client(site).sign_in("nobody-at-all", "wrong password here") == 400


def test_every_response_carries_the_security_headers_and_cookies_are_safe(site):
    client = Client(site)
    client.sign_in("admin-s")
    for path in ["/signin", "/", "/workbook", "/memos/weekly", "/no/such/page",
                 "/static/site.css"]:
        _, headers, _ = client.get(path)
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # not over TLS
    _, headers, _ = client.get("/memos/weekly/preview.html?as_of=2019-11-25")
    assert "sandbox" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]
    for line in client.set_cookies:
        lower = line.lower()
        assert "httponly" in lower and "samesite=strict" in lower and "secure" not in lower


def test_the_proxy_header_signs_in_only_from_a_trusted_proxy(tmp_path):
    trusted = sitetools.desk(tmp_path / "a", site='proxy_header = "X-Remote-User"\n'
                             'trusted_proxies = ["127.0.0.1"]')
    untrusted = sitetools.desk(tmp_path / "b", site='proxy_header = "X-Remote-User"\n'
                               'trusted_proxies = ["10.9.9.9"]')
    for config in (trusted, untrusted):
        sitetools.add_users(config, {"kim": ("staff", "CONFIDENTIAL")})
    with sitetools.serving(trusted) as base:
        client = Client(base, headers={"X-Remote-User": "kim", "X-Forwarded-Proto": "https"})
        status, headers, body = client.get("/workbook")
        assert status == 200 and b"kim (staff, CONFIDENTIAL)" in body
        assert "strict-transport-security" in headers  # the proxy says TLS
        assert any("secure" in c.lower() for c in client.set_cookies)
        status, _, _ = Client(base, headers={"X-Remote-User": "mallory"}).get("/")
        assert status == 303  # no account: not signed in
    with sitetools.serving(untrusted) as base:
        status, headers, _ = Client(base, headers={"X-Remote-User": "kim"}).get("/workbook")
        assert status == 303 and headers["location"].startswith("/signin")


def test_served_over_tls_the_cookies_are_secure_and_hsts_is_sent(tmp_path):
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.fail("openssl is needed to make a test certificate (Debian package openssl)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                    "/CN=127.0.0.1", "-days", "2", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True,
                   timeout=120)
    config = sitetools.desk(tmp_path / "desk", site=f'tls_cert = "{tmp_path / "cert.pem"}"\n'
                            f'tls_key = "{tmp_path / "key.pem"}"')
    sitetools.add_users(config, {"kim": ("staff", "SECRET")})
    with sitetools.serving(config, tls=True) as base:
        client = Client(base)
        assert client.sign_in("kim") == 303
        status, headers, _ = client.get("/workbook")
        assert status == 200
        assert headers["strict-transport-security"] == "max-age=31536000"
        assert client.set_cookies and all(
            "; secure" in c.lower() and "httponly" in c.lower() for c in client.set_cookies)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/",
                                    "/\\evil.example", "javascript:alert(1)", ""])
def test_signing_in_never_sends_the_user_to_another_site(site, target):
    client = Client(site)
    _, _, page = client.get("/signin")
    token = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
    status, headers, _ = client.request("POST", "/signin", form={
        "csrf": token, "next": target, "name": "reader-u", "password": PASSWORD})
    assert status == 303 and headers["location"] == "/"

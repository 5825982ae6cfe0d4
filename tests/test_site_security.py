"""Who may see what on the site, tried against ``serve`` running as a real process.

Every route unauthenticated and as each role at each level; memos and problems above a
user's level; the annotated copy whole or cut; drafts only for their memo's clearers and
admins at the level, approve and return only for the clearers named; issued editions for
every role at the level, drafts never among them; CSRF, path traversal, URL guessing,
sign-in throttling, the security headers and cookies, the proxy's sign-on header.
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
import sitetools
from fixtures_mail import MailServer, add_distribution
from sitetools import EDITORS, PASSWORD, READERS, SECRET_ID, SECRET_WORDS, Client

from reports.config.load import load_config
from reports.schedule.record import RunRecord
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
    "/drafts": "clear",
    "/editions/weekly": "editions",
}
NOT_PAGES = ("/workbook/problems",)  # answered 401, not sent to the sign-in page
USERS = {f"{role}-{level[0].lower()}": (role, level, f"{role}-{level[0].lower()}@example.org")
         for role in ROLES for level in sitetools.LEVELS}
# Who each memo names as its clearers: some whose role or level cannot clear it.
CLEARERS = {"weekly": ["clearer-u", "clearer-s", "admin-c", "staff-u", "reader-u"],
            "secret-weekly": ["clearer-u", "clearer-s", "admin-s"]}
LEVEL = {"weekly": 0, "secret-weekly": 2}
DAY = "2019-11-25"


def reads_draft(name: str, memo: str) -> bool:
    """The rule: its clearers and admins, at or above its level (role permitting)."""
    role, level, _ = USERS[name]
    return role in GRANTS["clear"] and sitetools.LEVELS.index(level) >= LEVEL[memo] and (
        role == "admin" or name in CLEARERS[memo])


def clears(name: str, memo: str) -> bool:
    role, level, _ = USERS[name]
    return role in GRANTS["clear"] and sitetools.LEVELS.index(level) >= LEVEL[memo] and \
        name in CLEARERS[memo]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The desk with a user of each role at each level (each with an address), its two
    weekly memos scheduled and cleared: the Monday run made both drafts, and the secret
    one was approved (an issued SECRET edition); the other waits."""
    from reports.schedule.clearance import approve

    mail = MailServer().start()
    config = sitetools.desk(tmp_path_factory.mktemp("site"), smtp_port=mail.port, clearers={
        memo: [f"{name}@example.org" for name in names] for memo, names in CLEARERS.items()})
    sitetools.add_users(config, {**USERS, "locked-out": ("clearer", "UNCLASSIFIED"),
                                 "not-locked-out": ("clearer", "CONFIDENTIAL")})
    assert sitetools.run_at(config) == 0
    approve(load_config(config), "secret-weekly", None, by="clearer-s", via="command line")
    try:
        with sitetools.serving(config) as base:
            yield config, base, mail
    finally:
        mail.stop()


@pytest.fixture(scope="module")
def site(served):
    return served[1]


DRAFT_PATHS = [f"/drafts/{{memo}}/{DAY}", f"/drafts/{{memo}}/{DAY}/r1.html",
               f"/drafts/{{memo}}/{DAY}/r1.docx"]
EDITION_PATHS = ["/editions/{memo}", f"/editions/{{memo}}/{DAY}/r1.html",
                 f"/editions/{{memo}}/{DAY}/r1.docx"]
POSTS = ["/signout", f"/drafts/weekly/{DAY}/approve", f"/drafts/weekly/{DAY}/return"]


def test_the_enumeration_covers_every_route_of_the_site():
    from reports.site import clearance, editions, pages, signin

    routes = pages.ROUTES + signin.ROUTES + clearance.ROUTES + editions.ROUTES
    patterns = {method: [re.compile("^" + re.sub(r"\\\{[\w:]+\\\}", "[^/?]+",
                                                 re.escape(path)) + "(\\?.*)?$")
                         for path, methods, *_ in routes if method in methods]
                for method in ("GET", "POST")}
    assert len(patterns["GET"]) == 13 and len(patterns["POST"]) == 3
    covered = list(PAGES) + ["/workbook/events"] + [
        p.format(memo="weekly") for p in DRAFT_PATHS + EDITION_PATHS]
    assert all(any(p.match(path) for path in covered) for p in patterns["GET"])
    assert all(any(p.match(path) for path in POSTS) for p in patterns["POST"])


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


_SIGNED_IN: dict[tuple[str, str], Client] = {}  # (site, name) -> a client signed in there


def signed_in(base: str, name: str, fresh: bool = False) -> Client:
    """A client signed in as ``name``: one per user and site, kept for the module's later
    tests (each sign-in is an Argon2 check of a fifth of a second on the server), unless
    ``fresh``: a session of its own, for a test that ends it. No test here changes a
    user or ends a kept session, so a kept one stays as good as a new one."""
    if not fresh and (base, name) in _SIGNED_IN:
        return _SIGNED_IN[(base, name)]
    client = Client(base)
    assert client.sign_in(name) == 303
    if not fresh:
        _SIGNED_IN[(base, name)] = client
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
    for path in [p.format(memo=m) for p in DRAFT_PATHS + EDITION_PATHS
                 for m in ("weekly", "secret-weekly")]:
        status, headers, body = anonymous.get(path)
        assert status == 303 and headers["location"].startswith("/signin?next="), path
        assert body == b""
    for path in POSTS:
        status, headers, _ = anonymous.request("POST", path, form={"csrf": "x", "revision": "1",
                                                                   "note": "no"})
        assert status == 303 and headers["location"].startswith("/signin"), path
    assert anonymous.get("/signin")[0] == 200
    assert anonymous.get("/static/site.css")[0] == 200  # the sign-in page's style


@pytest.mark.parametrize("name", sorted(USERS))
def test_each_role_at_each_level_reaches_exactly_its_pages(site, name):
    role, level, _ = USERS[name]
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
    config, base, _ = served
    client = signed_in(base, "admin-s")

    def written() -> dict[str, bytes]:
        return {p.as_posix(): p.read_bytes() for p in sorted((config.parent / "out").rglob("*"))
                if p.is_file()}

    before = written()
    assert all("secret-weekly" in name or name.endswith("index.html") for name in before)
    for memo in ("weekly", "issue-gsomia", "secret-weekly"):
        for suffix in ("", "/preview.html", "/preview.docx"):
            assert client.get(f"/memos/{memo}{suffix}?as_of=2019-11-22")[0] == 200
    assert written() == before


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
    client = signed_in(site, "reader-u", fresh=True)  # signed out at the end
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
    "/memos/weekly/preview.%2e%2e%2fledger.sqlite",
    "/drafts/..%2f..%2freports.toml/2019-11-25", "/drafts/weekly/..%2f..%2freports.toml",
    "/drafts/weekly/2019-11-25/r1.toml", "/drafts/weekly/2019-11-25/r1.%2e%2e%2frun-record.sqlite",
    "/drafts/weekly/2019-11-25/r..%2f..%2fr1.html", "/drafts/weekly/..%2f2019-11-25/r1.html",
    "/editions/..%2f..%2freports.toml", "/editions/secret-weekly/2019-11-25/r1.toml",
    "/editions/secret-weekly/..%2f..%2f..%2freports.toml/r1.html",
    "/editions/secret-weekly/2019-11-25/r1.%2e%2e%2f.memo.json",
    "/editions/secret-weekly/2019-11-25/r-1.html"])
def test_no_path_leaves_its_folder(site, path):
    client = signed_in(site, "admin-s")
    status, _, body = client.get(path)
    assert status == 404, path
    assert b"[paths]" not in body and b"SQLite" not in body


def test_sign_in_is_throttled_after_repeated_failures(site):
    client = Client(site)
    for _ in range(5):
        assert client.sign_in("locked-out", "wrong password here") == 400
    status, _, body = client.request("POST", "/signin", form={
        "csrf": re.search(rb'name="csrf" value="([^"]+)"', client.get("/signin")[2]).group(1)
        .decode(), "name": "locked-out", "password": PASSWORD})
    assert status == 429 and b"Too many failed sign-ins" in body
    assert client.get("/")[0] == 303
    # Another name is not locked out, and a name that does not exist fails the same way.
    assert Client(site).sign_in("not-locked-out") == 303
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
    with sitetools.serving_all([trusted, untrusted]) as (base, other):
        client = Client(base, headers={"X-Remote-User": "kim", "X-Forwarded-Proto": "https"})
        status, headers, body = client.get("/workbook")
        assert status == 200 and b"kim (staff, CONFIDENTIAL)" in body
        assert "strict-transport-security" in headers  # the proxy says TLS
        assert any("secure" in c.lower() for c in client.set_cookies)
        status, _, _ = Client(base, headers={"X-Remote-User": "mallory"}).get("/")
        assert status == 303  # no account: not signed in
        status, headers, _ = Client(other, headers={"X-Remote-User": "kim"}).get("/workbook")
        assert status == 303 and headers["location"].startswith("/signin")


def test_served_over_tls_the_cookies_are_secure_and_hsts_is_sent(tmp_path):
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.fail("openssl is needed to make a test certificate (Debian package openssl)")
    # A P-256 key (made at once, where an RSA key takes a tenth of a second or more).
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
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


# -- clearance: drafts, approve and return; issued editions -------------------------------------

def _same_as_missing(client: Client, path: str, memo: str) -> bool:
    """``path`` answers exactly as the same path for a memo that does not exist."""
    hidden = client.get(path)
    missing = client.get(path.replace(memo, "zz-none"))
    return hidden[0] == missing[0] == 404 and \
        hidden[2].replace(memo.encode(), b"X") == missing[2].replace(b"zz-none", b"X")


@pytest.mark.parametrize("name", sorted(USERS))
def test_a_draft_is_for_its_clearers_and_admins_at_its_level_and_answers_404_otherwise(
        site, name):
    role, _, _ = USERS[name]
    client = signed_in(site, name)
    for memo in ("weekly", "secret-weekly"):
        for path in (p.format(memo=memo) for p in DRAFT_PATHS):
            status, headers, body = client.get(path)
            if role not in GRANTS["clear"]:
                assert status == 403 and f"Your role ({role})".encode() in body, (name, path)
            elif reads_draft(name, memo):
                assert status == 200, (name, path, status)
            else:
                assert _same_as_missing(client, path, memo), (name, path)
        if memo == "weekly" and reads_draft(name, memo):  # waiting: the forms for its clearers
            _, _, page = client.get(f"/drafts/{memo}/{DAY}")
            assert (b'action="/drafts/' + memo.encode() + b'/2019-11-25/approve"' in page) == \
                clears(name, memo), (name, memo)
    # Another day of a memo the user clears is no draft either, answered alike.
    if role in GRANTS["clear"]:
        assert _same_as_missing(client, "/drafts/weekly/2019-11-26", "weekly")
        assert _same_as_missing(client, "/drafts/weekly/not-a-day", "weekly")
        status, _, listing = client.get("/drafts")
        assert status == 200
        assert (b"Weekly update, 25 November 2019" in listing) == reads_draft(name, "weekly")
        assert b"Secret weekly" not in listing  # approved: no longer waiting


@pytest.mark.parametrize("name", sorted(USERS))
def test_issued_editions_are_for_every_role_at_the_level_and_drafts_never_among_them(
        site, name):
    _, level, _ = USERS[name]
    client = signed_in(site, name)
    secret = level == "SECRET"
    for path in (p.format(memo="secret-weekly") for p in EDITION_PATHS):
        if secret:
            status, headers, body = client.get(path)
            assert status == 200, path
        else:
            assert _same_as_missing(client, path, "secret-weekly"), (name, path)
    status, _, page = client.get("/editions/secret-weekly") if secret else (0, {}, b"")
    if secret:
        assert b"approved by clearer-s" in page and b"Revision 1" in page
    # The weekly draft's archived files exist, but it was never issued: not an edition.
    status, _, page = client.get("/editions/weekly")
    assert status == 200 and b"No edition of Weekly update has been issued yet" in page
    for path in (f"/editions/weekly/{DAY}/r1.html", f"/editions/weekly/{DAY}/r1.docx"):
        assert _same_as_missing(client, path, "weekly"), (name, path)


def test_no_text_of_a_secret_draft_or_edition_reaches_a_user_below_its_level(served):
    config, base, _ = served
    top = signed_in(base, "admin-s")
    secret_html = top.get(f"/drafts/secret-weekly/{DAY}/r1.html")[2]
    assert secret_html == top.get(f"/editions/secret-weekly/{DAY}/r1.html")[2]
    assert b"Secret weekly" in secret_html
    paths = list(PAGES) + [p.format(memo=m) for p in DRAFT_PATHS + EDITION_PATHS
                           for m in ("weekly", "secret-weekly")]
    for name, (_, level, _) in USERS.items():
        if level == "SECRET":
            continue
        client = signed_in(base, name)
        for path in paths:
            body = client.get(path)[2]
            assert b"Secret weekly" not in body and b"secret-weekly_" not in body, (name, path)
            assert SECRET_WORDS.encode() not in body


def test_approve_and_return_need_the_token_a_named_clearer_and_the_newest_revision(served):
    config, base, mail = served
    approve, back = POSTS[1], POSTS[2]

    def still_waiting() -> bool:
        with RunRecord.open(load_config(config).run_record_path, readonly=True) as record:
            return [d.memo_id for d in record.waiting()] == ["weekly"] and \
                record.deliveries("weekly") == [] and record.clearances("weekly") == []

    def post(name: str, path: str, form: dict, headers: dict | None = None):
        client = signed_in(base, name)
        return client.request("POST", path, form={"csrf": client.csrf(), **form},
                              headers=headers)

    # Not a clearer's role; a clearer not named (404, as no draft); an admin not named.
    assert post("staff-u", approve, {"revision": "1"})[0] == 403
    assert post("reader-u", back, {"revision": "1", "note": "no"})[0] == 403
    status, _, body = post("clearer-c", approve, {"revision": "1"})
    assert status == 404 and b"There is no draft of" in body
    status, _, body = post("admin-u", approve, {"revision": "1"})
    assert status == 403 and b"Only the clearers this memo names" in body
    # A named clearer, without this site's page token or from another site.
    clearer = signed_in(base, "clearer-u")
    token = clearer.csrf()
    for form, headers in (({}, {}), ({"csrf": "forged"}, {}),
                          ({"csrf": token}, {"Origin": "https://evil.example"}),
                          ({"csrf": token}, {"Sec-Fetch-Site": "cross-site"})):
        for path in (approve, back):
            status, _, body = clearer.request("POST", path, form={
                **form, "revision": "1", "note": "forged"}, headers=headers)
            assert status == 403 and b"not sent from this site" in body
    # A page of a superseded revision, a form without one, a return without a comment.
    status, _, body = post("clearer-u", approve, {"revision": "0"})
    assert status == 409 and b"revision 0 of weekly as of 2019-11-25 was superseded" in body
    assert post("clearer-u", approve, {"revision": "one"})[0] == 400
    status, _, body = post("clearer-u", back, {"revision": "1", "note": "   "})
    assert status == 400 and b"the comment is required" in body
    # The Distribution sheet has an error: who receives it is not known, nothing is done.
    book = config.parent / "wb" / "book.xlsx"
    add_distribution(book, [("weekly", "Reader", "reader at example.org", "yes")])
    status, _, body = post("clearer-u", approve, {"revision": "1"})
    assert status == 409 and b"Distribution sheet has errors" in body
    sitetools.marked(book)
    assert still_waiting() and not any(set(r.rcpt_tos) & set(READERS["weekly"])
                                       for r in mail.received)
    # Returned by a named clearer: the editors are told, nobody else; then not approvable.
    status, headers, _ = post("clearer-u", back, {"revision": "1",
                                                  "note": "Check the <b>second</b> event"})
    assert status == 303 and headers["location"] == f"/drafts/weekly/{DAY}"
    told = [r for r in mail.received if set(r.rcpt_tos) & set(EDITORS)]
    assert len(told) == 1 and "Check the <b>second</b> event" in told[0].message.get_body(
        ("plain",)).get_content()
    page = signed_in(base, "clearer-s").get(f"/drafts/weekly/{DAY}")[2]
    assert b"Returned by <strong>clearer-u</strong>" in page
    assert b"Check the &lt;b&gt;second&lt;/b&gt; event" in page  # escaped, never markup
    status, _, body = post("clearer-s", approve, {"revision": "1"})
    assert status == 409 and b"was returned by clearer-u" in body
    assert not any(set(r.rcpt_tos) & set(READERS["weekly"]) for r in mail.received)
    assert not (config.parent / "out" / "unclassified" / "weekly").exists()

"""The site under test: a desk folder, its users, and ``serve`` running as a real process.

Not a test module. :func:`desk` writes a config with three handling levels, two memos
(one UNCLASSIFIED, one SECRET) and a small workbook; :func:`marked` makes that workbook
with an Actors row marked SECRET; :func:`serving` starts ``run_reports.py serve`` on a
free loopback port and stops it (by its own process id) afterwards (:func:`serving_all`:
several at once); :class:`Client` speaks HTTP to it with http.client (no redirects
followed, cookies kept); :func:`axe` checks a page of it in Chromium with axe-core.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import wbfactory

from reports.config.load import load_config
from reports.site.users import Users

REPO = Path(__file__).resolve().parents[1]
LEVELS = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET")
PASSWORD = "correct horse battery staple"
SECRET_WORDS = "Hidden Minister Of Secrets"  # only in the SECRET row
SECRET_ID = "secret-actor"
BAD_COUNTRY = "XQ-9"  # the SECRET row's wrong country: only its readers may see it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def marked(path: Path, *, open_error: bool = False, secret_error: bool = False,
           near_miss: bool = False) -> Path:
    """The small workbook with a marking column: moon-jae-in UNCLASSIFIED, shinzo-abe
    CONFIDENTIAL, and ``secret-actor`` SECRET (with a wrong country when
    ``secret_error``); ``open_error``: an UNCLASSIFIED event with a date that is no date;
    ``near_miss``: an UNCLASSIFIED position naming "secret-actr"."""
    data = wbfactory.sheets()
    actors = data["Actors"]
    actors[0].append("marking")
    actors[1].append("UNCLASSIFIED")
    actors[2].append("CONFIDENTIAL")
    actors.append([SECRET_ID, SECRET_WORDS, "", BAD_COUNTRY if secret_error else "KOR",
                   "person", "Minister", "SECRET"])
    if open_error:
        data["Events"][1][1] = "22/08/2019"
    if near_miss:
        data["Positions"].append(["secret-actr", "gsomia", wbfactory.date(2019, 11, 20),
                                  "supports", "Keep it.", "", "s1"])
    tmp = path.with_name(f".{path.name}.tmp")
    wbfactory.write(tmp, data)
    os.replace(tmp, path)  # as Excel saves: a new file renamed over the old
    return path


READERS = {"weekly": ("director@example.org", "japan.desk@example.org"),
           "secret-weekly": ("secret.reader@example.org",)}
EDITORS = ("editor@example.org",)
OPERATOR = "operator@example.org"
MONDAY = "2019-11-25T07:05+09:00"  # the scheduled memos' fire time (as of 25 November)


def _cleared(memo_id: str, clearers: dict[str, list[str]] | None) -> str:
    """A memo's schedule, readers and clearers, when ``clearers`` names it."""
    if not clearers or memo_id not in clearers:
        return ""
    people = ", ".join(f'{{ name = "{a.split("@")[0]}", email = "{a}" }}'
                       for a in READERS[memo_id])
    return (f'schedule = {{ cron = "0 7 * * MON", timezone = "Asia/Seoul" }}\n'
            f"recipients = [{people}]\nclearers = {list(clearers[memo_id])!r}\n")


def desk(folder: Path, *, site: str = "", port: int | None = None,
         clearers: dict[str, list[str]] | None = None, smtp_port: int | None = None) -> Path:
    """A desk folder: reports.toml (``site`` lines added to [site]) and the workbook.

    ``clearers`` (memo id -> addresses) schedules those memos ("weekly",
    "secret-weekly") every Monday at 07:00 in Seoul, cleared by those addresses and sent to
    :data:`READERS`; ``smtp_port``: the mail server (a real one on loopback in tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    (folder / "wb").mkdir(exist_ok=True)
    marked(folder / "wb" / "book.xlsx")
    config = folder / "reports.toml"
    config.write_text(f"""
[paths]
workbook = "wb/book.xlsx"
output = "out"
templates = "{(REPO / 'templates').as_posix()}"
[desk]
office = "Test desk"
{f"editors = {list(EDITORS)!r}" if clearers else ""}
{'timezone = "Asia/Seoul"' if clearers else ""}
[markings]
levels = {list(LEVELS)!r}
[smtp]
host = "127.0.0.1"
port = {smtp_port or 25}
sender = "desk@example.org"
timeout = 10
[delivery]
{f'operator = "{OPERATOR}"' if clearers else ""}
[site]
{"" if "port =" in site else f"port = {port}"}
{f'url = "http://127.0.0.1:{port}"' if clearers else ""}
{site}
[[memos]]
id = "weekly"
kind = "weekly"
title = "Weekly update"
{_cleared("weekly", clearers)}
[[memos]]
id = "issue-gsomia"
kind = "issue"
issue = "gsomia"
title = "GSOMIA brief"
[[memos]]
id = "secret-weekly"
kind = "weekly"
title = "Secret weekly"
marking = "SECRET"
{_cleared("secret-weekly", clearers)}
""".replace("'", '"'), encoding="utf-8")
    return config


_PASSWORD_HASH: list[str] = []  # one Argon2id hash of PASSWORD for this process


def add_users(config: Path, users: dict[str, tuple[str, ...]]) -> None:
    """name -> (role, level) or (role, level, email), each with :data:`PASSWORD`.

    Added through :meth:`Users.add` (its checks, its row), but :data:`PASSWORD` is hashed
    once per process: every user gets that same Argon2id hash (the toolkit's own, with its
    default cost, so the site verifies it as it would any other), instead of a fifth of
    a second of hashing for each user."""
    from reports.site import users as module

    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(module.hash_password(PASSWORD))
    real = module.hash_password
    module.hash_password = lambda password: (  # type: ignore[assignment]
        _PASSWORD_HASH[0] if password == PASSWORD else real(password))
    try:
        loaded = load_config(config)
        store = Users(loaded.run_record_path, loaded.markings)
        for name, (role, level, *email) in users.items():
            store.add(name, role, level, PASSWORD, email=email[0] if email else None)
    finally:
        module.hash_password = real


def run_at(config: Path, moment: str = MONDAY) -> int:
    """``run`` at ``moment``, in this process: its exit code."""
    from datetime import datetime

    from reports.cli.commands import run_exit_code
    from reports.schedule.run import run_due

    return run_exit_code(run_due(load_config(config), datetime.fromisoformat(moment)))


def remove_user(config: Path, name: str) -> None:
    loaded = load_config(config)
    Users(loaded.run_record_path, loaded.markings).remove(name)


@contextlib.contextmanager
def serving(config: Path, tls: bool = False) -> Iterator[str]:
    """``serve`` running for ``config``; yields its base URL."""
    with serving_all([config], tls=tls) as (base,):
        yield base


@contextlib.contextmanager
def serving_all(configs: list[Path], tls: bool = False) -> Iterator[list[str]]:
    """``serve`` running for each of ``configs``, started together (their start-ups
    overlap); yields their base URLs in the same order. Each is stopped afterwards by
    its own process id."""
    started: list[tuple[Path, int, subprocess.Popen]] = []
    logs = []
    try:
        for config in configs:
            port = load_config(config).site.port
            logs.append(open(config.parent / "serve.log", "ab"))  # noqa: SIM115
            started.append((config, port, subprocess.Popen(
                [sys.executable, str(REPO / "run_reports.py"), "serve", "--config",
                 str(config)], cwd=config.parent, stdout=logs[-1], stderr=logs[-1])))
        for config, port, proc in started:
            _listening(config, port, proc)
        yield [f"{'https' if tls else 'http'}://127.0.0.1:{port}" for _, port, _ in started]
    finally:
        for _, _, proc in started:
            proc.terminate()
        for _, _, proc in started:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()


def _listening(config: Path, port: int, proc: subprocess.Popen) -> None:
    """Wait until ``serve`` takes connections: uvicorn listens once the site has started
    (the workbook read), so the first connection taken means it is ready."""
    deadline = time.monotonic() + 60  # at most a minute
    while True:
        if proc.poll() is not None:
            raise RuntimeError("serve stopped: " + (config.parent / "serve.log").read_text())
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port),
                                                                     timeout=0.5):
            return
        if time.monotonic() > deadline:
            raise RuntimeError("serve did not listen within a minute: "
                               + (config.parent / "serve.log").read_text())
        time.sleep(0.02)


class Client:
    """One browser-like visitor: cookies kept, redirects not followed."""

    def __init__(self, base: str, headers: dict[str, str] | None = None):
        self.base = base
        self.host, port = base.split("://")[1].split(":")
        self.port = int(port)
        self.tls = base.startswith("https")
        self.cookies: dict[str, str] = {}
        self.headers = headers or {}
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        if self.tls:
            conn = http.client.HTTPSConnection(self.host, self.port, timeout=60,
                                               context=ssl._create_unverified_context())
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read()
        got = {k.lower(): v for k, v in response.getheaders()}
        for line in response.headers.get_all("set-cookie") or []:
            self.set_cookies.append(line)
            for key, morsel in SimpleCookie(line).items():
                if morsel.value and 'max-age=0' not in line.lower():
                    self.cookies[key] = morsel.value
                else:
                    self.cookies.pop(key, None)
        conn.close()
        return response.status, got, data

    def get(self, path: str, **kw) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, **kw)

    def sign_in(self, name: str, password: str = PASSWORD) -> int:
        _, _, page = self.get("/signin")
        token = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
        status, _, _ = self.request("POST", "/signin", form={
            "csrf": token, "next": "/", "name": name, "password": password})
        return status

    def csrf(self) -> str:
        _, _, page = self.get("/")
        return re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()


def axe(page) -> list[str]:
    """What :func:`browsertools.axe` reports (the same rules on the same page), without
    waiting for frames: the site's iframes (a draft, a preview) are ``sandbox``ed, so no
    script, axe-core's included, runs in them, and asking them for their results cost
    half a second a page (axe waits 500 ms for each frame's answer). With ``iframes:
    false`` every result on the page itself, its iframe elements included, is the same.
    axe-core is added to the page unless :func:`axe_everywhere` put it there already."""
    import realtools

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(realtools.axe_js()))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: "
                          "['violations'], iframes: false})).violations")
    return [f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})" for v in found]


def axe_everywhere(page) -> None:
    """axe-core in every document ``page`` opens from now on (Chromium adds it as each
    starts, before the page's own script), for a test that checks page after page: no
    ``<script>`` added to each one afterwards (a tenth of a second a page)."""
    import realtools

    page.add_init_script(path=str(realtools.axe_js()))

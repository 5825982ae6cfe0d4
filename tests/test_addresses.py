"""Email addresses: one check, by the parser that sends, when the config or the sheet is read.

Every variant below is either accepted, and then really delivered by a real SMTP server on
loopback to the address the config or sheet holds (the domain in ASCII), or refused when
the config or the Distribution sheet is read, with a message naming the key or the cell
and saying what to type. Nothing is refused later, at a send, and nothing is retried.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import wbfactory
from clitools import call
from fixtures_mail import (
    add_distribution,
    copy_workbook,
    run_due,
    smtp_server_fixture,  # noqa: F401  (the smtp_server fixture)
    write_config,
)
from hypothesis import given
from hypothesis import strategies as st

from reports.config.load import load_config
from reports.delivery.addresses import AddressError, display_name, mail_address
from reports.errors import EXIT_OK, ConfigError
from reports.schedule.record import RunRecord
from reports.workbook.read import read_workbook
from reports.workbook.validate import validate

MONDAY = datetime.fromisoformat("2019-11-25T07:05+09:00")  # fires 0 7 * * MON Asia/Seoul

ACCEPTED = [  # (as typed, as sent)
    ("ops@example.org", "ops@example.org"),
    ("  ops.team+alerts@mail.example.org ", "ops.team+alerts@mail.example.org"),
    ("o'neil@example.org", "o'neil@example.org"),
    ("desk@localhost", "desk@localhost"),
    ("Kim.Lee@Example.ORG", "Kim.Lee@Example.ORG"),
    ("kim@bücher.example", "kim@xn--bcher-kva.example"),  # IDN: IDNA 2008 A-labels
    ("weiss@straße.example", "weiss@xn--strae-oqa.example"),  # not "strasse" (IDNA 2003)
    ("tanaka@例え.jp", "tanaka@xn--r8jz45g.jp"),
    ("ops@[127.0.0.1]", "ops@[127.0.0.1]"),
    ("x" * 64 + "@example.org", "x" * 64 + "@example.org"),  # the longest name part
]

REFUSED = [  # (as typed, what the message says)
    ("Kim Lee <kim@example.org>", "without a name or <>: kim@example.org"),
    ("<kim@example.org>", "without a name or <>: kim@example.org"),
    ("kim@example.org, lee@example.org", "holds more than one address"),
    ("kim@example.org; lee@example.org", "holds more than one address"),
    ("kim@example.org lee@example.org", "holds more than one address"),
    ("a,b@example.org", "is not an email address mail can be sent to"),
    ("kim@@example.org", "has more than one @"),
    ('"kim lee"@example.org', "has a quoted part before @"),
    ('"kim"@example.org', "has a quoted part before @"),
    ("kim.@example.org", "no dot at the start or end"),
    (".kim@example.org", "no dot at the start or end"),
    ("kim..lee@example.org", "no two dots in a row"),
    ("kim@example.org.", "has an empty part"),
    ("kim@example..org", "has an empty part"),
    ("kim lee@example.org", "has a space in it"),
    ("kim@exa mple.org", "has a space in it"),
    ("kim\u00a0lee@example.org", "has a space in it"),  # a no-break space from Word
    ("kim\n@example.org", "holds a control character"),
    ("김민수@example.kr", "letters outside English before @"),
    ("müller@example.de", "letters outside English before @"),
    ("ops@example.org (Ops desk)", "has a comment in brackets"),
    ("ops", "needs a name, @ and a domain"),
    ("ops@", "needs a name, @ and a domain"),
    ("@example.org", "needs a name, @ and a domain"),
    ("ops@-desk.example.org", 'has "-desk"'),
    ("ops@exa_mple.org", 'has "exa_mple"'),
    ("ops@[300.1.1.1]", "is not an IP address in brackets"),
    ("x" * 65 + "@example.org", "has 65 characters before @; mail allows at most 64"),
    ("ops@" + "d" * 64 + ".org", "at most 63 of them"),
    ("ops@" + ("d" * 60 + ".") * 5 + "org", "characters long; mail allows at most 253"),
    ("x" * 64 + "@" + ("d" * 60 + ".") * 3 + "example.org",
     "characters long; mail allows at most 254"),
]


def test_every_variant_is_accepted_as_sent_or_refused_saying_why():
    for typed, sent in ACCEPTED:
        assert mail_address(typed) == sent
    for typed, said in REFUSED:
        with pytest.raises(AddressError) as caught:
            mail_address(typed)
        assert said in str(caught.value), typed
    assert display_name("Kim\nLee\t (Desk)\x07") == "Kim Lee (Desk)"


@given(st.from_regex(r"[A-Za-z0-9_%+'-]{1,12}(\.[A-Za-z0-9_%+'-]{1,8}){0,3}", fullmatch=True),
       st.sampled_from(["example.org", "localhost", "mail.example.co.kr", "xn--r8jz45g.jp"]))
def test_a_plain_address_is_one_the_email_parser_reads_unchanged(local, domain):
    """Plain addresses skip the parser import (an idle run stays light): each is one the
    parser would read unchanged, as the message writer will."""
    from email.headerregistry import Address

    address = f"{local}@{domain}"
    assert mail_address(address) == address
    assert Address(addr_spec=address).addr_spec == address


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
       | st.from_regex(r"[a-z.\"(), <>@;]{1,12}@[a-zü.\-\[\]0-9]{1,12}", fullmatch=True))
def test_whatever_is_typed_is_refused_or_sent_as_the_parser_reads_it(text):
    from email.headerregistry import Address

    try:
        sent = mail_address(text)
    except AddressError as exc:
        assert str(exc)
        return
    assert sent.isascii() and Address(addr_spec=sent).addr_spec == sent


def config_text(address: str) -> str:
    return (f'[smtp]\nsender = "{address}"\n[desk]\neditors = ["ok@example.org", "{address}"]\n'
            f'[delivery]\noperator = "{address}"\n[[memos]]\nid = "weekly"\nkind = "weekly"\n'
            f'recipients = [{{ name = "Kim", email = "{address}" }}]\n')


KEYS = ("smtp.sender", "desk.editors[1]", "delivery.operator", "memos[0].recipients[0].email")


@pytest.mark.parametrize(("typed", "said"), REFUSED)
def test_a_refused_address_stops_the_config_naming_every_key(tmp_path, typed, said):
    path = tmp_path / "reports.toml"
    path.write_text(config_text(typed.replace("\\", "\\\\").replace('"', '\\"')
                                .replace("\n", "\\n")), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problems = caught.value.problems
    assert sorted(p.key for p in problems) == sorted(KEYS), str(caught.value)
    assert {p.code for p in problems} == {"bad-address"}
    assert all(said in p.message for p in problems), str(caught.value)


@pytest.mark.parametrize(("typed", "sent"), ACCEPTED)
def test_an_accepted_address_is_held_as_it_is_sent(tmp_path, typed, sent):
    path = tmp_path / "reports.toml"
    path.write_text(config_text(typed), encoding="utf-8")
    config = load_config(path)
    assert config.smtp.sender == sent and config.desk.editors[1] == sent
    assert config.delivery.operator == sent and config.memos[0].recipients[0].email == sent


def test_the_distribution_sheet_refuses_each_bad_address_by_its_cell(tmp_path):
    data = wbfactory.sheets()
    rows = [typed for typed, _ in ACCEPTED] + [typed for typed, _ in REFUSED]
    data["Distribution"] = [["memo_id", "name", "email"], *[["weekly", "X", a] for a in rows]]
    checked = validate(read_workbook(wbfactory.write(tmp_path / "book.xlsx", data)))
    bad = {p.cell: p for p in checked.errors if p.code == "bad-email"}
    first_refused = 2 + len(ACCEPTED)
    assert sorted(bad, key=lambda c: int(c[1:])) == [
        f"C{row}" for row in range(first_refused, first_refused + len(REFUSED))]
    for row, (_, said) in enumerate(REFUSED, first_refused):
        assert said in bad[f"C{row}"].message
    held = [r["email"] for r in checked.records["Distribution"]][:len(ACCEPTED)]
    assert held == [sent for _, sent in ACCEPTED]


def test_every_accepted_address_is_delivered_by_a_real_server(tmp_path, smtp_server):
    """From the config and from the Distribution sheet: each accepted variant reaches the
    server as the address it was read as, once, with its name on one line."""
    half = len(ACCEPTED) // 2
    people = [(f"Reader\n{i}", typed) for i, (typed, _) in enumerate(ACCEPTED[:half])]
    config_path = write_config(tmp_path / "config", port=smtp_server.port, formats=("html",),
                               recipients=[(n.replace("\n", "\\n"), e) for n, e in people])
    workbook = copy_workbook(tmp_path / "sheet")
    add_distribution(workbook, [("weekly", f"Sheet\n{i}", typed, "yes")
                                for i, (typed, _) in enumerate(ACCEPTED[half:])])
    sheet_path = write_config(tmp_path / "sheet", port=smtp_server.port, formats=("html",),
                              workbook=workbook, recipients=())
    for path in (config_path, sheet_path):
        assert run_due(load_config(path), MONDAY) == EXIT_OK
        with RunRecord.open(load_config(path).run_record_path) as record:
            assert {d.outcome for d in record.deliveries()} == {"sent"}
    got = {rcpt: r for r in smtp_server.received for rcpt in r.rcpt_tos}
    assert sorted(got) == sorted(sent for _, sent in ACCEPTED)
    assert all(len(r.rcpt_tos) == 1 for r in smtp_server.received)
    for name, (_, sent) in zip([n for n, _ in people] + [f"Sheet\n{i}" for i in
                                                          range(len(ACCEPTED) - half)],
                               ACCEPTED, strict=True):
        to = got[sent].message["To"]
        assert to.addresses[0].addr_spec == sent
        assert to.addresses[0].display_name == name.replace("\n", " ")


def test_a_bad_address_stops_build_and_run_before_anything_is_sent(tmp_path, smtp_server):
    path = write_config(tmp_path, port=smtp_server.port, formats=("html",),
                        recipients=[("Kim", "Kim <kim@example.org>")],
                        delivery='operator = "ops@example.org; boss@example.org"')
    for command in ("build", "run", "validate"):
        result = call(command, "--config", str(path))
        assert result.returncode == 2, (command, result.stderr)
        assert "memos[0].recipients[0].email" in result.stderr and \
            "delivery.operator" in result.stderr and "Traceback" not in result.stderr
    assert smtp_server.received == [] and not Path(tmp_path / "output").exists()

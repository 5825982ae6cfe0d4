"""Compiled HTML templates kept between runs (``reports.render.html.keep_compiled``, under
``[paths] cache``/html): a later process renders the same page without compiling them,
a template the desk edits shows at once, and a damaged or unwritable folder only means
compiling again.

"A later process" is a fresh set of jinja environments (``html._ENVS`` emptied), as a
new process starts with; the build test runs the command line twice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import jinja2.bccache
import pytest
from test_html import hand_context

from reports.render import html

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    return folder


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch):
    """Start as a new process does (no environment, nothing kept: an in-process build
    of another test may have left a folder set), and end the same way."""
    html.keep_compiled(None)
    monkeypatch.setattr(html, "_ENVS", {})
    yield lambda: monkeypatch.setattr(html, "_ENVS", {})
    html.keep_compiled(None)


@pytest.fixture()
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates compiled from now on (pages made from strings left out)."""
    names: list[str] = []
    real = jinja2.Environment.compile

    def spy(self, source, name=None, filename=None, raw=False, defer_init=False):
        if name is not None:
            names.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return names


def test_a_later_process_renders_the_same_page_without_compiling(tmp_path, templates,
                                                                  fresh, compiled):
    context = hand_context()
    plain = html.render_html(context, templates)  # nothing kept: compiled as always
    assert {"memo.html", "blocks.html", "base.html"} <= set(compiled)
    assert not (tmp_path / "compiled").exists()

    fresh()
    html.keep_compiled(tmp_path / "compiled")
    compiled.clear()
    assert html.render_html(context, templates) == plain
    assert {"memo.html", "blocks.html", "base.html"} <= set(compiled)  # compiled and kept
    assert (tmp_path / "compiled").stat().st_mode & 0o077 == 0  # code: the account's own
    assert len(list((tmp_path / "compiled").glob("*.jinja"))) >= 3

    fresh()
    html.keep_compiled(tmp_path / "compiled")
    compiled.clear()
    assert html.render_html(context, templates) == plain
    assert compiled == []  # every template read back compiled


@pytest.mark.parametrize(("name", "old", "new"), [
    ("memo.html", '<p class="doc-kind">', '<p>Edited by the desk</p><p class="doc-kind">'),
    ("blocks.html", '<ol class="sources">', '<p>Edited by the desk</p><ol class="sources">'),
    ("base.html", "</main>", "<p>Edited by the desk</p></main>"),
])
def test_a_template_the_desk_edits_is_compiled_again(tmp_path, templates, fresh, name,
                                                     old, new):
    context = hand_context()
    html.keep_compiled(tmp_path / "compiled")
    before = html.render_html(context, templates)
    assert "Edited by the desk" not in before
    path = templates / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name} no longer holds {old!r}: change the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    fresh()
    html.keep_compiled(tmp_path / "compiled")
    after = html.render_html(context, templates)
    assert "Edited by the desk" in after
    fresh()
    assert html.render_html(context, templates) == after  # the same page, nothing kept


@pytest.mark.parametrize("damage", ["garbage", "truncated", "in-the-checksum", "empty"])
def test_a_damaged_compiled_template_is_compiled_again(tmp_path, templates, fresh,
                                                       compiled, damage):
    context = hand_context()
    html.keep_compiled(tmp_path / "compiled")
    page = html.render_html(context, templates)
    kept = sorted((tmp_path / "compiled").glob("*.jinja"))
    assert kept
    for path in kept:
        data = path.read_bytes()
        path.write_bytes({"garbage": b"\x00not jinja\xff" * 40,
                          "truncated": data[:len(data) // 2],
                          # jinja2's header whole, cut inside the pickled checksum after it
                          "in-the-checksum": data[:len(jinja2.bccache.bc_magic) + 3],
                          "empty": b""}[damage])
    fresh()
    html.keep_compiled(tmp_path / "compiled")
    compiled.clear()
    assert html.render_html(context, templates) == page
    assert {"memo.html", "blocks.html", "base.html"} <= set(compiled)


def test_a_folder_that_cannot_be_written_only_means_compiling(tmp_path, templates, fresh):
    context = hand_context()
    page = html.render_html(context, templates)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    fresh()
    html.keep_compiled(blocked / "compiled")
    assert html.render_html(context, templates) == page
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_a_build_keeps_them_under_the_cache_and_the_next_build_gives_the_same_page(tmp_path):
    """Two builds from the command line (the second in a process of its own): the
    compiled templates are under ``[paths] cache``/html from the first build on (whose
    template check compiles them before the page does), never in the published folder,
    and the pages are the same bytes."""
    import tplfactory as tf
    from clitools import call, cli

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    config = tf.write_config(tmp_path, templates)
    pages = []
    for number, run in enumerate((call, cli)):
        out = tmp_path / f"out{number}"
        result = run("build", "--kind", "weekly", "--as-of", tf.AS_OF, "--config",
                     str(config), "--format", "html", "--out", str(out), "--jobs", "1")
        assert result.returncode == 0, result.stderr
        (page,) = out.rglob("weekly_*.html")
        pages.append(page.read_bytes())
        assert not list(out.rglob("*.jinja"))
        # kept from the first build on, though its template check compiled them first
        assert len(list((tmp_path / ".cache" / "html").glob("*.jinja"))) >= 3
    assert pages[0] == pages[1]


def test_the_folder_is_kept_small_and_leftovers_go(tmp_path, templates, fresh, monkeypatch):
    """Each edit of the templates adds compiled files; past ``MAX_BYTES`` the oldest go
    (as in the chart cache), and a temporary file a killed writer left an hour ago goes
    too (a recent one may be a writer at work)."""
    import os

    from reports.render import compiled as kept_module

    folder = tmp_path / "compiled"
    folder.mkdir()
    old_tmp, new_tmp = folder / "a.jinjaxyz.tmp", folder / "b.jinjaxyz.tmp"
    for path in (old_tmp, new_tmp):
        path.write_bytes(b"half")
    os.utime(old_tmp, (1, 1))
    context = hand_context()
    html.keep_compiled(folder)
    html.render_html(context, templates)
    one_set = sum(p.stat().st_size for p in folder.glob("*.jinja"))
    monkeypatch.setattr(kept_module, "MAX_BYTES", one_set * 3 // 2)
    for edit in range(3):  # three versions of memo.html: three more compiled files
        path = templates / "memo.html"
        path.write_text(path.read_text(encoding="utf-8") + f"{{# edit {edit} #}}\n",
                        encoding="utf-8")
        fresh()
        html.keep_compiled(folder)
        html.render_html(context, templates)
        assert sum(p.stat().st_size for p in folder.glob("*.jinja")) <= one_set * 3 // 2
    assert not old_tmp.exists() and new_tmp.exists()


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_kept_code_is_read_only_from_a_folder_no_one_else_may_write(tmp_path, templates,
                                                                    fresh, compiled, mode):
    """Compiled templates are code the toolkit runs: a folder others may write to is not
    read from (its files are compiled again), and is narrowed to the account's own when
    the templates are kept there again."""
    context = hand_context()
    folder = tmp_path / "compiled"
    html.keep_compiled(folder)
    page = html.render_html(context, templates)
    assert len(list(folder.glob("*.jinja"))) >= 3
    folder.chmod(mode)
    fresh()
    html.keep_compiled(folder)
    compiled.clear()
    assert html.render_html(context, templates) == page
    assert {"memo.html", "blocks.html", "base.html"} <= set(compiled)  # not read back
    assert folder.stat().st_mode & 0o777 == 0o700  # kept again: the account's own
    fresh()
    html.keep_compiled(folder)
    compiled.clear()
    assert html.render_html(context, templates) == page
    assert compiled == []  # now read back


def test_a_folder_made_by_hand_is_narrowed_when_templates_are_kept(tmp_path, templates,
                                                                   fresh):
    folder = tmp_path / "compiled"
    folder.mkdir(mode=0o755)
    folder.chmod(0o775)
    html.keep_compiled(folder)
    html.render_html(hand_context(), templates)
    assert folder.stat().st_mode & 0o777 == 0o700 and list(folder.glob("*.jinja"))

"""The template check's pass kept under ``[paths] cache`` (reports/template_check/verdict.py),
through the command line: unchanged templates are not parsed again, but a template changed
in any byte is checked again, and a broken one is never served from the cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import tplfactory as tf
from clitools import call, cli
from tplfactory import WordTemplate, break_html

from reports.errors import TemplateInvalid

BROKEN = [("<h1>{{ memo.subject }}</h1>", "<h1>{{ memo.subjet }}</h1>", "unknown-attribute",
           "{{ memo.subjet }}")]


def build(config: Path, *formats: str):
    """``build`` in this process (the template check is the same in a new one)."""
    return call("build", "--kind", "weekly", "--as-of", tf.AS_OF, "--config", str(config),
                "--jobs", "1", "--format", *(formats or ("html",)))


def marks(folder: Path) -> list[Path]:
    return sorted((folder / ".cache" / "templates").glob("*.ok"))


def test_a_broken_template_is_checked_every_time_and_never_kept_as_passing(tmp_path):
    folder = tf.copy_templates(tmp_path / "templates")
    config = tf.write_config(tmp_path, folder)
    good = (folder / "memo.html").read_bytes()
    assert build(config).returncode == 0
    assert len(marks(tmp_path)) == 1
    [(_, line, tag)] = break_html(folder, "memo.html", BROKEN)
    for _ in range(2):  # refused, and refused again: the failure was not kept as a pass
        result = build(config)
        assert result.returncode == 2, result.stderr
        assert f"{folder / 'memo.html'}, {line}: " in result.stderr and tag in result.stderr
    assert len(marks(tmp_path)) == 1
    (folder / "memo.html").write_bytes(good)  # put back as it was: its pass still holds
    assert build(config).returncode == 0
    assert len(marks(tmp_path)) == 1


def test_a_change_keeping_size_and_time_is_checked_again(tmp_path):
    folder = tf.copy_templates(tmp_path / "templates")
    config = tf.write_config(tmp_path, folder)
    assert build(config).returncode == 0
    page = folder / "memo.html"
    before, stat = page.read_text(encoding="utf-8"), page.stat()
    broken = before.replace("{{ memo.subject }}", "{{ memo.subjec_ }}", 1)
    assert broken != before and len(broken) == len(before)
    page.write_text(broken, encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = build(config)
    assert result.returncode == 2 and "{{ memo.subjec_ }}" in result.stderr, result.stderr


def test_a_changed_word_template_is_checked_again(tmp_path):
    folder = tf.copy_templates(tmp_path / "templates")
    config = tf.write_config(tmp_path, folder)
    assert build(config, "docx").returncode == 0
    before = tf.snapshot(tmp_path / "output")
    word = WordTemplate(folder)
    word.body("{{ memo.", "subjet }}")
    word.save()
    result = build(config, "docx")
    assert result.returncode == 2, result.stderr
    assert "body paragraph 4: \"{{ memo.subjet }}\": a memo has no field" in result.stderr
    assert tf.snapshot(tmp_path / "output") == before


def test_a_new_file_in_the_folder_is_checked_again(tmp_path):
    folder = tf.copy_templates(tmp_path / "templates")
    config = tf.write_config(tmp_path, folder)
    assert build(config).returncode == 0
    (folder / "extra.html").write_text("{% if x }}\n", encoding="utf-8")
    assert build(config).returncode == 0  # a build uses the pages it needs: extra unused
    assert len(marks(tmp_path)) == 2  # ... but they were checked again for the new folder


def test_unchanged_templates_are_not_parsed_again_until_the_code_changes(tmp_path,
                                                                         monkeypatch):
    from reports.output import files
    from reports.template_check import check

    folder = tf.copy_templates(tmp_path / "templates")
    config = tf.write_config(tmp_path, folder)
    checked: list[Path] = []
    real = check.template_problems

    def counted(where, formats=None):
        checked.append(Path(where))
        return real(where, formats)

    monkeypatch.setattr(check, "template_problems", counted)
    args = ("build", "--kind", "weekly", "--as-of", tf.AS_OF, "--config", str(config),
            "--jobs", "1", "--format", "html", "docx")
    assert call(*args).returncode == 0
    assert call(*args).returncode == 0
    assert checked == [folder]  # the second build found the first one's pass
    monkeypatch.setattr(files, "code_fingerprint", lambda: "other code")
    assert call(*args).returncode == 0
    assert checked == [folder, folder]


def test_a_cache_that_cannot_be_written_costs_only_the_saving(tmp_path):
    """Each build (a process of its own, as cron starts it) says it once: real processes,
    as the warning is given once per process and cache folder (verdict._warned)."""
    folder = tf.copy_templates(tmp_path / "templates")
    config = tf.write_config(tmp_path, folder, f'cache = "{tmp_path / "blocked"}"\n')
    (tmp_path / "blocked").write_text("not a folder")
    for _ in range(2):
        result = cli("build", "--kind", "weekly", "--as-of", tf.AS_OF, "--config",
                     str(config), "--jobs", "1", "--format", "html")
        assert result.returncode == 0, result.stderr
        assert "template check: cannot keep its result" in result.stderr


def test_a_template_saved_during_the_check_leaves_no_pass(tmp_path, monkeypatch):
    """A broken page fixed while the check reads it: the check passes on what it read,
    but the pass is not kept under the broken bytes' name (they were never checked), so
    the broken page saved again is refused."""
    from reports.template_check import check

    folder = tf.copy_templates(tmp_path / "templates")
    page = folder / "memo.html"
    good = page.read_bytes()
    break_html(folder, "memo.html", BROKEN)
    broken = page.read_bytes()
    cache = tmp_path / "cache"
    real = check.template_problems

    def saved_meanwhile(*args, **kwargs):
        page.write_bytes(good)  # the fix lands between the hash and the check
        return real(*args, **kwargs)

    monkeypatch.setattr(check, "template_problems", saved_meanwhile)
    check.check_templates(folder, {"html"}, cache)  # checks the fixed page: passes
    monkeypatch.setattr(check, "template_problems", real)
    assert not list(cache.glob("*.ok"))
    page.write_bytes(broken)
    with pytest.raises(TemplateInvalid, match="subjet"):
        check.check_templates(folder, {"html"}, cache)

"""The charts' disk cache (``charts.use_cache``): same bytes as a fresh draw, damaged
entries redrawn, bounded size, atomic writes, and a hit never imports matplotlib."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chartblocks import REPO, matrix_block, timeline_block

from reports.render.charts import cache as chart_cache
from reports.render.charts import draw as charts
from reports.render.charts.draw import render_chart


@pytest.fixture()
def cache(tmp_path):
    folder = tmp_path / "charts"
    charts.use_cache(folder)
    charts.forget()
    yield folder
    charts.use_cache(None)
    charts.forget()


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".png", ".svg"))


def test_a_hit_gives_the_bytes_of_a_fresh_draw(tmp_path, monkeypatch):
    block = timeline_block(5)
    fresh = {fmt: render_chart(block, fmt) for fmt in ("png", "svg")}
    charts.use_cache(tmp_path / "charts")
    try:
        charts.forget()
        assert {fmt: render_chart(block, fmt) for fmt in ("png", "svg")} == fresh
        assert len(entries(tmp_path / "charts")) == 2
        charts.forget()
        monkeypatch.setattr(charts, "_draw", lambda *a: pytest.fail("drawn, not read"))
        assert {fmt: render_chart(block, fmt) for fmt in ("png", "svg")} == fresh
    finally:
        charts.use_cache(None)
        charts.forget()
    assert not [p for p in tmp_path.iterdir() if p.name != "charts"]


def test_another_block_misses(cache):
    render_chart(timeline_block(5), "svg")
    render_chart(timeline_block(6), "svg")
    render_chart(matrix_block(), "svg")
    assert len(entries(cache)) == 3


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_a_damaged_entry_is_drawn_again(cache, caplog, damage):
    block = matrix_block()
    fresh = render_chart(block, "png")
    [entry] = entries(cache)
    data = entry.read_bytes()
    entry.write_bytes({"truncate": data[:len(data) // 2],
                       "flip": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
                       "empty": b"", "garbage": b"\x00" * 100}[damage])
    charts.forget()
    with caplog.at_level("WARNING", logger="reports.render.charts"):
        assert render_chart(block, "png") == fresh
    assert "damaged" in caplog.text
    assert entry.read_bytes() == data, "the entry is written whole again"


def test_the_folder_stays_under_its_size(tmp_path):
    folder = tmp_path / "charts"
    charts.use_cache(folder, max_mb=0.06)        # about 60 KB: a few small SVGs
    charts.forget()
    try:
        for n in range(1, 25):
            render_chart(timeline_block(n), "svg")
        total = sum(p.stat().st_size for p in entries(folder))
        assert total <= 0.06 * 1024 * 1024
        assert 3 <= len(entries(folder)) < 24
        assert not [p for p in folder.iterdir() if p.name.startswith(".tmp-")]
    finally:
        charts.use_cache(None)
        charts.forget()


def test_an_unusable_folder_is_warned_about_once_and_charts_still_drawn(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    charts.use_cache(blocker / "charts")
    charts.forget()
    try:
        with caplog.at_level("WARNING", logger="reports.render.charts"):
            assert render_chart(timeline_block(3), "svg").startswith(b"<?xml")
            assert render_chart(timeline_block(4), "svg").startswith(b"<?xml")
        assert caplog.text.count("chart cache") == 1
    finally:
        charts.use_cache(None)
        charts.forget()


def test_a_hit_in_a_fresh_process_does_not_import_matplotlib(tmp_path):
    """The fonts are trusted from fonts.json while its files are unchanged; a changed
    one is looked up again (matplotlib imported) and recorded."""
    folder = tmp_path / "charts"
    script = (
        "import sys, chartblocks as t\n"
        "from reports.render.charts import draw as charts\n"
        "charts.use_cache(sys.argv[1])\n"
        "for fmt in ('png', 'svg'):\n"
        "    sys.stdout.buffer.write(charts.render_chart(t.matrix_block(), fmt)[:40])\n"
        "print('\\nMPL', 'matplotlib' in sys.modules)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])}

    def run() -> str:
        return subprocess.run([sys.executable, "-c", script, str(folder)], check=True,
                              env=env, cwd=tmp_path, capture_output=True,
                              timeout=120).stdout.decode("utf-8", "replace")

    assert "MPL True" in run()          # drawn: matplotlib needed
    assert "MPL False" in run()         # read back: not imported
    assert len(entries(folder)) == 2
    fonts = folder / chart_cache.FONTS_FILE
    recorded = json.loads(fonts.read_text(encoding="utf-8"))
    fonts.write_text(json.dumps([[*f[:2], 1, *f[3:]] for f in recorded]), encoding="utf-8")
    assert "MPL True" in run()          # a font file looks changed: looked up again
    assert json.loads(fonts.read_text(encoding="utf-8")) == recorded
    assert "MPL False" in run()
    assert len(entries(folder)) == 2    # the same fonts: the same entries


@pytest.mark.parametrize("state", ["missing", "empty", "kept"])
def test_matplotlib_is_imported_beside_the_read_only_when_charts_will_be_drawn(tmp_path, state):
    """A first build (no chart kept) imports matplotlib in the background while the
    workbook is read; a build whose folder keeps charts does not import it at all."""
    folder = tmp_path / "charts"
    if state != "missing":
        folder.mkdir()
    if state == "kept":
        charts.use_cache(folder)
        try:
            charts.render_chart(matrix_block(), "svg")
        finally:
            charts.use_cache(None)
        assert entries(folder)
    script = ("import sys\nfrom reports.render import charts\n"
              "thread = charts.prefetch(sys.argv[1])\n"
              "print('STARTED', thread is not None)\n"
              "thread and thread.join()\n"
              "print('MPL', 'matplotlib.figure' in sys.modules)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", script, str(folder)], check=True, env=env,
                         capture_output=True, text=True, timeout=120).stdout
    drawn = state != "kept"
    assert f"STARTED {drawn}" in out and f"MPL {drawn}" in out


def test_a_build_imports_matplotlib_beside_the_read_unless_it_ran_before_as_is(
        tmp_path, monkeypatch):
    """The charts kept from other memos, days or workbooks are not this build's: it will
    draw, so matplotlib is imported while the workbook is read; the same build again
    (same memo, day, workbook, config and code) finds its charts kept and imports nothing."""
    import shutil

    import tplfactory as tf
    from clitools import call

    workbook = tmp_path / "book.xlsx"
    shutil.copyfile(tf.BUNDLED, workbook)
    config = tf.write_config(tmp_path, tf.TEMPLATES)
    config.write_text(config.read_text(encoding="utf-8").replace(str(tf.BUNDLED),
                                                                 str(workbook)))
    started: list[bool] = []
    real = charts.prefetch

    def spy(folder, build=None):
        thread = real(folder, build)
        started.append(thread is not None)
        return thread

    monkeypatch.setattr(charts, "prefetch", spy)

    def build(kind: str) -> None:
        result = call("build", "--kind", kind, "--as-of", tf.AS_OF, "--config", str(config),
                      "--jobs", "1", "--format", "html")
        assert result.returncode == 0, result.stderr

    build("overview")
    build("overview")  # the same build: its charts are kept
    build("weekly")    # charts are kept, but not the weekly's
    os.utime(workbook, ns=(1, 1))  # the workbook saved again: the charts may differ
    build("overview")
    assert started == [True, False, True, True]
    assert entries(tmp_path / ".cache" / "charts")

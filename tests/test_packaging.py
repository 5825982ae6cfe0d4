"""The wheel: built from the repository, installed in a fresh virtual environment, it
builds the bundled memos with the default templates it carries; a desk's own templates
folder, and ``[paths] templates``, still win over them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from docx import Document

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(p.name for p in (ROOT / "templates").iterdir() if p.is_file())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip wheel .` makes, from a copy of the tracked files (no build
    leftovers of the checkout go in), with this environment's setuptools."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp / "dist"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "--disable-pip-version-check", "-q",
                           "-w", str(out), str(source)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (found,) = out.glob("briefing_reports-*.whl")
    return found


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, wheel) -> Path:
    """A fresh virtual environment with the wheel installed (its dependencies are this
    environment's, reached by a path entry, so nothing is downloaded; the toolkit itself
    comes only from the wheel)."""
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    # No pip of its own (ensurepip costs seconds): the pip of this environment, reached
    # through the path entry below, installs into it.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=300)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_paths()['purelib'])"], capture_output=True,
                          text=True, check=True).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    # A path entry, not a site dir: our editable install's finder (a .pth) is not read.
    Path(site, "dependencies.pth").write_text(ours + "\n", encoding="utf-8")
    proc = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index",
                           "--disable-pip-version-check", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return venv


def _desk(tmp: Path, *, own_templates: bool = False, config_extra: str = "") -> Path:
    """A desk folder with the bundled workbook and config, and no code or templates."""
    desk = tmp / "desk"
    shutil.copytree(ROOT / "workbook", desk / "workbook")
    text = (ROOT / "reports.toml").read_text(encoding="utf-8")
    (desk / "reports.toml").write_text(text + config_extra, encoding="utf-8")
    if own_templates:
        shutil.copytree(ROOT / "templates", desk / "templates")
    return desk


def _run(venv: Path, desk: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    return subprocess.run([str(venv / "bin" / "run-reports"), *args], cwd=desk, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_wheel_carries_the_default_templates_and_no_test_code(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for name in TEMPLATES:
        assert f"reports/render/default_templates/{name}" in names
    packaged = zipfile.ZipFile(wheel).read("reports/render/default_templates/memo.docx")
    assert packaged == (ROOT / "templates" / "memo.docx").read_bytes()
    assert "reports/site/templates/base.html" in names and "reports/site/static/site.css" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "scripts/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_installed_wheel_builds_the_bundled_memos(fresh, tmp_path):
    desk = _desk(tmp_path)
    import_check = subprocess.run([str(fresh / "bin" / "python"), "-c",
                                   "import reports, pathlib; print(pathlib.Path("
                                   "reports.__file__).parent)"], cwd=tmp_path,
                                  capture_output=True, text=True, check=True)
    assert str(fresh) in import_check.stdout  # the wheel's copy, not the checkout
    proc = _run(fresh, desk, "build", "--as-of", "2019-11-25", "--format", "docx", "html")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Said, once: a desk whose restyled templates were left behind must hear of it.
    assert proc.stderr.count("using the toolkit's default templates") == 1, proc.stderr
    assert str(desk / "templates") in proc.stderr
    built = sorted((desk / "output").rglob("*.docx"))
    assert len(built) >= 4
    weekly = next(p for p in built if "weekly" in p.name)
    text = "\n".join(p.text for p in Document(str(weekly)).paragraphs)
    assert "Bottom line" in text and "GSOMIA" in text
    html = next(p for p in (desk / "output").rglob("*.html") if "weekly" in p.name)
    assert "<h1" in html.read_text(encoding="utf-8")
    assert not (desk / "templates").exists()


def test_a_desks_own_templates_win_over_the_packaged_ones(fresh, tmp_path):
    """A templates/ folder beside the config is the desk's copy: a broken tag in it stops
    the build (it is the one used), where the packaged templates would have built."""
    desk = _desk(tmp_path, own_templates=True)
    html = desk / "templates" / "memo.html"
    html.write_text(html.read_text(encoding="utf-8").replace("</h1>", "{{ memo.titel }}</h1>",
                                                              1), encoding="utf-8")
    proc = _run(fresh, desk, "build", "--as-of", "2019-11-25", "--format", "html")
    assert proc.returncode != 0
    assert "memo.html" in proc.stderr and "titel" in proc.stderr
    assert not (desk / "output").exists() or not list((desk / "output").rglob("*.html"))


def test_a_templates_folder_the_config_names_is_used_or_refused(fresh, tmp_path):
    desk = _desk(tmp_path, config_extra="")
    config = desk / "reports.toml"
    text = config.read_text(encoding="utf-8")
    assert "[paths]" in text
    config.write_text(text.replace("[paths]", '[paths]\ntemplates = "house-style"', 1),
                      encoding="utf-8")
    proc = _run(fresh, desk, "build", "--as-of", "2019-11-25", "--format", "html")
    assert proc.returncode != 0
    assert "house-style" in proc.stderr  # named, missing: refused, not replaced
    # ... and told where the defaults are (HTML only built here), in the installed
    # package, which has no scripts/
    packaged = next(fresh.rglob("reports/render/default_templates"))
    assert f"copy the toolkit's default one from {packaged / 'memo.html'}" in proc.stderr
    assert "scripts/make_templates.py" not in proc.stderr
    shutil.copytree(ROOT / "templates", desk / "house-style")
    proc = _run(fresh, desk, "build", "--as-of", "2019-11-25", "--format", "html")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "default templates" not in proc.stderr  # the desk's own, named: nothing to say

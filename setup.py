"""Packaging beyond pyproject.toml: the wheel carries the repository's ``templates/``
(the desk's editable copy) as the toolkit's default templates, in
``reports/render/default_templates`` (``reports.config.tables.packaged_templates``), so an
installed wheel builds memos without a templates folder of its own."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"


class BuildPyWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # a checkout reads templates/ where it is
        target = Path(self.build_lib) / "reports" / "render" / "default_templates"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(TEMPLATES, target,
                        ignore=shutil.ignore_patterns(".*", "~$*", "__pycache__"))


setup(cmdclass={"build_py": BuildPyWithTemplates})

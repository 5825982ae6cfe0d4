"""Compiled templates kept on disk between runs: jinja2's own bytecode cache
(``jinja2.FileSystemBytecodeCache``), so that a process renders a memo page without
compiling its templates again (about a tenth of a second per process).

- jinja2 checks a kept file against the template's text and its own version, and writes
  it whole or not at all (a temporary file, then a rename). A template the desk edits is
  compiled again at its next use.
- Its key here also holds the source of the module that makes the environment: the
  settings a template is compiled with (autoescaping, whitespace control) are there.
- It is an aid: a file that cannot be read or a folder that cannot be written only means
  compiling again (logged at debug level); a damaged file is compiled again by jinja2.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import jinja2
import jinja2.bccache

log = logging.getLogger(__name__)


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by jinja2 kept in ``folder``; ``settings`` is the module that
    makes the environment (what the templates are compiled with besides their text)."""

    def __init__(self, folder: Path, settings: Path):
        super().__init__(str(folder), "%s.jinja")
        self.folder = folder
        self._settings_file = settings
        self._settings: str | None = None

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        if self._settings is None:
            self._settings = hashlib.sha256(self._settings_file.read_bytes()).hexdigest()
        return hashlib.sha256(f"{self._settings}|{name}|{filename}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError as exc:  # jinja2 passes over a missing file, not an unreadable one
            log.debug("cannot read a compiled template in %s: %s", self.folder, exc)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError as exc:
            log.debug("cannot keep a compiled template in %s: %s", self.folder, exc)

"""Compiled templates kept on disk between runs: jinja2's own bytecode cache
(``jinja2.FileSystemBytecodeCache``), so that a process renders a memo page without
compiling its templates again (about a tenth of a second per process).

- jinja2 checks a kept file against the template's text, and writes it whole or not at
  all (a temporary file, then a rename). A template the desk edits is compiled again at
  its next use.
- The key holds what else the compiled code depends on: the toolkit's code (the
  environment's settings and its filters), jinja2's version and Python's.
- It is an aid: a file that cannot be read or is damaged in any way, or a folder that
  cannot be written, only means compiling again (logged at debug level). The folder is
  kept under ``MAX_BYTES``, as the chart cache is (``reports.output.files.keep_under``).
- What is kept here is code the toolkit runs: the folder is made private to the account
  that writes it whenever it writes (made so, or narrowed and emptied), and kept files
  are read only from a folder that account owns and nobody else may write to (else they
  are compiled again; ``[paths] cache`` must not be writable by others: docs/operations.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import sys
from pathlib import Path

import jinja2
import jinja2.bccache

from reports.output.files import code_fingerprint, keep_under

log = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024  # a few editions of the templates (a memo's: about 200 KB)


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by jinja2 kept in ``folder`` (see the module)."""

    def __init__(self, folder: Path):
        super().__init__(str(folder), "%s.jinja")
        self.folder = folder

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        code = f"{code_fingerprint()}|{jinja2.__version__}|{sys.version}"
        return hashlib.sha256(f"{code}|{name}|{filename}".encode()).hexdigest()

    def _private(self) -> bool:
        """The folder is this account's and nobody else may write to it."""
        try:
            found = self.folder.stat()
        except OSError:
            return False
        return (stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid()
                and not found.st_mode & 0o022)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not self._private():
            if self.folder.exists():
                log.debug("compiled templates in %s not used: the folder is not this "
                          "account's own", self.folder)
            return
        try:
            super().load_bytecode(bucket)
        except Exception as exc:  # unreadable, or damaged where jinja2 does not look
            bucket.reset()
            log.debug("compiled template %s in %s not used: %s", bucket.key, self.folder, exc)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            if not self._private():  # new, or made by hand: narrowed (else: refused)
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                self.folder.chmod(0o700)
                self.clear()  # what others could write there is never read
            super().dump_bytecode(bucket)
            keep_under(self.folder, MAX_BYTES, (".jinja",),
                       leftover=lambda name: name.endswith(".tmp"))  # jinja2's own
        except OSError as exc:
            log.debug("cannot keep a compiled template in %s: %s", self.folder, exc)

"""Charts kept on disk between runs, by content: a chart drawn once is read back as is.

An entry's name is the SHA-256 of what the picture depends on: the chart block, the
format, the chart code (the source of every chart module, and matplotlib's and Pillow's
versions) and the font files it is drawn with. So a hit holds the same bytes a fresh draw
would give, and a change to any of these simply misses.

- An entry is ``MAGIC``, the SHA-256 of the picture, then the picture: one that fails
  this check (a torn or damaged file) is logged, deleted and drawn again.
- Writes go to a temporary file in the folder, then ``os.replace``: a reader never sees
  half a file, and two processes writing one entry leave one whole entry.
- The folder is kept under ``max_bytes``: a write that takes it over removes the least
  recently used entries (a hit touches its file) until it is at three quarters of that.
- The cache is an aid: a folder that cannot be written is logged once and the charts are
  drawn as if there were no cache.

Which fonts the charts are drawn with is known without importing matplotlib (a hit must
stay cheap): the process that last drew a chart records the files in ``fonts.json``
(family, file, size, date), trusted while every file listed is unchanged. A font
installed since is noticed the next time a chart is drawn.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from reports.render.charts import fonts as chart_fonts

if TYPE_CHECKING:
    from reports.config.load import Config

log = logging.getLogger("reports.render.charts")

MAGIC = b"reports-chart 1\n"
FONTS_FILE = "fonts.json"


def chart_cache_folder(config: Config) -> Path:
    """``[paths] cache``/charts: outside the published folders, since it holds the charts
    of memos of every level."""
    return Path(config.cache) / "charts"


class DiskCache:
    def __init__(self, folder: str | os.PathLike, max_bytes: int):
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self._fonts: str | None = None
        self._warned = False

    def get(self, content: str, fmt: str) -> bytes | None:
        """The picture drawn for ``content`` (the block, as canonical JSON), or None."""
        path = self._path(content, fmt)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._warn(f"cannot read {path}: {exc}")
            return None
        head = len(MAGIC) + 32
        picture = raw[head:]
        if raw[:len(MAGIC)] != MAGIC or hashlib.sha256(picture).digest() != raw[len(MAGIC):head]:
            log.warning("chart cache: %s is damaged; drawing the chart again", path)
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)
        except OSError:
            pass
        return picture

    def put(self, content: str, fmt: str, picture: bytes) -> None:
        """Keep ``picture`` for ``content`` (atomic; never raises)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._path(content, fmt)
            _write(path, MAGIC + hashlib.sha256(picture).digest() + picture)
            self._prune()
        except OSError as exc:
            self._warn(f"cannot write to {self.folder}: {exc}")

    def _path(self, content: str, fmt: str) -> Path:
        h = hashlib.sha256()
        for part in (code_digest(), self._fonts_digest(), fmt, content):
            h.update(part.encode("utf-8") + b"\0")
        return self.folder / f"{h.hexdigest()}.{fmt}"

    def _fonts_digest(self) -> str:
        """The fonts' digest: from ``fonts.json`` while it holds and this process has not
        looked the fonts up, else looked up (importing matplotlib) and recorded."""
        if not chart_fonts.latin.cache_info().currsize:      # not looked up here yet
            if self._fonts is None:
                self._fonts = self._trusted_fonts()
            if self._fonts:
                return self._fonts
        return self._record_fonts()

    def _trusted_fonts(self) -> str:
        try:
            files = json.loads((self.folder / FONTS_FILE).read_text(encoding="utf-8"))
            if all(chart_fonts.file_stamp(f[1]) == f[1:] for f in files):
                return _digest(files)
        except (OSError, ValueError, TypeError, IndexError):
            pass
        return ""

    def _record_fonts(self) -> str:
        files = chart_fonts.used_files()
        digest = _digest(files)
        if digest != self._fonts:
            path = self.folder / FONTS_FILE
            text = json.dumps(files, ensure_ascii=False)
            try:
                if not path.is_file() or path.read_text(encoding="utf-8") != text:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    _write(path, text.encode("utf-8"))
            except OSError as exc:
                self._warn(f"cannot write to {self.folder}: {exc}")
            self._fonts = digest
        return digest

    def _prune(self) -> None:
        from reports.output.files import keep_under

        keep_under(self.folder, self.max_bytes, (".png", ".svg"),
                   leftover=lambda name: name.startswith(".tmp-"))

    def _warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            log.warning("chart cache: %s; charts are drawn without it", message)


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _digest(files: list) -> str:
    return hashlib.sha256(json.dumps(files, ensure_ascii=False).encode()).hexdigest()


@cache
def code_digest() -> str:
    """The chart code's identity: the package's code and the drawing libraries' versions."""
    from importlib import metadata

    from reports.output.files import code_fingerprint

    h = hashlib.sha256(code_fingerprint().encode())
    for package in ("matplotlib", "pillow"):
        try:
            h.update(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            h.update(package.encode())
    return h.hexdigest()

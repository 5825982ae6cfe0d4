"""Reading the workbook again each time it is saved, and telling the open pages.

The workbook's folder is watched with watchfiles (the operating system's file events:
inotify on Linux); a save (Excel writes a temporary file and renames it over the
workbook) reloads the :class:`~reports.site.saved.SavedWorkbook` in a worker thread, and
every page waiting in :meth:`Live.changed` is woken. As a safety net for folders whose
events do not arrive (some network shares), the file's size and modification time are
also compared every :data:`STAT_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path

from reports.config.load import Config
from reports.errors import ConfigError
from reports.site.saved import SavedWorkbook, take

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150  # a save's several events are one change
STAT_SECONDS = 2.0


class Live:
    """The workbook as last saved, reloaded on every save; ``version`` counts the reloads."""

    def __init__(self, config: Config):
        self.config = config
        self.path = Path(config.workbook)
        self.saved: SavedWorkbook | None = None
        self.version = 0
        self._changed = asyncio.Event()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._reload_lock = asyncio.Lock()

    async def start(self) -> None:
        folder = self.path.parent
        if not folder.is_dir():
            raise ConfigError(f"the workbook's folder {folder} does not exist; set [paths] "
                              "workbook in the config")
        await self.reload("start")
        self._tasks = [asyncio.create_task(self._watch()), asyncio.create_task(self._poll())]

    async def stop(self) -> None:
        self._stop.set()
        self._wake()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def reload(self, why: str) -> None:
        async with self._reload_lock:
            saved = await asyncio.to_thread(take, self.config)
            self.saved = saved
            self.version += 1
            log.info("workbook %s read (%s): %d problem(s)", self.path, why,
                     len(saved.problems))
        self._wake()

    def _wake(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def changed(self, version: int, timeout: float) -> int:
        """Wait until the saved workbook is newer than ``version`` (or ``timeout`` seconds)."""
        if self.version != version or self.stopping:
            return self.version
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)
        return self.version

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return (stat.st_size, stat.st_mtime_ns)

    async def _watch(self) -> None:
        from watchfiles import awatch

        name = self.path.name

        def ours(_change, path: str) -> bool:
            return Path(path).name == name

        try:
            async for _ in awatch(self.path.parent, watch_filter=ours, debounce=DEBOUNCE_MS,
                                  step=25, stop_event=self._stop, recursive=False):
                self._seen = self._stamp()
                await self.reload("saved")
        except Exception:  # the poll below still notices saves
            log.warning("watching %s for saves failed; checking it every %g s instead",
                        self.path.parent, STAT_SECONDS, exc_info=True)

    async def _poll(self) -> None:
        self._seen = self._stamp()
        while not self.stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), STAT_SECONDS)
            stamp = self._stamp()
            if stamp != self._seen and not self.stopping:
                self._seen = stamp
                await self.reload("changed")

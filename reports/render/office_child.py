"""Run unoserver's own command line until the process that started it ends.

Not imported by the toolkit: ``reports.render.office`` runs this file with the Python that
has LibreOffice's ``uno`` module and unoserver (``.venv-office``, made by
``scripts/setup.sh``), passing unoserver's arguments unchanged. Its one addition is a
watch on standard input, a pipe from the toolkit's process: when that pipe closes (the
toolkit finished, failed, was interrupted or killed), unoserver is stopped the way its
own signal handling stops it (SIGTERM, which it passes on to LibreOffice), and if that
has not ended the whole process group within :data:`GRACE` seconds, the group is killed.
So LibreOffice never outlives the run that started it.

One more addition (:func:`open_hidden`): unoserver opens a document in a visible frame
with no interaction handler, which a headless LibreOffice 7.4 survives for a Word file
but not for a spreadsheet (the .xlsx is refused, then LibreOffice aborts). Documents are
opened hidden, with a handler that answers any question (a password, an offer to repair
a damaged file) with "cancel", as a conversion nobody watches must.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import Any

GRACE = 10.0


def _watch_parent() -> None:
    sys.stdin.buffer.read()  # returns at end of file: the toolkit's end of the pipe closed
    os.kill(os.getpid(), signal.SIGTERM)  # unoserver's handler stops LibreOffice
    time.sleep(GRACE)
    os.killpg(os.getpgrp(), signal.SIGKILL)  # still here: stop everything in the group


def open_hidden() -> None:
    """Make unoserver's converter open every document hidden, cancelling any question."""
    import uno
    import unohelper
    from com.sun.star.beans import PropertyValue
    from com.sun.star.task import XInteractionHandler
    from unoserver import converter

    abort = uno.getTypeByName("com.sun.star.task.XInteractionAbort")

    class Cancel(unohelper.Base, XInteractionHandler):
        def handle(self, request: Any) -> None:  # a UNO callback
            for choice in request.getContinuations():
                if choice.queryInterface(abort) is not None:
                    choice.select()
                    return

    class HiddenDesktop:
        def __init__(self, desktop: Any) -> None:
            self._desktop = desktop

        def loadComponentFromURL(self, url: str, target: str, flags: int,  # noqa: N802 (UNO's)
                                 props: tuple) -> Any:
            extra = (PropertyValue(Name="Hidden", Value=True),
                     PropertyValue(Name="InteractionHandler", Value=Cancel()))
            return self._desktop.loadComponentFromURL(url, target, flags, tuple(props) + extra)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._desktop, name)

    made = converter.UnoConverter.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        self.desktop = HiddenDesktop(self.desktop)

    converter.UnoConverter.__init__ = init


def main() -> int:
    from unoserver.server import main as unoserver_main

    open_hidden()
    threading.Thread(target=_watch_parent, name="parent-watch", daemon=True).start()
    sys.argv[0] = "unoserver"
    return unoserver_main() or 0


if __name__ == "__main__":
    sys.exit(main())

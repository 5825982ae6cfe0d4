"""Run unoserver's XML-RPC converter on one LibreOffice, until the process that started it ends.

Not imported by the toolkit: ``reports.render.office`` runs this file with the Python that
has LibreOffice's ``uno`` module and unoserver (``.venv-office``, made by
``scripts/setup.sh``). The conversions are unoserver's own (its ``UnoServer.serve``: the
XML-RPC interface, ``UnoConverter``); what this file does differently from unoserver's
command line:

- It starts faster (:class:`QuickStart`): unoserver's ``start`` sleeps 7 s whatever
  happens; here the converter connects as soon as LibreOffice accepts connections (about
  1.5 s), and a LibreOffice that exits at once is reported at once (:data:`DIED`).
- It watches standard input, a pipe from the toolkit's process: when that pipe closes
  (the toolkit finished, failed, was interrupted or killed), LibreOffice is stopped the
  way unoserver's signal handling stops it (SIGTERM), and if that has not ended the
  whole process group within :data:`GRACE` seconds, the group is killed. So LibreOffice
  never outlives the run that started it.
- It opens documents hidden (:func:`open_hidden`): unoserver opens a document in a
  visible frame with no interaction handler, which a headless LibreOffice 7.4 survives
  for a Word file but not for a spreadsheet (the .xlsx is refused, then LibreOffice
  aborts). Documents are opened hidden, with a handler that answers any question (a
  password, an offer to repair a damaged file) with "cancel", as a conversion nobody
  watches must.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

GRACE = 10.0
DIED = "Looks like LibreOffice died"  # logged when LibreOffice exits unasked
log = logging.getLogger("unoserver")


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


def quick_start() -> type:
    """unoserver's ``UnoServer`` whose ``start`` waits for LibreOffice, not for 7 s."""
    from unoserver.server import UnoServer

    class QuickStart(UnoServer):
        def start(self, executable: str = "soffice") -> subprocess.Popen:
            connection = (f"socket,host={self.uno_interface},port={self.uno_port},"
                          "tcpNoDelay=1;urp;StarOffice.ComponentContext")
            self.libreoffice_process = subprocess.Popen([
                executable, "--headless", "--invisible", "--nocrashreport", "--nodefault",
                "--nologo", "--nofirststartwizard", "--norestore",
                f"-env:UserInstallation={self.user_installation}", f"--accept={connection}"])

            def stop(signum: int, frame: Any) -> None:  # as unoserver's own handler
                self.intentional_exit = True
                try:
                    self.libreoffice_process.send_signal(signum)
                except ProcessLookupError:
                    pass
                if self.xmlrcp_server is not None:
                    self.stop()

            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(signum, stop)
            while self.libreoffice_process.poll() is None:  # until LibreOffice accepts
                try:
                    socket.create_connection((self.uno_interface, int(self.uno_port)), 1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            self.xmlrcp_thread = threading.Thread(target=self.serve, name="xml-rpc",
                                                  daemon=True)
            self.xmlrcp_thread.start()
            return self.libreoffice_process

    return QuickStart


def main() -> int:
    parser = argparse.ArgumentParser(prog="office_child")
    for name in ("--interface", "--port", "--uno-interface", "--uno-port", "--executable",
                 "--user-installation"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    open_hidden()
    server = quick_start()(args.interface, args.port, args.uno_interface, args.uno_port,
                           Path(args.user_installation).as_uri())
    threading.Thread(target=_watch_parent, name="parent-watch", daemon=True).start()
    libreoffice = server.start(executable=args.executable)
    code = libreoffice.wait()
    if not server.intentional_exit:
        log.error("%s (exit status %s)", DIED, code)
    if server.xmlrcp_server is not None:
        server.stop()
    return 0 if server.intentional_exit else 1


if __name__ == "__main__":
    status = main()
    logging.shutdown()
    # Not sys.exit: the watch on standard input and a converter still connecting to a dead
    # LibreOffice are threads that Python's shutdown would complain about, or hang on.
    os._exit(status)

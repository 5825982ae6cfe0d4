"""``serve``: the site under uvicorn, until stopped (Ctrl-C or SIGTERM from systemd)."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

from reports.config.load import Config
from reports.errors import ConfigError

log = logging.getLogger(__name__)


def serve(config: Config) -> int:
    """Serve until stopped; what stops it from starting is a :class:`ConfigError` (exit 2)."""
    import uvicorn

    from reports.site.app import create_app
    from reports.site.users import Users

    site = config.site
    folder = Path(config.workbook).parent
    if not folder.is_dir():
        raise ConfigError(f"the workbook's folder {folder} does not exist; set [paths] "
                          "workbook in the config")
    Users(config.run_record_path, config.markings).prepare()  # a newer record is refused here
    _check_address(site.address, site.port)
    scheme = "https" if site.tls else "http"
    server = uvicorn.Server(uvicorn.Config(
        create_app(config), host=site.address, port=site.port, log_config=None,
        ssl_certfile=str(site.tls_cert) if site.tls_cert else None,
        ssl_keyfile=str(site.tls_key) if site.tls_key else None,
        proxy_headers=False,  # the proxy's headers are trusted by reports.site.security
        server_header=False, timeout_graceful_shutdown=3, access_log=False))
    log.info("serving %s on %s://%s:%d/", config.workbook, scheme, site.address, site.port)
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind or start the application
        server.started = False
    if not server.started:
        raise ConfigError(f"the site could not start on {site.address}:{site.port}; the log "
                          "above says why")
    return 0


def _check_address(address: str, port: int) -> None:
    """Refuse early, in one sentence, an address and port that cannot be listened on."""
    try:
        infos = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as exc:
        raise ConfigError(f"cannot listen on {address}:{port} ({exc.strerror or exc}): is "
                          "another program (or another serve) using that port? Set [site] "
                          "address and port in the config") from exc

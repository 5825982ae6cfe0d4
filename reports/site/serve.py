"""``serve``: the site under uvicorn, until stopped (Ctrl-C or SIGTERM from systemd)."""

from __future__ import annotations

import logging

from reports.config import Config

log = logging.getLogger(__name__)


def serve(config: Config) -> int:
    import uvicorn

    from reports.site.app import create_app

    site = config.site
    scheme = "https" if site.tls else "http"
    server = uvicorn.Server(uvicorn.Config(
        create_app(config), host=site.address, port=site.port, log_config=None,
        ssl_certfile=str(site.tls_cert) if site.tls_cert else None,
        ssl_keyfile=str(site.tls_key) if site.tls_key else None,
        proxy_headers=False,  # the proxy's headers are trusted by reports.site.security
        server_header=False, timeout_graceful_shutdown=3, access_log=False))
    log.info("serving %s on %s://%s:%d/", config.workbook, scheme, site.address, site.port)
    server.run()
    return 0 if server.started else 2

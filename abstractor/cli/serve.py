"""`abstractor serve`: the web pages and the HTTP API, and the owner of the embedded index while it runs."""

from __future__ import annotations

import copy
import logging
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from abstractor.cli.common import load_settings
from abstractor.web.discovery import remove_server_file, write_server_file

ACCESS_LOGGER = "abstractor.access"


class AccessLog:
    """Pure ASGI middleware: one line per HTTP request to the `abstractor.access` logger, e.g.
    `2026-12-06T21:30:05Z 127.0.0.1 GET /search 200 41ms`.

    It replaces uvicorn's access log, which writes the query string: a search query is a lawyer's
    question about a client's contracts and stays out of logs, so only the path is written. No header
    (the session cookie) is ever read.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.logger = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when the app raises before it answers

        async def watch(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            client = scope.get("client")
            self.logger.info(
                "%s %s %s %d %dms",
                client[0] if client else "-",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )


class _UtcFormatter(logging.Formatter):
    converter = time.gmtime


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the access log on stderr (beside uvicorn's own warnings) with UTC stamps."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["abstractor_access"] = {
        "()": _UtcFormatter,
        "fmt": "%(asctime)s %(message)s",
        "datefmt": "%Y-%m-%dT%H:%M:%SZ",
    }
    config["handlers"]["abstractor_access"] = {
        "formatter": "abstractor_access",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"][ACCESS_LOGGER] = {
        "handlers": ["abstractor_access"],
        "level": "INFO",
        "propagate": False,
    }
    return config


def _advertising_server(config: Any, server_file: Path, url: str) -> Any:
    """A uvicorn server that names itself in `server_file` once its port is bound, and unnames itself
    first thing at shutdown (uvicorn re-raises SIGTERM after shutting down, so no `finally` would run)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                write_server_file(server_file, url)

        async def shutdown(self, sockets: Any = None) -> None:
            remove_server_file(server_file)
            await super().shutdown(sockets)

    return Server(config)


def proxy_options(trusted: list[str]) -> dict[str, Any]:
    """uvicorn believes X-Forwarded-For and -Proto only from the proxies named in the settings.

    Its default believes them from 127.0.0.1: any local process could then write the audit log's client
    address and slip past the sign-in limiter, which keys on that address.
    """
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(trusted)}


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on; default server.host.")] = None,
    port: Annotated[int | None, typer.Option(help="Port; default server.port.")] = None,
) -> None:
    """Serve the web pages and the search API on HOST:PORT until stopped (Ctrl-C or SIGTERM).

    Open http://HOST:PORT/ and sign in with a token from `abstractor tokens create`. Behind a TLS proxy,
    name it in server.trusted_proxies: its X-Forwarded-For gives the client address, its
    X-Forwarded-Proto marks the session cookie Secure. No other address's forwarding headers are believed.

    While it runs it owns the embedded index: ingest runs leave their index updates in the outbox and
    this server applies them every few seconds; `abstractor search` goes through it.
    """
    import uvicorn

    from abstractor.web.app import create_app

    settings = load_settings()
    host = host or settings.server.host
    port = port or settings.server.port
    config = uvicorn.Config(
        AccessLog(create_app(settings)),
        host=host,
        port=port,
        log_level="warning",
        log_config=log_config(),
        access_log=False,  # AccessLog writes it, without query strings
        **proxy_options(settings.server.trusted_proxies),
    )
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    _advertising_server(config, settings.server_file, url).run()


def register(app: typer.Typer) -> None:
    app.command()(serve)

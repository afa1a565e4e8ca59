"""`abstractor serve`: the web pages and the HTTP API, and the owner of the embedded index while it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from abstractor.cli.common import load_settings
from abstractor.web.discovery import remove_server_file, write_server_file


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


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on; default server.host.")] = None,
    port: Annotated[int | None, typer.Option(help="Port; default server.port.")] = None,
) -> None:
    """Serve the web pages and the search API on HOST:PORT until stopped (Ctrl-C or SIGTERM).

    Open http://HOST:PORT/ and sign in with a token from `abstractor tokens create`. Behind a TLS proxy
    the session cookie is marked Secure (uvicorn trusts X-Forwarded-Proto from 127.0.0.1 by default).

    While it runs it owns the embedded index: ingest runs leave their index updates in the outbox and
    this server applies them every few seconds; `abstractor search` goes through it.
    """
    import uvicorn

    from abstractor.web.app import create_app

    settings = load_settings()
    host = host or settings.server.host
    port = port or settings.server.port
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning")
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    _advertising_server(config, settings.server_file, url).run()


def register(app: typer.Typer) -> None:
    app.command()(serve)

"""The audit rows routes cannot write themselves: refused credentials (401) and crashes (5xx).

A route audits what it did (read, denied, not found) once it knows who asked. A request refused before
that, for want of a valid token or session, or one that crashed, reaches no such line; this middleware
records it, with the true peer, so a probe with stolen or revoked tokens, or a request that breaks the
server, leaves a trace like any other. Static files and the health check are not client data.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storage.db.audit import record

_QUIET = ("/static/", "/healthz")
_LOG = logging.getLogger(__name__)


class AuditRefusals:
    """Pure ASGI middleware: a 401 or 5xx answer is an audit row (`outcome` the status)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_QUIET):
            await self.app(scope, receive, send)
            return
        answered: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            self._record(scope, 500)
            raise
        if answered and (answered[0] == 401 or answered[0] >= 500):
            self._record(scope, answered[0])

    @staticmethod
    def _record(scope: Scope, status_code: int) -> None:
        services = getattr(scope["app"].state, "services", None)
        if services is None:  # the app is starting or stopping: nothing to write to
            return
        client = scope.get("client")
        peer = client[0] if client else "unknown"
        try:
            record(
                services.db,
                actor="anonymous" if status_code == 401 else "unknown",
                action="request",
                client=peer,
                outcome=f"http_{status_code}",
                detail={"method": scope["method"], "path": scope["path"]},
            )
        except Exception:  # a failed audit write must not hide the answer being sent: logged instead
            _LOG.exception("could not audit a %s answer to %s", status_code, scope["path"])

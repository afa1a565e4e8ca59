"""Headers on every response, the CSRF check of every form that changes something, sign-in rate limits."""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque

from fastapi import HTTPException, status
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Our pages load nothing from elsewhere and run no inline script or style.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The stored report.html is self-contained: inline styles and SVG, data-URI thumbnails, no script at all.
# It is framed by our reports page only, and sandboxed so even a script in it could not run.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox"
)
_COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """Pure ASGI middleware (no body buffering): adds the headers unless a route set its own CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = dict(_COMMON)
                if b"content-security-policy" not in names:
                    extra["Content-Security-Policy"] = PAGE_CSP
                    extra["X-Frame-Options"] = "DENY"
                if not static:  # client documents and audit rows must not linger in shared caches
                    extra["Cache-Control"] = "no-store"
                headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            # A crash is answered here, with the same headers, not by the server's bare 500 outside
            # this middleware; raised on, so the server still logs it.
            if not started:
                crashed = PlainTextResponse("Internal Server Error", status_code=500)
                await crashed(scope, receive, with_headers)
            raise


def check_csrf(expected: str | None, submitted: str | None) -> None:
    """403 unless the form carried the secret of this session (or of this sign-in form)."""
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form has expired or did not come from this site")


class SignInLimiter:
    """At most `attempts` failed sign-ins per client address in any `window_s`; then 429 until one ages out.

    Kept in memory: one `abstractor serve` process is the unit. Behind a proxy, run uvicorn with
    --proxy-headers so the client address is the caller's, not the proxy's.
    """

    def __init__(self, attempts: int = 5, window_s: float = 60.0) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        found = self._failures.setdefault(client, deque())
        while found and found[0] <= now - self.window_s:
            found.popleft()
        return found

    def retry_after(self, client: str) -> int | None:
        """Seconds until the client may try again, or None when it may try now."""
        now = time.monotonic()
        with self._lock:
            found = self._recent(client, now)
            if len(found) < self.attempts:
                return None
            return max(1, int(found[0] + self.window_s - now) + 1)

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(client, now).append(now)
            # Forget addresses with nothing recent, so a scan from many addresses cannot grow this forever.
            for key in [k for k, v in self._failures.items() if not v or v[-1] <= now - self.window_s]:
                del self._failures[key]

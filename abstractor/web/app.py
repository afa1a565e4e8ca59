"""The FastAPI app: `create_app(settings)`, the JSON API and the web pages. It owns the embedded index.

At start it takes the index (or keeps trying, if an ingest run holds it for a moment) and, every
`server.outbox_interval_s`, applies what ingest runs and purges left in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from urllib.parse import quote

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from abstractor.search_service import SearchServices
from abstractor.settings import Settings
from abstractor.web.api import router as api_router
from abstractor.web.audit_refusals import AuditRefusals
from abstractor.web.auth import SignInRequiredError, page_user
from abstractor.web.pages import router as pages_router
from abstractor.web.security import SecurityHeaders, SignInLimiter
from abstractor.web.session import Sessions, session_key
from abstractor.web.templating import STATIC_DIR, render

log = logging.getLogger(__name__)


async def _apply_outbox(services: SearchServices, interval_s: float) -> None:
    while True:
        try:
            if not await asyncio.to_thread(services.owner.try_take):
                log.info("the index is held by another process; retrying in %s s", interval_s)
        except Exception:  # a bad row or a full disk must not stop the loop: log it, retry next time
            log.exception("applying the index outbox failed")
        await asyncio.sleep(interval_s)


async def _to_signin(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(target, safe='')}", status.HTTP_303_SEE_OTHER)


async def _http_error(request: Request, exc: Exception) -> Response:
    """JSON for the API (as before), an HTML page for the pages, with the same status."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/") or exc.status_code == status.HTTP_401_UNAUTHORIZED:
        return await http_exception_handler(request, exc)
    try:
        who = page_user(request, None)
    except SignInRequiredError:
        who = None
    response = render(request, "error.html", who, exc.status_code, message=str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def create_app(settings: Settings, services: SearchServices | None = None) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services or SearchServices(settings)
        await asyncio.to_thread(app.state.services.encoder.warm)
        task = asyncio.create_task(_apply_outbox(app.state.services, settings.server.outbox_interval_s))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            app.state.services.close()

    # No interactive docs: they load scripts from a CDN. The schema stays at /openapi.json.
    app = FastAPI(title="Abstractor", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.sessions = Sessions(session_key(settings.data_home))
    app.state.signin_limiter = SignInLimiter()
    app.add_middleware(AuditRefusals)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so a crash's 500 carries the headers too
    app.add_exception_handler(SignInRequiredError, _to_signin)
    app.add_exception_handler(HTTPException, _http_error)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api_router)
    app.include_router(pages_router)
    return app

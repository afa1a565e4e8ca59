"""Who is calling: a bearer token (API clients, the CLI) or the signed session cookie (the web pages).

Both resolve to the same `Principal`, so the pages and the JSON API run the same access checks. The areas
each role may open are named once here: the route guards and the navigation both read `AREAS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from abstractor.search_service import SearchServices
from abstractor.web.security import check_csrf
from abstractor.web.session import SESSION_COOKIE, Sessions
from storage.db import Role
from storage.db.access import AccessError, Principal, authenticate, principal
from storage.db.queries import active_token_user

_bearer = HTTPBearer(auto_error=False)

# Which roles may open which part of the site (lawyers: client documents of their matters; analysts:
# accuracy, never client documents; admins: everything).
AREAS: dict[str, frozenset[Role]] = {
    "search": frozenset({Role.lawyer, Role.admin}),
    "review": frozenset({Role.lawyer, Role.admin}),  # confirming values means reading client documents
    "reports": frozenset({Role.analyst, Role.admin}),
    "runs": frozenset({Role.admin}),
    "audit": frozenset({Role.admin}),
}


class SignInRequiredError(Exception):
    """A page was asked for without a valid session or token: the app redirects to the sign-in page."""


def services(request: Request) -> SearchServices:
    return request.app.state.services


def sessions(request: Request) -> Sessions:
    return request.app.state.sessions


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _resolve(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
    db = services(request).db
    if credentials is not None:  # a bad bearer token never falls back to the cookie
        return authenticate(db, credentials.credentials)
    data = sessions(request).read(request.cookies.get(SESSION_COOKIE))
    if data is None or active_token_user(db, data.token_id) != data.user:
        return None  # signed out, expired, forged, or its token revoked since
    try:
        who = principal(db, data.user)  # role and matters as they are now, not as at sign-in
    except AccessError:
        return None
    request.state.session = data
    return dataclasses.replace(who, via=f"session (token {data.token_id})")


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The API's caller: 401 without a valid token or session."""
    who = _resolve(request, credentials)
    if who is None:  # unknown, malformed, revoked and expired tokens all look the same from outside
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return who


def page_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """A page's reader: without a valid session or token, off to the sign-in page."""
    who = _resolve(request, credentials)
    if who is None:
        raise SignInRequiredError
    return who


def may_open(who: Principal, area: str) -> bool:
    return Role(who.role) in AREAS[area]


def area_user(area: str) -> Callable[..., Principal]:
    """A dependency: the signed-in reader of a page of `area`; 403 for a role that may not open it."""

    def dependency(who: Annotated[Principal, Depends(page_user)]) -> Principal:
        if not may_open(who, area):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"{who.role}s do not open the {area} pages")
        return who

    return dependency


async def form_user(request: Request, who: Annotated[Principal, Depends(page_user)]) -> Principal:
    """The sender of a form that changes something: a session's form must carry the session's CSRF secret.

    A bearer-token caller needs no CSRF secret: a browser never attaches a bearer token by itself.
    """
    data = getattr(request.state, "session", None)
    if data is not None:
        form = await request.form()
        submitted = form.get("csrf")
        check_csrf(data.csrf, submitted if isinstance(submitted, str) else None)
    return who


CurrentUser = Annotated[Principal, Depends(current_user)]
PageUser = Annotated[Principal, Depends(page_user)]
FormUser = Annotated[Principal, Depends(form_user)]
Services = Annotated[SearchServices, Depends(services)]

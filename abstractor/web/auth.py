"""Who is calling: bearer tokens now; the web pages' session cookie will resolve in `current_user` too."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from abstractor.search_service import SearchServices
from storage.db.access import Principal, authenticate

_bearer = HTTPBearer(auto_error=False)


def services(request: Request) -> SearchServices:
    return request.app.state.services


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    who = authenticate(services(request).db, credentials.credentials) if credentials is not None else None
    if who is None:  # unknown, malformed, revoked and expired tokens all look the same from outside
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return who


CurrentUser = Annotated[Principal, Depends(current_user)]
Services = Annotated[SearchServices, Depends(services)]

"""Sign in with a personal token (from `abstractor tokens create`), then a session cookie; sign out.

Sign-in is the one form without a session: its CSRF secret lives in a short-lived signed cookie of its
own (double submit). Failed sign-ins are counted per client address and refused with 429 past the limit.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response

from abstractor.web.auth import FormUser, Services, client_address, sessions
from abstractor.web.security import check_csrf
from abstractor.web.session import (
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    SIGNIN_COOKIE,
    SIGNIN_MAX_AGE_S,
)
from abstractor.web.templating import render
from storage.db.access import authenticate
from storage.db.audit import record

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path on this site: never `//host`, a scheme, or a backslash trick (no open redirect)."""
    if not target or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _form(request: Request, next_path: str, error: str | None, status_code: int) -> Response:
    secret, new_cookie = sessions(request).signin_token(request.cookies.get(SIGNIN_COOKIE))
    response = render(
        request, "signin.html", None, status_code, signin_csrf=secret, next=next_path, error=error
    )
    if new_cookie is not None:
        response.set_cookie(
            SIGNIN_COOKIE,
            new_cookie,
            max_age=SIGNIN_MAX_AGE_S,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/signin",
        )
    return response


@router.get("/signin")
def signin_page(request: Request, next: str = "/") -> Response:
    return _form(request, safe_next(next), None, status.HTTP_200_OK)


@router.post("/signin")
def signin(
    request: Request,
    services: Services,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    client = client_address(request)
    limiter = request.app.state.signin_limiter
    wait = limiter.retry_after(client)
    if wait is not None:  # checked before the token, so guessing stops even for a right guess
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "too many failed sign-ins; wait a minute",
            headers={"Retry-After": str(wait)},
        )
    check_csrf(sessions(request).signin_secret(request.cookies.get(SIGNIN_COOKIE)), csrf)
    who = authenticate(services.db, token.strip())
    if who is None:
        limiter.failed(client)
        record(
            services.db,
            actor="anonymous",
            action="sign_in",
            client=client,
            outcome="denied",
            detail={"token_id": token.partition(".")[0][:32]},
        )
        return _form(request, safe_next(next), "That token is not valid.", status.HTTP_401_UNAUTHORIZED)
    token_id = token.strip().partition(".")[0]
    _, cookie = sessions(request).issue(who.name, token_id)
    record(services.db, actor=who.name, action="sign_in", client=f"{client} (token {token_id})")
    response = RedirectResponse(safe_next(next), status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_MAX_AGE_S,
        httponly=True,
        samesite="lax",  # lax: a link from an e-mail to a document still arrives signed in
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(SIGNIN_COOKIE, path="/signin")
    return response


@router.post("/signout")
def signout(request: Request, services: Services, who: FormUser) -> Response:
    data = getattr(request.state, "session", None)
    if data is not None:
        sessions(request).end(data)
    record(services.db, actor=who.name, action="sign_out", client=f"{client_address(request)} ({who.via})")
    response = RedirectResponse("/signin", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

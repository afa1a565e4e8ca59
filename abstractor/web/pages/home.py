"""`/`: the first page the signed-in user may open."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response

from abstractor.web.auth import PageUser
from abstractor.web.templating import nav, render

router = APIRouter()


@router.get("/")
def home(request: Request, who: PageUser) -> Response:
    links = nav(who)
    if not links:  # a role with no pages (none today); say so rather than loop
        return render(request, "error.html", who, status.HTTP_403_FORBIDDEN, message="Nothing to open.")
    return RedirectResponse(links[0][1], status.HTTP_303_SEE_OTHER)

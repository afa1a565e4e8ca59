"""Server-rendered pages: one Jinja2 environment (autoescaped) and what every page's frame needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from abstractor.web.auth import may_open
from storage.db.access import Principal

_HERE = Path(__file__).parent
STATIC_DIR = _HERE / "static"
templates = Jinja2Templates(directory=_HERE / "templates")
templates.env.trim_blocks = templates.env.lstrip_blocks = True  # tidy HTML from block tags

# The navigation: label, address, area. A link shows only to a role that may open its area.
NAV = (
    ("Search", "/search", "search"),
    ("Contracts", "/contracts", "search"),  # the same readers as search: lawyers and admins
    ("Review", "/review", "review"),
    ("Reports", "/reports", "reports"),
    ("Runs", "/runs", "runs"),
    ("Audit log", "/audit", "audit"),
)


def nav(who: Principal) -> list[tuple[str, str]]:
    return [(label, href) for label, href, area in NAV if may_open(who, area)]


def render(
    request: Request, name: str, who: Principal | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    return templates.TemplateResponse(
        request,
        name,
        {
            "who": who,
            "nav": nav(who) if who is not None else [],
            "csrf": session.csrf if session is not None else None,
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )

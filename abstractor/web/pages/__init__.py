"""The HTML pages, one module per page; `router` gathers them."""

from fastapi import APIRouter

from abstractor.web.pages import audit, contracts, document, home, reports, review, runs, search, signin

router = APIRouter(include_in_schema=False)
for module in (signin, home, search, contracts, document, review, reports, runs, audit):
    router.include_router(module.router)

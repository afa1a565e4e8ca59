"""`abstractor search`: pages of the matters a user may see, through the running server when there is one."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import httpx
import typer

from abstractor.cli.common import fail, load_settings, print_json
from abstractor.search_service import SearchServices
from abstractor.settings import Settings
from abstractor.web.discovery import server_url
from retrieval.index import IndexBusy
from retrieval.search import MAX_LIMIT, BadQueryError, NotAllowedError
from storage.db import Database, open_database
from storage.db.access import AccessError, Principal, create_token, delete_token, principal

VISUAL_OFF = "visual search is off (no ColPali model: set embedders.colpali_model); pages found by text"
_CLI_TOKEN_TTL = dt.timedelta(minutes=5)


def _through_server(
    url: str, db: Database, who: Principal, text: str, where: list[str], limit: int
) -> dict[str, Any]:
    """Ask the server that owns the index, as `who`, with a short-lived token deleted right after."""
    token_id, token = create_token(db, who.name, label="cli", ttl=_CLI_TOKEN_TTL)
    try:
        response = httpx.get(
            f"{url}/api/search",
            params=[("q", text), ("limit", str(limit)), *(("where", clause) for clause in where)],
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
    except httpx.HTTPError as error:
        fail(f"the server at {url} did not answer ({error}); is `abstractor serve` running?")
    finally:
        delete_token(db, token_id)
    if response.status_code != 200:
        try:
            reason = response.json().get("detail", response.text)
        except ValueError:
            reason = response.text[:500]
        fail(f"the server refused the search ({response.status_code}): {reason}")
    return response.json()


def _locally(
    settings: Settings, db: Database, who: Principal, text: str, where: list[str], limit: int
) -> dict[str, Any]:
    services = SearchServices(settings, db=db)
    try:
        services.owner.take(wait_s=30)  # an ingest run may hold the index for a moment
        result = services.search(who, text, where=where, limit=limit, client="cli")
    except IndexBusy as error:
        fail(f"{error}; if `abstractor serve` runs, set server.url so searches go through it")
    except (BadQueryError, NotAllowedError) as error:
        fail(str(error))
    finally:
        services.owner.close()
    return {"hits": result.hits, "visual": "on" if result.visual else "off"}


def search(
    query: Annotated[str, typer.Argument(help="What to look for, in words.")],
    as_user: Annotated[str, typer.Option("--as", help="The user searching: their matters only.")],
    where: Annotated[
        list[str] | None,
        typer.Option(
            help="FIELD=VALUE, FIELD>=VALUE or FIELD<=VALUE (repeatable): contract_type, party, "
            "governing_law, effective_date, expiration_date, contract_value, matter; and "
            "clause.<category>=true|false, e.g. clause.termination_for_convenience=true."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=MAX_LIMIT, help="Pages to return.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as a JSON list.")] = False,
) -> None:
    """Find the pages that answer QUERY in the matters the user may see, narrowed by extracted terms.

    Goes through the running server (`server.url`, or the one `abstractor serve` started on this data
    home), else opens the index itself. Exit status: 0 ok (also with no hits); 2 unknown user, an
    analyst, a bad --where clause, or the index unavailable.
    """
    settings = load_settings()
    db = open_database(settings.resolved_database_url)
    try:
        try:
            who = principal(db, as_user)
        except AccessError as error:
            fail(str(error))
        url = server_url(settings)
        found = (
            _through_server(url, db, who, query, where or [], limit)
            if url is not None
            else _locally(settings, db, who, query, where or [], limit)
        )
    finally:
        db.dispose()
    if found["visual"] == "off":
        typer.echo(f"note: {VISUAL_OFF}", err=True)
    if as_json:
        print_json(found["hits"])
        return
    for rank, hit in enumerate(found["hits"], 1):
        terms = "; ".join(f"{k}={v}" for k, v in hit["fields"].items() if v not in (None, []))
        unread = ", ".join(map(str, hit["failed_pages"]))
        typer.echo(
            f"{rank:>3}. document {hit['document']} page {hit['page']} ({hit['matter']})  "
            f"score {hit['score']:.3f} by {'+'.join(hit['channels'])}"
            + (f"  [{terms}]" if terms else "")
            + (f"  ({hit['status']}: pages {unread} not read)" if unread else "")
        )
    if not found["hits"]:
        typer.echo("no pages found", err=True)


def register(app: typer.Typer) -> None:
    app.command()(search)

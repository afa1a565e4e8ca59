"""`abstractor search`: documents of the matters a user may see, through the running server when there is one.

Both paths end in the same JSON (`SearchResult.to_json()`, the API's answer), and one printer shows it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import httpx
import typer

from abstractor.cli.common import fail, load_settings, print_json
from abstractor.results import NO_ANSWER, facet_line, pieces
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
    # Through JSON, as the server's answer comes: both paths hand the printer the very same values.
    return json.loads(json.dumps(result.to_json(), default=str))


def _marked(text: str, highlights: list[list[int]]) -> str:
    """The snippet with its highlights bold and underlined; typer.echo drops the styling when stdout is
    no terminal, so a pipe gets plain text."""
    return "".join(
        typer.style(piece, bold=True, underline=True) if hit else piece
        for piece, hit in pieces(text, highlights)
    )


def _terms(fields: dict[str, Any]) -> str:
    """`governing_law=Colorado; parties=Acme Ltd / Harbor GmbH`: the document's terms that have a value."""
    shown = [(k, v) for k, v in fields.items() if v not in (None, [], "")]
    return "; ".join(f"{k}={' / '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in shown)


def show(found: dict[str, Any]) -> None:
    """The documents best first, each with its matching pages and their snippets; then the clause facets."""
    if found["answered"] is False:
        typer.echo(NO_ANSWER)
    for rank, document in enumerate(found["documents"], 1):
        relevance = document["relevance"]
        typer.echo(
            f"{rank}. {document['file']} (matter {document['matter']}, document {document['document']})"
            + (f"  relevance {relevance:.2f}" if relevance is not None else "")
        )
        terms = _terms(document["fields"])
        if terms:
            typer.echo(f"   terms: {terms}")
        if document["failed_pages"]:
            unread = ", ".join(map(str, document["failed_pages"]))
            typer.echo(f"   {document['status']}: pages {unread} not read; the terms come from the others")
        for page in document["pages"]:
            text = (
                _marked(page["snippet"], page["highlights"])
                if page["snippet"]
                else f"(found by {'+'.join(page['channels'])}; no text passage)"
            )
            typer.echo(f"   p.{page['page']}  {text}")
    facets = facet_line(found["facets"])
    if facets:
        typer.echo(facets)


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
    limit: Annotated[int, typer.Option(min=1, max=MAX_LIMIT, help="Documents to return.")] = 10,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as the API answers it (documents, facets).")
    ] = False,
) -> None:
    """Find the documents, and their pages, that answer QUERY in the matters the user may see, narrowed
    by extracted terms and clauses.

    Each document is listed once, best first, with its matching pages and the passage that matched
    (the question's words highlighted on a terminal). "Quoted words" must stand as a phrase. A relevance
    is shown where it is calibrated; "No page answers this well; closest:" says the best one is under
    the calibrated floor. The last line counts the clauses the filtered documents have.

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
        print_json(found)
        return
    show(found)
    if not found["documents"]:
        typer.echo("no documents found", err=True)


def register(app: typer.Typer) -> None:
    app.command()(search)

"""`abstractor users` and `abstractor tokens`: who may use the search, on which matters."""

from __future__ import annotations

from typing import Annotated

import typer

from abstractor.cli.common import fail, load_settings, print_json
from storage.db import open_database
from storage.db.access import AccessError, add_user, create_token, grant, list_users, revoke_token

users_app = typer.Typer(help="Users, their role (lawyer, analyst, admin) and the matters lawyers may see.")
tokens_app = typer.Typer(help="API tokens: bearer credentials for the HTTP API.")


def _matters(value: str) -> list[str]:
    return [m.strip() for m in value.split(",") if m.strip()]


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option(help="lawyer, analyst or admin.")],
    matters: Annotated[str, typer.Option(help="Comma-separated matters (lawyers only).")] = "",
) -> None:
    """Add a user.

    Exit status: 0 ok; 2 the name is taken, the role is unknown, or matters were given to a non-lawyer.
    """
    db = open_database(load_settings().resolved_database_url)
    try:
        add_user(db, name, role, _matters(matters))
    except AccessError as error:
        fail(str(error))
    typer.echo(f"added {role} {name}")


@users_app.command("grant")
def users_grant(
    name: Annotated[str, typer.Argument(help="A lawyer.")],
    matters: Annotated[str, typer.Option(help="Comma-separated matters to add.")],
) -> None:
    """Grant a lawyer more matters."""
    db = open_database(load_settings().resolved_database_url)
    try:
        now = grant(db, name, _matters(matters))
    except AccessError as error:
        fail(str(error))
    typer.echo(f"{name} may see: {', '.join(now)}")


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List users with their role and matters."""
    rows = list_users(open_database(load_settings().resolved_database_url))
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['name']}\t{row['role']}\t{','.join(row['matters'])}")  # type: ignore[arg-type]


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str | None, typer.Option(help="What the token is for (shown in the audit log).")] = None,
) -> None:
    """Create an API token and print it ONCE (only its hash is kept). Its id (before the dot) revokes it."""
    db = open_database(load_settings().resolved_database_url)
    try:
        token_id, token = create_token(db, name, label=label)
    except AccessError as error:
        fail(str(error))
    typer.echo(token)
    typer.echo(f"token id {token_id}: store the token now, it is not shown again", err=True)


@tokens_app.command("revoke")
def tokens_revoke(token_id: Annotated[str, typer.Argument(help="The id printed at creation.")]) -> None:
    """Revoke a token at once. Exit status 2 when there is no such live token."""
    if not revoke_token(open_database(load_settings().resolved_database_url), token_id):
        fail(f"no live token {token_id!r}")
    typer.echo(f"revoked {token_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")

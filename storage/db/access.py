"""Who may see what: users, their role, the matters granted to them, and their API tokens.

A token is `<token_id>.<secret>`: the id (not secret) finds the row, the secret is 32 random bytes of
which only the sha256 is stored, so a copy of the database lets nobody call the API. Revoked and expired
tokens are refused. Every access decision of the faces comes from `Principal` and `readable_document`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.db.engine import Database
from storage.db.models import ApiToken, Document, Matter, MatterGrant, Role, User, utcnow


class AccessError(ValueError):
    """A refused or impossible access-control request (unknown user, duplicate name, bad role)."""


@dataclass(frozen=True)
class Principal:
    """The caller of a search or a document request, as the access checks see it."""

    name: str
    role: Role
    granted: frozenset[str]  # lawyers' matters; ignored for admins (all) and analysts (none)
    via: str = "cli"  # how the caller came in: "cli", or the label of the token used

    @property
    def reads_client_documents(self) -> bool:
        return self.role in (Role.lawyer, Role.admin)

    def may_see(self, matter: str) -> bool:
        if self.role == Role.admin:
            return True
        return self.role == Role.lawyer and matter in self.granted


def _principal(user: User, via: str = "cli") -> Principal:
    return Principal(user.name, Role(user.role), frozenset(g.matter for g in user.grants), via)


def _user(session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name).options(selectinload(User.grants)))
    if user is None:
        raise AccessError(f"no user {name!r}")
    return user


def add_user(db: Database, name: str, role: str, matters: list[str]) -> None:
    try:
        parsed = Role(role)
    except ValueError:
        raise AccessError(f"role must be one of {', '.join(Role)}, not {role!r}") from None
    if matters and parsed != Role.lawyer:
        raise AccessError("only lawyers are granted matters (admins see all, analysts none)")
    with db.session() as session:
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            raise AccessError(f"user {name!r} already exists")
        user = User(name=name, role=parsed)
        user.grants = [MatterGrant(matter=matter) for matter in sorted(set(matters))]
        session.add(user)


def grant(db: Database, name: str, matters: list[str]) -> list[str]:
    """Grant matters to a lawyer; returns all the lawyer's matters."""
    with db.session() as session:
        user = _user(session, name)
        if user.role != Role.lawyer:
            raise AccessError(f"{name} is {user.role}: only lawyers are granted matters")
        have = {g.matter for g in user.grants}
        user.grants.extend(MatterGrant(matter=m) for m in sorted(set(matters) - have))
        return sorted(have | set(matters))


def list_users(db: Database) -> list[dict[str, object]]:
    with db.session() as session:
        users = session.scalars(select(User).options(selectinload(User.grants)).order_by(User.name))
        return [{"name": u.name, "role": u.role, "matters": [g.matter for g in u.grants]} for u in users]


def principal(db: Database, name: str) -> Principal:
    """The user called `name` (the CLI's --as); AccessError when there is none."""
    with db.session() as session:
        return _principal(_user(session, name))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    db: Database, name: str, *, label: str | None = None, ttl: dt.timedelta | None = None
) -> tuple[str, str]:
    """A new token for the user: (token_id, the full token). The full token is never stored."""
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with db.session() as session:
        user = _user(session, name)
        session.add(
            ApiToken(
                token_id=token_id,
                user_id=user.id,
                secret_sha256=_digest(secret),
                label=label,
                expires_at=utcnow() + ttl if ttl is not None else None,
            )
        )
    return token_id, f"{token_id}.{secret}"


def revoke_token(db: Database, token_id: str) -> bool:
    with db.session() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.token_id == token_id))
        if token is None or token.revoked_at is not None:
            return False
        token.revoked_at = utcnow()
        return True


def delete_token(db: Database, token_id: str) -> None:
    """Remove a short-lived token outright (the CLI's own, once its request is answered)."""
    with db.session() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.token_id == token_id))
        if token is not None:
            session.delete(token)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def authenticate(db: Database, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None (unknown, malformed, revoked or expired)."""
    token_id, _, secret = token.partition(".")
    if not token_id or not secret:
        return None
    with db.session() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_id == token_id))
        if row is None or not hmac.compare_digest(row.secret_sha256, _digest(secret)):
            return None
        if row.revoked_at is not None or (row.expires_at is not None and _aware(row.expires_at) < utcnow()):
            return None
        row.last_used_at = utcnow()
        user = session.scalar(select(User).where(User.id == row.user_id).options(selectinload(User.grants)))
        assert user is not None  # tokens are deleted with their user
        return _principal(user, via=row.label or f"token {row.token_id}")


def visible_matters(db: Database, who: Principal) -> list[str]:
    """The matters whose pages `who` may find: all for an admin, the granted ones for a lawyer."""
    if who.role == Role.admin:
        with db.session() as session:
            return list(session.scalars(select(Matter.name).order_by(Matter.name)))
    return sorted(who.granted) if who.role == Role.lawyer else []


@dataclass(frozen=True)
class ReadableDocument:
    id: int
    matter: str
    filename: str
    original_key: str
    page_count: int | None


def readable_document(db: Database, who: Principal, document_id: int) -> ReadableDocument | None:
    """The document when it exists AND `who` may read it; None either way, so ids reveal nothing."""
    with db.session() as session:
        document = session.scalar(
            select(Document).where(Document.id == document_id).options(selectinload(Document.matter))
        )
        if document is None or not who.may_see(document.matter.name):
            return None
        return ReadableDocument(
            document.id, document.matter.name, document.filename, document.original_key, document.page_count
        )

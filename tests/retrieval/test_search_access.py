"""Access control at the index and again at the database, refusals, and the audit trail of searches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from abstractor.search_service import SearchServices
from abstractor.settings import Settings
from retrieval.search import BadQueryError, NotAllowedError, parse_where
from storage.db import AuditEntry, Document, Matter
from storage.db.access import AccessError, authenticate, create_token, principal, revoke_token


@pytest.fixture
def services(search_home: Path) -> Iterator[SearchServices]:
    found = SearchServices(Settings())
    yield found
    found.close()


def _matters(services: SearchServices, user: str, query: str, where: list[str] | None = None) -> set[str]:
    who = principal(services.db, user)
    return {
        hit["matter"]
        for hit in services.search(who, query, where=where or [], limit=50, client="t").documents
    }


def test_lawyers_see_only_their_matters_and_admins_see_all(services):
    assert _matters(services, "alice", "Oakmont Partners California agreement") == {"alpha"}
    assert _matters(services, "bob", "Harbor Textiles Colorado statement of work") == {"beta"}
    assert _matters(services, "root", "agreement") == {"alpha", "beta"}


def test_crafted_matter_filters_narrow_but_never_widen(services):
    assert _matters(services, "alice", "agreement", ["matter=beta"]) == set()
    assert _matters(services, "alice", "agreement", ["matter=alpha"]) == {"alpha"}
    assert _matters(services, "alice", "agreement", ["matter=alpha", "matter=beta"]) == set()
    with pytest.raises(BadQueryError):
        parse_where(["matter>=beta"])
    with pytest.raises(BadQueryError):
        parse_where(["matters=beta"])  # not a field: refused, not ignored


def test_the_database_is_checked_after_the_index(services):
    """A document moved to another matter in the database disappears at once, before any reindex."""
    with services.db.session() as session:
        gamma = Matter(name="gamma")
        session.add(gamma)
        session.flush()
        sow = session.scalar(select(Document).where(Document.filename == "sow-0023.pdf"))
        session.execute(update(Document).where(Document.id == sow.id).values(matter_id=gamma.id))
    hits = services.search(
        principal(services.db, "alice"), "Harbor Textiles Colorado", where=[], limit=50, client="t"
    ).documents
    assert sow.id not in {hit["document"] for hit in hits}


def test_analysts_and_unknown_users_are_refused(services):
    with pytest.raises(NotAllowedError):
        services.search(principal(services.db, "ann"), "agreement", where=[], limit=5, client="t")
    with pytest.raises(AccessError):
        principal(services.db, "mallory")
    with pytest.raises(BadQueryError):
        services.search(
            principal(services.db, "alice"), "x", where=["effective_date>=soon"], limit=5, client="t"
        )


def test_tokens_resolve_until_revoked_and_store_only_a_hash(services):
    token_id, token = create_token(services.db, "alice", label="laptop")
    who = authenticate(services.db, token)
    assert who is not None and who.name == "alice" and who.granted == {"alpha"} and who.via == "laptop"
    assert authenticate(services.db, token_id + ".wrong") is None
    assert authenticate(services.db, "garbage") is None
    with services.db.session() as session:
        from storage.db import ApiToken

        row = session.scalar(select(ApiToken).where(ApiToken.token_id == token_id))
        assert token.split(".", 1)[1] not in (row.secret_sha256, row.label)
    assert revoke_token(services.db, token_id) and authenticate(services.db, token) is None
    assert not revoke_token(services.db, token_id)


def test_every_search_is_audited_refusals_included(services):
    services.search(
        principal(services.db, "alice"), "termination", where=["contract_type=nda"], limit=3, client="cli"
    )
    with pytest.raises(NotAllowedError):
        services.search(principal(services.db, "ann"), "salary", where=[], limit=3, client="10.0.0.9")
    with services.db.session() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(r.actor, r.action, r.outcome, r.client) for r in rows] == [
        ("alice", "search", "ok", "cli"),
        ("ann", "search", "denied", "10.0.0.9"),
    ]
    assert rows[0].detail["q"] == "termination" and rows[0].detail["where"] == ["contract_type=nda"]
    assert isinstance(rows[0].detail["results"], int)

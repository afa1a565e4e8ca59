"""The review loop through the pages: the queue of one's matters, confirming and correcting a field."""

from __future__ import annotations

import html

from sqlalchemy import select

from abstractor.settings import Settings
from storage.db import AuditEntry, open_database


def _audit(actor: str) -> list[tuple[str, int | None, str, dict]]:
    db = open_database(Settings().resolved_database_url)
    try:
        with db.session() as session:
            rows = session.scalars(
                select(AuditEntry).where(AuditEntry.actor == actor).order_by(AuditEntry.id)
            )
            return [(e.action, e.document_id, e.outcome, e.detail) for e in rows]
    finally:
        db.dispose()


def _review(client, document: int, path: str, csrf: str, **form) -> object:
    return client.post(f"/documents/{document}/fields/{path}/review", data={"csrf": csrf, **form})


def test_the_queue_lists_doubtful_fields_of_the_callers_matters_only(client, corpus, sign_in):
    sign_in(client, "alice")
    everything = client.get("/review", params={"threshold": 1.0})  # every field with a confidence below 1
    assert everything.status_code == 200
    sow = corpus.ids[("alpha", "sow-0023.pdf")]
    assert f'href="/documents/{sow}' in everything.text
    assert "nda-0077.pdf" not in everything.text and "employment-0025.pdf" not in everything.text  # beta's
    assert "low confidence" in everything.text
    nothing = client.get("/review", params={"threshold": 0.0})
    assert nothing.status_code == 200 and "low confidence" not in nothing.text  # nothing is under 0
    assert ("review_queue", None, "ok") in [entry[:3] for entry in _audit("alice")]
    sign_in(client, "ann")  # analysts open no client documents
    assert client.get("/review").status_code == 403


def test_a_lawyer_corrects_a_field_and_the_document_shows_who_and_what_was_there(
    client, corpus, sign_in, csrf_of
):
    sign_in(client, "alice")
    sow = corpus.ids[("alpha", "sow-0023.pdf")]
    page = client.get(f"/documents/{sow}")
    assert f'action="/documents/{sow}/fields/governing_law/review"' in page.text
    csrf = csrf_of(page.text)
    before = client.get(f"/api/documents/{sow}").json()["extraction"]["fields"]["governing_law"]
    was = before["items"][0]["value"] if before["items"] else None

    done = _review(client, sow, "governing_law", csrf, action="correct", value="Texas", page="1")
    assert done.status_code == 303 and done.headers["location"].endswith("#field-governing_law")
    text = html.unescape(client.get(f"/documents/{sow}").text)
    row = text.split('id="field-governing_law"')[1].split("</tr>")[0]
    assert "Texas" in row and f"corrected by alice (was: {was or '—'})" in row
    api = client.get(f"/api/documents/{sow}").json()["extraction"]["fields"]["governing_law"]
    assert [item["value"] for item in api["items"]] == ["Texas"] and api["items"][0]["engine"] == "review"
    assert ("correct", sow, "ok") in [entry[:3] for entry in _audit("alice")]
    detail = next(entry[3] for entry in _audit("alice") if entry[0] == "correct")
    assert detail == {"field": "governing_law", "value": "Texas", "old_value": was}

    # The queue no longer asks about it, even with every field under the threshold.
    queue = client.get("/review", params={"threshold": 1.0}).text
    assert f"/documents/{sow}?page=1#box-governing_law" not in queue
    assert f"/documents/{sow}#field-governing_law" not in queue

    confirmed = _review(client, sow, "title", csrf, action="confirm")
    assert confirmed.status_code == 303
    row = client.get(f"/documents/{sow}").text.split('id="field-title"')[1].split("</tr>")[0]
    assert "confirmed by alice" in row


def test_a_value_the_schema_refuses_is_a_clear_400(client, corpus, sign_in, csrf_of):
    sign_in(client, "alice")
    sow = corpus.ids[("alpha", "sow-0023.pdf")]
    csrf = csrf_of(client.get(f"/documents/{sow}").text)
    refused = _review(client, sow, "payment_terms_days", csrf, action="correct", value="soon")
    assert refused.status_code == 400 and "payment terms days" in refused.text and "soon" in refused.text
    amount = _review(client, sow, "contract_value", csrf, action="correct",
                     value='{"amount": 99000, "currency": "EUR"}')  # fmt: skip
    assert amount.status_code == 303
    assert "99,000.00 EUR" in client.get(f"/documents/{sow}").text
    assert _review(client, sow, "no_such_field", csrf, action="correct", value="x").status_code == 404


def test_only_reviewers_of_the_matter_with_the_forms_secret_may_answer(client, corpus, sign_in, csrf_of):
    sow = corpus.ids[("alpha", "sow-0023.pdf")]
    sign_in(client, "bob")  # a lawyer of beta: alpha's document does not exist for him
    csrf = csrf_of(client.get("/search").text)
    assert _review(client, sow, "governing_law", csrf, action="correct", value="Texas").status_code == 404
    assert ("correct", sow, "denied") in [entry[:3] for entry in _audit("bob")]
    assert _review(client, sow, "governing_law", "forged", action="correct", value="x").status_code == 403
    sign_in(client, "ann")
    csrf = csrf_of(client.get("/reports").text)
    assert _review(client, sow, "governing_law", csrf, action="correct", value="Texas").status_code == 403

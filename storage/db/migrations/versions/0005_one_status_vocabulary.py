"""one status vocabulary: ok | partial | failed | needs_review, with the kind of each failure

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 11:00:00

Documents `done` become `ok`; runs `succeeded` become `ok`; stage states `done` become `ok` and their
failures (only ever recorded for a bad input) `permanent`; extraction rows `invalid` become `failed`
(kind `invalid`), a page or document flagged for review becomes `needs_review`, and the separate
`needs_review` flag goes. Pages lose their own `rendered | ocr_done` status: the OCR stage's state says it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy of `documents`: on SQLite a batch copy drops and recreates the
    # table, and with foreign keys on, dropping it cascades to every row that refers to a document.
    op.add_column(
        "documents", sa.Column("failed_pages", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
    )
    op.add_column("stage_states", sa.Column("failure", sa.String(length=16), nullable=True))
    op.add_column("extractions", sa.Column("failure", sa.String(length=16), nullable=True))

    op.execute("UPDATE documents SET status = 'ok' WHERE status = 'done'")
    op.execute("UPDATE runs SET status = 'ok' WHERE status = 'succeeded'")
    op.execute("UPDATE stage_states SET status = 'ok' WHERE status = 'done'")
    op.execute("UPDATE stage_states SET failure = 'permanent' WHERE status = 'failed'")
    op.execute("UPDATE extractions SET failure = 'invalid', status = 'failed' WHERE status = 'invalid'")
    # Before this revision a page the server could not answer was recorded `failed` with no kind: the
    # server's state, so the next run reads it again.
    op.execute("UPDATE extractions SET failure = 'transient' WHERE status = 'failed' AND failure IS NULL")
    op.execute(
        "UPDATE extractions SET status = 'needs_review' WHERE status = 'ok' AND needs_review = "
        + ("true" if op.get_bind().dialect.name == "postgresql" else "1")
    )

    with op.batch_alter_table("extractions") as batch_op:
        batch_op.drop_column("needs_review")
    # No table refers to these two, so their batch copies cascade nowhere.
    with op.batch_alter_table("pages") as batch_op:
        batch_op.drop_column("status")


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="ocr_done")
        )
    with op.batch_alter_table("extractions") as batch_op:
        batch_op.add_column(
            sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE extractions SET needs_review = (status = 'needs_review')")
    op.execute("UPDATE extractions SET status = 'ok' WHERE status = 'needs_review'")
    op.execute("UPDATE extractions SET status = 'invalid' WHERE failure = 'invalid'")
    op.execute("UPDATE stage_states SET status = 'done' WHERE status IN ('ok', 'partial')")
    op.execute("UPDATE runs SET status = 'succeeded' WHERE status = 'ok'")
    op.execute("UPDATE documents SET status = 'done' WHERE status IN ('ok', 'partial')")
    with op.batch_alter_table("extractions") as batch_op:
        batch_op.drop_column("failure")
    # stage_states and documents: SQLite 3.35+ drops a column in place (see upgrade on batch copies).
    op.execute("ALTER TABLE stage_states DROP COLUMN failure")
    op.execute("ALTER TABLE documents DROP COLUMN failed_pages")

"""field corrections: a reviewer's confirmed or corrected value of one field of one document

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:30:00

The review loop stores each confirmation or correction with who, when and what the engine said before.
Rows are keyed by document and field path, not by extraction row, so they survive re-extraction; the
newest row of a (document, field) is the answer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "field_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("old_confidence", sa.Float(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("field_corrections", schema=None) as batch_op:
        batch_op.create_index("ix_field_corrections_document_id", ["document_id"], unique=False)
        batch_op.create_index("ix_field_corrections_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("field_corrections", schema=None) as batch_op:
        batch_op.drop_index("ix_field_corrections_created_at")
        batch_op.drop_index("ix_field_corrections_document_id")
    op.drop_table("field_corrections")

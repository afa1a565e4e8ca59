"""unknown confidence and tries: an extraction's confidence may be unknown, and a page keeps its tries

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:00:00

A model endpoint that returns no logprobs measures nothing, and its pages' confidence is stored as unknown
(NULL) instead of an invented number. Each page row keeps the requests made for it (model, temperature,
tokens): rows written before have none (NULL, read as no tries recorded).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("extractions", schema=None) as batch_op:
        batch_op.alter_column("confidence", existing_type=sa.Float(), nullable=True)
        batch_op.add_column(sa.Column("tries", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE extractions SET confidence = 0 WHERE confidence IS NULL")
    with op.batch_alter_table("extractions", schema=None) as batch_op:
        batch_op.drop_column("tries")
        batch_op.alter_column("confidence", existing_type=sa.Float(), nullable=False)

"""eval runs name their golden set and variant, and keep the clause macro F1 beside the value F1s

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:20:00

The reports page shows each golden set's runs as a trend of their own; reading the set's name out of
every run's metrics JSON would load every run whole. Existing rows get the names their metrics record
(runs from before golden sets had names keep null: the synthetic set, compared as they always were).
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("eval_runs", sa.Column("goldset", sa.String(length=1000), nullable=True))
    op.add_column("eval_runs", sa.Column("variant", sa.String(length=16), nullable=True))
    op.add_column("eval_runs", sa.Column("clause_macro_f1", sa.Float(), nullable=True))
    runs = sa.table(
        "eval_runs",
        sa.column("id", sa.Integer),
        sa.column("metrics", sa.JSON),
        sa.column("goldset", sa.String),
        sa.column("variant", sa.String),
        sa.column("clause_macro_f1", sa.Float),
    )
    bind = op.get_bind()
    for run_id, metrics in bind.execute(sa.select(runs.c.id, runs.c.metrics)).all():
        found = json.loads(metrics) if isinstance(metrics, str) else (metrics or {})
        bind.execute(
            runs.update()
            .where(runs.c.id == run_id)
            .values(
                goldset=found.get("goldset"),
                variant=found.get("variant"),
                clause_macro_f1=found.get("clause_macro_f1"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("eval_runs") as batch_op:
        batch_op.drop_column("clause_macro_f1")
        batch_op.drop_column("variant")
        batch_op.drop_column("goldset")

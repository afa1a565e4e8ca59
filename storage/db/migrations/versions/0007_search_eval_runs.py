"""search eval runs: search quality on a golden set's query set, with its trend and baseline

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_eval_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("goldset", sa.String(length=1000), nullable=False),
        sa.Column("split", sa.String(length=16), nullable=False),
        sa.Column("variant", sa.String(length=16), nullable=False),
        sa.Column("encoder_version", sa.Text(), nullable=False),
        sa.Column("queries_hash", sa.String(length=64), nullable=False),
        sa.Column("queries", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("ndcg_at_5", sa.Float(), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("report_dir", sa.String(length=1000), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("regressed_metrics", sa.JSON(), nullable=False),
    )
    op.create_index("ix_search_eval_runs_created_at", "search_eval_runs", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_search_eval_runs_created_at", table_name="search_eval_runs")
    op.drop_table("search_eval_runs")

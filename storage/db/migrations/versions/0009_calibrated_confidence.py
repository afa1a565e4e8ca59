"""calibrated confidence: a calibration keeps the small model's per-field confidence maps

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 21:00:00

`abstractor calibrate` now fits a map per field from raw model score to the probability of being right,
on the values pages found, and stores it with its version, the number of values it was fitted on and the
reliability before and after. Records made before have none (NULL): their threshold is on raw scores.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("confidence_map", "map_version", "points", "reliability_raw", "reliability_calibrated")


def upgrade() -> None:
    with op.batch_alter_table("calibrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidence_map", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("map_version", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("points", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reliability_raw", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("reliability_calibrated", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calibrations", schema=None) as batch_op:
        for column in reversed(_COLUMNS):
            batch_op.drop_column(column)

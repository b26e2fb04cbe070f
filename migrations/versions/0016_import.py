"""enterprises.longitude / latitude nullable: a register without coordinates (most county
registers) is imported, and its enterprises wait on 位置核查 as 待定位 until placed
(issue #16 §2.6).

PostgreSQL: ALTER COLUMN … DROP NOT NULL. SQLite cannot drop a NOT NULL constraint, and a
batch rebuild of ``enterprises`` would drop its data_version triggers (0007) and, with
foreign keys on, cascade the DROP TABLE to the plans: instead each column is added anew
(nullable), filled, the old one dropped and the new one renamed (ALTER TABLE ADD / DROP /
RENAME COLUMN, SQLite ≥ 3.35) — the triggers and the other tables stay as they are.

Revision ID: 0016_import
Revises: 0015_incidents
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_import"
down_revision = "0015_incidents"
branch_labels = None
depends_on = None

COLUMNS = ("longitude", "latitude")


def _sqlite_replace(column: str, definition: str) -> None:
    op.execute(f"ALTER TABLE enterprises ADD COLUMN {column}_new {definition}")
    op.execute(f"UPDATE enterprises SET {column}_new = {column}")
    op.execute(f"ALTER TABLE enterprises DROP COLUMN {column}")
    op.execute(f"ALTER TABLE enterprises RENAME COLUMN {column}_new TO {column}")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for column in COLUMNS:
            op.alter_column("enterprises", column, existing_type=sa.Float(), nullable=True)
    else:
        for column in COLUMNS:
            _sqlite_replace(column, "FLOAT")


def downgrade():
    # Refused while an enterprise has no coordinates: place it first (位置核查).
    missing = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM enterprises WHERE longitude IS NULL OR latitude IS NULL"))
    if missing:
        raise RuntimeError(f"{missing} enterprises have no coordinates; place them before "
                           "downgrading below 0016_import")
    if op.get_bind().dialect.name == "postgresql":
        for column in COLUMNS:
            op.alter_column("enterprises", column, existing_type=sa.Float(), nullable=False)
    else:
        for column in COLUMNS:
            # ADD COLUMN … NOT NULL needs a default; every row is filled from the old column.
            _sqlite_replace(column, "FLOAT NOT NULL DEFAULT 0")

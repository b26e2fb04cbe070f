"""plan_changes; enterprises' discharge point and receiving water; agreements' eight
elements (issue #22 points 6, 3, 5)

A minor correction records when the change happened, the 20th working day after it (the
deadline for telling the filing bureau), when the bureau was told and whether that was late.
An enterprise may record its discharge point (排放口) and receiving water (受纳水体): a
downstream trace starts there. Plain ADD COLUMN (no table rebuild: the SQLite triggers of
0007 stay).

Revision ID: 0011_domain
Revises: 0010_accounts
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_domain"
down_revision = "0010_accounts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("notify_by", sa.Date(), nullable=False),
        sa.Column("notify_by_approximate", sa.Boolean(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("notified_late", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_changes_plan_id", "plan_changes", ["plan_id"])
    op.add_column("enterprises", sa.Column("discharge_longitude", sa.Float(), nullable=True))
    op.add_column("enterprises", sa.Column("discharge_latitude", sa.Float(), nullable=True))
    op.add_column("enterprises", sa.Column("receiving_water", sa.String(100), nullable=True))
    op.add_column("agreements", sa.Column("elements", sa.JSON(), nullable=True))


def downgrade():
    op.execute("ALTER TABLE agreements DROP COLUMN elements")
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch rebuild that would drop triggers.
    for column in ("receiving_water", "discharge_latitude", "discharge_longitude"):
        op.execute(f"ALTER TABLE enterprises DROP COLUMN {column}")
    op.drop_index("ix_plan_changes_plan_id", table_name="plan_changes")
    op.drop_table("plan_changes")

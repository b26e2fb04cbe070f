"""control_items: the standard's risk-control assessment items per medium with their points
(HJ 941-2018), loaded by an administrator; the inventory form lists them (issue #20).

Revision ID: 0022_control_items
Revises: 0021_inventory_versions
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_control_items"
down_revision = "0021_inventory_versions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "control_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("medium", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("max_score", sa.Float, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("source", sa.String(500), nullable=True),
        sa.UniqueConstraint("medium", "name", name="uq_control_items_medium_name"),
    )


def downgrade():
    op.drop_table("control_items")

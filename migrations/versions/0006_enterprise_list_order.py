"""enterprises: one index in the list's order (county, name, id)

The enterprise list is the busiest page. Ordered by county and name, a page used to sort
every enterprise in reach; with this index PostgreSQL and SQLite read the page off the
index and stop after it. The new index starts with county_code, so the old single-column
index on county_code is redundant and goes.

Revision ID: 0006_enterprise_list_order
Revises: 0005_drill_agreement_fk
"""
from alembic import op

revision = "0006_enterprise_list_order"
down_revision = "0005_drill_agreement_fk"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enterprises") as batch_op:
        batch_op.create_index("ix_enterprises_list_order", ["county_code", "name", "id"])
        batch_op.drop_index("ix_enterprises_county_code")


def downgrade():
    with op.batch_alter_table("enterprises") as batch_op:
        batch_op.create_index("ix_enterprises_county_code", ["county_code"])
        batch_op.drop_index("ix_enterprises_list_order")

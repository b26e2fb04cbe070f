"""enterprises: an index on (longitude, latitude) for the small map's bounding box

The enterprise page's small map shows the points within a few kilometres. It used to load
every point and filter in Python; it now asks for a bounding box, which this index serves
(a range on longitude, latitude checked in the index) at any number of enterprises.

Revision ID: 0017_scale
Revises: 0016_import
"""
from alembic import op

revision = "0017_scale"
down_revision = "0016_import"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enterprises") as batch_op:
        batch_op.create_index("ix_enterprises_lon_lat", ["longitude", "latitude"])


def downgrade():
    with op.batch_alter_table("enterprises") as batch_op:
        batch_op.drop_index("ix_enterprises_lon_lat")

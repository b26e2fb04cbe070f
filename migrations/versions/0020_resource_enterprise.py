"""emergency_resources.enterprise_id: a resource an enterprise holds, entered as a row of its
应急资源调查 (one of the five filing documents) rather than only as a file (issue #21).

Revision ID: 0020_resource_enterprise
Revises: 0019_submission_change
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_resource_enterprise"
down_revision = "0019_submission_change"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("emergency_resources") as batch:
        batch.add_column(sa.Column("enterprise_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_emergency_resources_enterprise_id_enterprises", "enterprises",
                                 ["enterprise_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_emergency_resources_enterprise_id", ["enterprise_id"])


def downgrade():
    with op.batch_alter_table("emergency_resources") as batch:
        batch.drop_index("ix_emergency_resources_enterprise_id")
        batch.drop_constraint("fk_emergency_resources_enterprise_id_enterprises", type_="foreignkey")
        batch.drop_column("enterprise_id")

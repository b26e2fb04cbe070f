"""drills.agreement_id references agreements.id (both areas are now merged)

Revision ID: 0005_drill_agreement_fk
Revises: 0004_agreements
"""
from alembic import op

revision = "0005_drill_agreement_fk"
down_revision = "0004_agreements"
branch_labels = None
depends_on = None


def upgrade():
    # A drill may carry an agreement id recorded before the key existed: keep only real ones.
    op.execute("UPDATE drills SET agreement_id = NULL WHERE agreement_id IS NOT NULL "
               "AND agreement_id NOT IN (SELECT id FROM agreements)")
    with op.batch_alter_table("drills") as batch_op:
        batch_op.create_index(batch_op.f("ix_drills_agreement_id"), ["agreement_id"])
        batch_op.create_foreign_key(batch_op.f("fk_drills_agreement_id_agreements"),
                                    "agreements", ["agreement_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("drills") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_drills_agreement_id_agreements"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_drills_agreement_id"))

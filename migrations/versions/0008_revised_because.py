"""plans: revised_because (the reason a major revision was filed); corrective actions: who marked them done

Until now the reason given with a revision was kept only in the change record, so the API
accepted it and never gave it back. Existing revisions get it from that change record.
Corrective actions record who marked them done (done_by_id, done_by_name), so that person
cannot also verify them.

Revision ID: 0008_revised_because
Revises: 0007_data_version
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0008_revised_because"
down_revision = "0007_data_version"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plans") as batch_op:
        batch_op.add_column(sa.Column("revised_because", sa.Text(), nullable=True))
    with op.batch_alter_table("corrective_actions") as batch_op:
        batch_op.add_column(sa.Column("done_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("done_by_name", sa.String(64), nullable=True))
        batch_op.create_foreign_key("fk_corrective_actions_done_by_id_users", "users",
                                    ["done_by_id"], ["id"], ondelete="SET NULL")
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT entity_id, after FROM audit_entries WHERE action = 'plan.revise' AND entity_type = 'plan'"))
    for plan_id, after in rows:
        after = json.loads(after) if isinstance(after, str) else (after or {})
        if after.get("reason"):
            bind.execute(sa.text("UPDATE plans SET revised_because = :r WHERE id = :id"),
                         {"r": after["reason"], "id": plan_id})


def downgrade():
    with op.batch_alter_table("corrective_actions") as batch_op:
        batch_op.drop_constraint("fk_corrective_actions_done_by_id_users", type_="foreignkey")
        batch_op.drop_column("done_by_name")
        batch_op.drop_column("done_by_id")
    with op.batch_alter_table("plans") as batch_op:
        batch_op.drop_column("revised_because")

"""incidents (突发环境事件), their notifications and timeline, the duty roster, the
emergency resources register; a corrective action may belong to an incident instead of a
drill (issue #21)

Revision ID: 0015_incidents
Revises: 0014_hj941
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_incidents"
down_revision = "0014_hj941"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("reported_by", sa.String(100), nullable=True),
        sa.Column("report_channel", sa.String(16), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("place", sa.String(300), nullable=True),
        sa.Column("medium", sa.String(8), nullable=False),
        sa.Column("substance", sa.String(200), nullable=False),
        sa.Column("quantity_t", sa.Float(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("level", sa.String(24), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("trace", sa.JSON(), nullable=True),
        sa.Column("notifications_due", sa.JSON(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(64), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["county_code"], ["counties.code"]),
        sa.ForeignKeyConstraint(["drill_id"], ["drills.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("reported_at", "enterprise_id", "county_code", "status", "drill_id"):
        op.create_index(f"ix_incidents_{column}", "incidents", [column])
    op.create_table(
        "incident_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("city", sa.String(64), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("due_by", sa.DateTime(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=True),
        sa.Column("contact", sa.String(100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by_name", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_notifications_incident_id", "incident_notifications",
                    ["incident_id"])
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by_name", sa.String(64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_events_incident_id", "incident_events", ["incident_id"])
    op.create_table(
        "duty_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("officer", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("on_date"),
    )
    op.create_table(
        "emergency_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("contact", sa.String(100), nullable=True),
        sa.Column("last_checked_on", sa.Date(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_emergency_resources_kind", "emergency_resources", ["kind"])
    # corrective_actions is not a data_version table (no triggers to recreate).
    with op.batch_alter_table("corrective_actions") as batch:
        batch.alter_column("drill_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_corrective_actions_incident_id_incidents", "incidents",
                                 ["incident_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_corrective_actions_incident_id", ["incident_id"])
        batch.create_check_constraint("drill_or_incident",
                                      "(drill_id IS NULL) <> (incident_id IS NULL)")


def downgrade():
    with op.batch_alter_table("corrective_actions") as batch:
        batch.drop_constraint("ck_corrective_actions_drill_or_incident", type_="check")
        batch.drop_index("ix_corrective_actions_incident_id")
        batch.drop_constraint("fk_corrective_actions_incident_id_incidents", type_="foreignkey")
        batch.drop_column("incident_id")
        batch.alter_column("drill_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_emergency_resources_kind", "emergency_resources")
    op.drop_table("emergency_resources")
    op.drop_table("duty_shifts")
    op.drop_index("ix_incident_events_incident_id", "incident_events")
    op.drop_table("incident_events")
    op.drop_index("ix_incident_notifications_incident_id", "incident_notifications")
    op.drop_table("incident_notifications")
    for column in ("reported_at", "enterprise_id", "county_code", "status", "drill_id"):
        op.drop_index(f"ix_incidents_{column}", "incidents")
    op.drop_table("incidents")

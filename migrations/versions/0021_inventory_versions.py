"""risk_inventory_versions: every saved state of an enterprise's risk inventory (inputs and
grade), so that a superseded plan version is checked against the inventory of its time
(issue #20: inventories versioned with the plans). Each inventory recorded so far becomes
its first version, dated when it was last saved.

Revision ID: 0021_inventory_versions
Revises: 0020_resource_enterprise
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_inventory_versions"
down_revision = "0020_resource_enterprise"
branch_labels = None
depends_on = None


def upgrade():
    versions = op.create_table(
        "risk_inventory_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("enterprise_id", sa.Integer,
                  sa.ForeignKey("enterprises.id", ondelete="CASCADE"), nullable=False),
        sa.Column("saved_at", sa.DateTime, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
    )
    op.create_index("ix_risk_inventory_versions_enterprise_saved", "risk_inventory_versions",
                    ["enterprise_id", "saved_at"])
    bind = op.get_bind()
    inventories = sa.table("risk_inventories", sa.column("id"), sa.column("enterprise_id"),
                           sa.column("air", sa.JSON), sa.column("water", sa.JSON),
                           sa.column("penalised"), sa.column("result", sa.JSON),
                           sa.column("level"), sa.column("updated_at", sa.DateTime))
    items = sa.table("risk_inventory_items", sa.column("id"), sa.column("inventory_id"),
                     sa.column("substance_id"), sa.column("max_quantity_t"), sa.column("storage"))
    substances = sa.table("substances", sa.column("id"), sa.column("name"))
    names = dict(bind.execute(sa.select(substances.c.id, substances.c.name)).all())
    lines: dict[int, list] = {}
    for item in bind.execute(sa.select(items).order_by(items.c.id)):
        lines.setdefault(item.inventory_id, []).append({
            "substance_id": item.substance_id, "name": names.get(item.substance_id),
            "max_quantity_t": item.max_quantity_t, "storage": item.storage})
    rows = [{"enterprise_id": inv.enterprise_id, "saved_at": inv.updated_at, "level": inv.level,
             "result": inv.result, "inputs": {"substances": lines.get(inv.id, []),
                                              "air": inv.air, "water": inv.water,
                                              "penalised": bool(inv.penalised)}}
            for inv in bind.execute(sa.select(inventories))]
    if rows:
        op.bulk_insert(versions, rows)


def downgrade():
    op.drop_index("ix_risk_inventory_versions_enterprise_saved", "risk_inventory_versions")
    op.drop_table("risk_inventory_versions")

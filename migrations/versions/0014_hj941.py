"""HJ 941-2018 computed (issue #20): the risk-substance table and enterprises' inventories

Revision ID: 0014_hj941
Revises: 0013_document_history
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_hj941"
down_revision = "0013_document_history"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "substances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("cas", sa.String(32), nullable=True),
        sa.Column("aliases", sa.String(500), nullable=True),
        sa.Column("critical_quantity_t", sa.Float(), nullable=False),
        sa.Column("counts_air", sa.Boolean(), nullable=False),
        sa.Column("counts_water", sa.Boolean(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(200), nullable=True),
        sa.Column("source", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_substances")),
        sa.UniqueConstraint("name", name=op.f("uq_substances_name")),
    )
    op.create_index("ix_substances_cas", "substances", ["cas"])
    op.create_table(
        "risk_inventories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("air", sa.JSON(), nullable=False),
        sa.Column("water", sa.JSON(), nullable=False),
        sa.Column("penalised", sa.Boolean(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], ondelete="CASCADE",
                                name=op.f("fk_risk_inventories_enterprise_id_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_inventories")),
        sa.UniqueConstraint("enterprise_id", name=op.f("uq_risk_inventories_enterprise_id")),
    )
    op.create_table(
        "risk_inventory_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inventory_id", sa.Integer(), nullable=False),
        sa.Column("substance_id", sa.Integer(), nullable=False),
        sa.Column("max_quantity_t", sa.Float(), nullable=False),
        sa.Column("storage", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(["inventory_id"], ["risk_inventories.id"], ondelete="CASCADE",
                                name=op.f("fk_risk_inventory_items_inventory_id_risk_inventories")),
        sa.ForeignKeyConstraint(["substance_id"], ["substances.id"],
                                name=op.f("fk_risk_inventory_items_substance_id_substances")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_inventory_items")),
    )
    op.create_index("ix_risk_inventory_items_inventory_id", "risk_inventory_items",
                    ["inventory_id"])
    op.create_index("ix_risk_inventory_items_substance_id", "risk_inventory_items",
                    ["substance_id"])
    _data_version_triggers()


# The enterprise list filters by substance held (``?substance_id=``) and is kept per data
# version (registry/data_version.py): these tables move the token too, like 0007's.
TRIGGERED = ("risk_inventories", "risk_inventory_items")
EVENTS = ("INSERT", "UPDATE", "DELETE")


def _data_version_triggers():
    if op.get_bind().dialect.name == "postgresql":
        for table in TRIGGERED:
            op.execute(f"""
                CREATE CONSTRAINT TRIGGER {table}_data_version
                AFTER INSERT OR UPDATE OR DELETE ON {table}
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                EXECUTE FUNCTION registry_bump_data_version()""")
            op.execute(f"""
                CREATE TRIGGER {table}_data_version_truncate AFTER TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION registry_bump_data_version()""")
        return
    for table in TRIGGERED:
        for event in EVENTS:
            op.execute(f"""
                CREATE TRIGGER {table}_data_version_{event.lower()}
                AFTER {event} ON {table} FOR EACH ROW BEGIN
                    INSERT INTO data_version (id, token) VALUES (1, random())
                    ON CONFLICT (id) DO UPDATE SET token = excluded.token;
                END""")


def downgrade():
    # The data-version triggers go with their tables (DROP TABLE, both databases).
    op.drop_index("ix_risk_inventory_items_substance_id", table_name="risk_inventory_items")
    op.drop_index("ix_risk_inventory_items_inventory_id", table_name="risk_inventory_items")
    op.drop_table("risk_inventory_items")
    op.drop_table("risk_inventories")
    op.drop_index("ix_substances_cas", table_name="substances")
    op.drop_table("substances")

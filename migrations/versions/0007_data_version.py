"""data_version: a token that database triggers change whenever the enterprises, plans or
counties change, so built answers (the map's points, the API's enterprise list) can be
kept per worker and reused while it stands, instead of being checked by scanning tables.

The token is random, not a counter: a restored backup or copy puts back an earlier
token together with the earlier rows, and a counter would later reach again a number
that a worker still holds answers for, built from other rows.

PostgreSQL: a deferred constraint trigger per row sets the token at commit, once per
transaction (a transaction-local setting marks it done; the other rows' calls return at
once). At commit, so the one row is locked only for the moment of the commit: a lock
taken at the first write would be held through the whole transaction, serialise all
writers and could deadlock with the filing-serial lock.
SQLite: a trigger per row and event; SQLite has one writer at a time anyway.

Revision ID: 0007_data_version
Revises: 0006_enterprise_list_order
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_data_version"
down_revision = "0006_enterprise_list_order"
branch_labels = None
depends_on = None

TABLES = ("enterprises", "plans", "counties")
EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade():
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("token", sa.BigInteger, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("INSERT INTO data_version (id, token) VALUES (1, (random() * 9e18)::bigint)")
        op.execute("""
            CREATE FUNCTION registry_bump_data_version() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('registry.data_version_set', true) IS DISTINCT FROM 'on' THEN
                    PERFORM set_config('registry.data_version_set', 'on', true);
                    INSERT INTO data_version (id, token) VALUES (1, (random() * 9e18)::bigint)
                    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
                END IF;
                RETURN NULL;
            END $$""")
        for table in TABLES:
            op.execute(f"""
                CREATE CONSTRAINT TRIGGER {table}_data_version
                AFTER INSERT OR UPDATE OR DELETE ON {table}
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                EXECUTE FUNCTION registry_bump_data_version()""")
            op.execute(f"""
                CREATE TRIGGER {table}_data_version_truncate AFTER TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION registry_bump_data_version()""")
    else:
        op.execute("INSERT INTO data_version (id, token) VALUES (1, random())")
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"""
                    CREATE TRIGGER {table}_data_version_{event.lower()}
                    AFTER {event} ON {table} FOR EACH ROW BEGIN
                        INSERT INTO data_version (id, token) VALUES (1, random())
                        ON CONFLICT (id) DO UPDATE SET token = excluded.token;
                    END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_data_version ON {table}")
            op.execute(f"DROP TRIGGER {table}_data_version_truncate ON {table}")
        op.execute("DROP FUNCTION registry_bump_data_version()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_data_version_{event.lower()}")
    op.drop_table("data_version")

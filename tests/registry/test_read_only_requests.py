"""Read-only requests (registry/postgres.py): on PostgreSQL a GET runs READ ONLY and ends
with COMMIT, so the connection keeps its prepared statements; writes are unaffected. On
SQLite nothing changes (sqlite3 keeps its own statement cache)."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from registry.extensions import db
from tests.conftest import enterprise_payload


def _postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def test_a_get_request_cannot_write_and_a_post_can(app):
    insert = sa.text("INSERT INTO counties (code, name, city_code, city_name, kind, retired) "
                     "VALUES ('419999', '测试县', '4199', '测试市', 'county', false)")
    with app.test_request_context("/enterprises", method="GET"):
        if _postgres(app):
            assert db.session.execute(sa.text("SHOW transaction_read_only")).scalar() == "on"
            with pytest.raises(DBAPIError, match="read-only transaction"):
                db.session.execute(insert)
        db.session.rollback()
    with app.test_request_context("/enterprises", method="POST"):
        db.session.execute(insert)
        db.session.commit()
    with app.app_context():  # the command line and the scheduler write as before
        if _postgres(app):
            assert db.session.execute(sa.text("SHOW transaction_read_only")).scalar() == "off"
        assert db.session.scalar(sa.text("SELECT name FROM counties WHERE code = '419999'")) == "测试县"


def test_reads_keep_prepared_statements_and_writes_follow(app, admin_api):
    """After a few list requests the list query is a prepared statement on the (one)
    pooled connection, and a POST on that connection after a GET writes normally. (The
    requests ask for no cached answer, so each one runs the list query.)"""
    for n in range(1, 4):
        assert admin_api.post("/enterprises", json=enterprise_payload(n)).status_code == 201
        for _ in range(7):  # psycopg prepares a statement on its sixth run
            listed = admin_api.get("/enterprises", headers={"Cache-Control": "no-cache"})
            assert listed.status_code == 200 and listed.json["total"] == n
    if not _postgres(app):
        return
    with app.test_request_context("/enterprises", method="GET"):
        prepared = db.session.scalars(sa.text(
            "SELECT statement FROM pg_prepared_statements")).all()
    assert any("FROM enterprises" in s and "LIMIT 20" in s for s in prepared), prepared


def test_a_connection_the_server_closed_is_replaced_without_a_failed_request(app, admin_api):
    """PostgreSQL: a pooled connection whose backend is gone (here terminated, as by a
    restart) is found at checkout, without a round trip, and replaced: no request fails.
    (SQLite has no server; the requests simply go on.)"""
    import time

    import psycopg

    assert admin_api.post("/enterprises", json=enterprise_payload(1)).status_code == 201
    if _postgres(app):
        with app.app_context():
            url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as other:
            pids = [row[0] for row in other.execute(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()]
            assert pids, "the app's pooled connection was not found"
            deadline = time.monotonic() + 10
            while other.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                "current_database() AND pid <> pg_backend_pid()").fetchone()[0]:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    for _ in range(3):
        r = admin_api.get("/enterprises")
        assert r.status_code == 200 and r.json["total"] == 1

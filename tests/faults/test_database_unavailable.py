"""The 503 answer when the database cannot be reached, in process (no server needed): the
app points at a PostgreSQL port nobody listens on."""
from __future__ import annotations

import logging

from tests.faults.conftest import free_port


def _app_without_database():
    from registry import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI":
                       f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"})


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_api_answers_503_json_with_retry_after():
    app = _app_without_database()
    log = _Records()  # not caplog: `make hardening` runs with -p no:logging
    app.logger.addHandler(log)
    client = app.test_client()
    r = client.get("/api/v1/enterprises", headers={"Authorization": "Bearer abc"})
    assert r.status_code == 503 and r.headers["Retry-After"] == "30"
    assert r.json["error"]["code"] == "database_unavailable"
    assert "数据库暂时无法连接" in r.json["error"]["message"]
    # One warning line for the operator, no traceback.
    (record,) = [rec for rec in log.records if "database unavailable" in rec.getMessage()]
    assert record.levelname == "WARNING" and record.exc_info is None


def test_logged_in_page_renders_503_without_asking_the_database_who_is_in():
    client = _app_without_database().test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = "1", True
    r = client.get("/enterprises")
    assert r.status_code == 503 and r.mimetype == "text/html"
    assert "数据库暂时无法连接" in r.get_data(as_text=True)
    assert "Traceback" not in r.get_data(as_text=True)


def test_mistakes_in_sql_are_not_unavailability(app):
    """Only unavailability is a 503: a wrong statement stays a logged 500 on both databases
    (sqlite3 reports it as OperationalError too)."""
    import pytest
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.web.errors import database_unavailable

    with app.app_context():
        with pytest.raises(sa.exc.DBAPIError) as caught:
            db.session.execute(sa.text("SELECT no_such_column FROM enterprises"))
        db.session.rollback()
    assert not database_unavailable(caught.value)


def test_health_endpoints_tell_the_process_from_the_database():
    client = _app_without_database().test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    r = client.get("/healthz/db")
    assert r.status_code == 503 and r.headers["Retry-After"] == "30"


def test_health_endpoints_answer_ok_with_the_database(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/healthz/db").json == {"status": "ok", "database": "ok"}

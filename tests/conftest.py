"""Shared fixtures. Every test that uses ``app`` runs on SQLite and, when
TEST_DATABASE_URL is set, on PostgreSQL too (the session fixture is parametrised)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("REGISTRY_ENV", "testing")

PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
PINNED_TODAY = "2026-06-15"


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    from config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    """A freshly migrated database (via Alembic, like production) for the session."""
    from flask_migrate import upgrade

    from registry import create_app

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = PG_URL
        _reset_postgres(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": _normalise(url)})
    with app.app_context():
        upgrade()
        from registry.extensions import db

        db.engine.dispose()
    return _normalise(url)


def _normalise(url: str) -> str:
    from config import normalise_database_url

    return normalise_database_url(url)


def _clean(db) -> None:
    """Empty every table, then put back the default jurisdiction."""
    import sqlalchemy as sa

    from registry.jurisdictions.defaults import default_county_rows
    from registry.models import County

    db.session.remove()
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        conn.execute(sa.insert(County.__table__), default_county_rows())


@pytest.fixture
def app(database_url, tmp_path):
    from registry import create_app
    from registry.extensions import db

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TODAY": PINNED_TODAY,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "GEODATA_DIR": str(tmp_path / "geodata"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "SERVER_NAME": None,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
    })
    with app.app_context():
        _clean(db)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Accounts:
    """Makes users and logs them in (web) or issues them API tokens."""

    password = "correct-horse-battery"

    def __init__(self, app):
        self.app = app
        self._n = 0

    def make(self, role: str, counties=(), username: str | None = None, email=None):
        from registry.auth.service import create_user
        from registry.permissions import SystemActor

        self._n += 1
        username = username or f"{role}{self._n}"
        with self.app.app_context():
            user = create_user(SystemActor("test"), username, role, self.password, counties,
                               email=email)
            return user.id, username

    def login(self, client, username: str, password: str | None = None):
        token = csrf_token(client, "/login")
        return client.post("/login", data={"username": username, "password": password or self.password,
                                           "csrf_token": token})

    def token(self, username: str) -> str:
        from registry.auth.service import create_token

        with self.app.app_context():
            return create_token(username)

    def api(self, client, role: str, counties=()):
        _id, username = self.make(role, counties)
        return Api(client, self.token(username))


class Api:
    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, path, **kw):
        return self.client.get("/api/v1" + path, headers=self.headers, **kw)

    def post(self, path, json=None, **kw):
        return self.client.post("/api/v1" + path, json=json, headers=self.headers, **kw)

    def patch(self, path, json=None, **kw):
        return self.client.patch("/api/v1" + path, json=json, headers=self.headers, **kw)


@pytest.fixture
def accounts(app):
    return Accounts(app)


@pytest.fixture
def admin_api(client, accounts):
    return accounts.api(client, "admin")


# Real-shaped data -----------------------------------------------------------------

def credit_code(n: int, county: str = "411002") -> str:
    from registry.rules.credit_code import make_credit_code

    return make_credit_code(f"91{county}MA{n:07d}"[:17])


def enterprise_payload(n: int = 1, county: str = "411002", **overrides) -> dict:
    seats = {"411002": (113.82, 34.03), "411003": (113.83, 34.00), "411024": (114.20, 34.10),
             "411025": (113.48, 33.85), "411081": (113.47, 34.17), "411082": (113.77, 34.22)}
    lon, lat = seats.get(county, (113.8, 34.0))
    payload = {
        "name": f"许昌市测试化工有限公司{n}号厂", "credit_code": credit_code(n, county),
        "county_code": county, "address": "许昌市魏都区示范路1号", "longitude": lon,
        "latitude": lat, "industry": "化学原料和化学制品制造业", "contact_name": "王伟",
        "contact_phone": "13812345678", "contact_email": f"contact{n}@example.com",
        "cross_region": False,
    }
    payload.update(overrides)
    return payload


ALL_DOCUMENTS = ["filing_form", "plan", "risk_assessment", "resource_survey", "expert_review"]


def plan_payload(enterprise_id: int, **overrides) -> dict:
    payload = {"enterprise_id": enterprise_id, "title": "突发环境事件应急预案（2026年版）",
               "signed_on": "2026-03-02", "filed_on": "2026-03-20", "risk_level": "general",
               "documents": ALL_DOCUMENTS}
    payload.update(overrides)
    return payload


FIXTURES_DIR = Path(__file__).parent / "fixtures"

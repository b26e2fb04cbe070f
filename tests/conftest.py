"""Shared fixtures. Every test that uses ``app`` runs on SQLite and, when
TEST_DATABASE_URL is set, on PostgreSQL too (the session fixture is parametrised)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests import snapshots

os.environ.setdefault("REGISTRY_ENV", "testing")

PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
PINNED_TODAY = "2026-06-15"


WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1"… under pytest-xdist, else None
_MIGRATED: dict[str, str] = {}  # database kind -> URL, migrated once per process


def worker_database_url(url: str, worker: str | None = WORKER) -> str:
    """The PostgreSQL database this process tests on: TEST_DATABASE_URL itself when run
    serially, ``<name>_<worker>`` (e.g. ``test_ci_gw0``) under pytest-xdist."""
    from sqlalchemy.engine import make_url

    if not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def _create_postgres(url: str, base_url: str) -> None:
    """CREATE DATABASE for a worker's database, from a connection to the base database,
    unless it exists already."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from config import normalise_database_url

    name = make_url(url).database
    engine = sa.create_engine(normalise_database_url(base_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": name})
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    from config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{snapshots.SCHEMA}" CASCADE'))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _migrated(kind: str, tmp_path_factory) -> str:
    """A freshly migrated database (via Alembic, like production) of ``kind``: a SQLite file
    in this process's temporary directory, or this process's PostgreSQL database, emptied."""
    from flask_migrate import upgrade

    from registry import create_app

    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = worker_database_url(PG_URL)
        if url != PG_URL:
            _create_postgres(url, PG_URL)
        _reset_postgres(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": _normalise(url)})
    with app.app_context():
        upgrade()
        from registry.extensions import db

        db.engine.dispose()
    return _normalise(url)


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    """A freshly migrated database for the session, one per xdist worker. Migrated once per
    process: pytest may switch between the parameters more than once under xdist."""
    if request.param not in _MIGRATED:
        _MIGRATED[request.param] = _migrated(request.param, tmp_path_factory)
    return _MIGRATED[request.param]


def _normalise(url: str) -> str:
    from config import normalise_database_url

    return normalise_database_url(url)


def _clean(db) -> None:
    """Empty every table, restart the id sequences, then put back the default jurisdiction.

    DELETE, not TRUNCATE: the tables hold a test's handful of rows, and TRUNCATE on
    PostgreSQL makes new files for every table and index (about 0.5 s a test for ~25
    tables, against a few milliseconds for DELETE in one round trip)."""
    import sqlalchemy as sa

    from registry.jurisdictions.defaults import default_county_rows
    from registry.models import County

    db.session.remove()
    # Not data_version: the deletes change its token (triggers), so answers a worker kept
    # for an earlier test are not reused (registry/data_version.py).
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "data_version"]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Every sequence, not only those read from (last_value not null): a restored
            # demo snapshot leaves its sequences set but unread, past the demo's ids, and a
            # test after it would number its first agreement 4 (tests/snapshots.py).
            sequences = conn.scalars(sa.text(
                "SELECT quote_ident(sequencename) FROM pg_sequences "
                "WHERE schemaname = current_schema()")).all()
            conn.exec_driver_sql("; ".join(
                [f'DELETE FROM "{t.name}"' for t in tables]
                + [f"SELECT setval('{name}', 1, false)" for name in sequences]))
        else:
            for table in tables:
                conn.execute(table.delete())
        conn.execute(sa.insert(County.__table__), default_county_rows())


def _engine_options(database_url: str) -> dict:
    """The engine options of production, and on PostgreSQL no wait for the WAL flush at
    commit (``synchronous_commit=off``, for these connections only): a throwaway database
    needs no durability against a power cut, and other sessions see a commit at once all
    the same. About 5 ms less for each of the suite's tens of thousands of commits."""
    from config import Config

    options = dict(Config.SQLALCHEMY_ENGINE_OPTIONS)
    if database_url.startswith("postgresql"):
        options["connect_args"] = {"options": "-c synchronous_commit=off"}
    return options


def _skip_fsync(app) -> None:
    """SQLite: ``synchronous=OFF`` on the app's connections, for the reason above."""
    from sqlalchemy import event

    from registry.extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _no_fsync(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


_APPS: dict[str, tuple] = {}  # database URL -> (app, its configuration, template folders)


def _shared_app(database_url: str):
    """The app on ``database_url``, built once per process: building one costs more than
    most tests (about 0.1 s of CPU to compile ~90 URL rules and, on first render, each
    template). Returns (app, a deep copy of its configuration and its template folders, to
    restore before each test)."""
    import copy

    from registry import create_app

    if database_url not in _APPS:
        app = create_app({
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
            "TODAY": PINNED_TODAY,
            "SERVER_NAME": None,
            "BABEL_DEFAULT_LOCALE": "zh_CN",
            # The web import waits for its job (a test file is small); the tests of the
            # status page set 0 to see it (tests/registry/workflows/test_import_jobs.py).
            "IMPORT_INLINE_WAIT_S": 120,
        })
        _skip_fsync(app)
        _APPS[database_url] = (app, copy.deepcopy(dict(app.config)),
                               list(app.jinja_loader.searchpath))
    return _APPS[database_url]


@pytest.fixture
def app(database_url, tmp_path):
    """The app on empty tables, with its configuration as built and this test's own upload,
    geodata and outbox directories. Tests may change ``app.config`` at will (it is restored
    before the next test) but must not register routes, hooks or blueprints on it: the app
    object is shared by the tests of a process (call ``create_app`` for an app of your own)."""
    import copy

    from registry.extensions import db

    app, config, template_folders = _shared_app(database_url)
    app.config.clear()
    app.config.update(copy.deepcopy(config))
    if app.jinja_loader.searchpath != template_folders:
        app.jinja_loader.searchpath[:] = template_folders
        app.jinja_env.cache.clear()
    app.config.update({
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "GEODATA_DIR": str(tmp_path / "geodata"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    })
    with app.app_context():
        _clean(db)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


_DEMO: dict[str, tuple] = {}  # database URL -> (load-demo's result, snapshot)


@pytest.fixture
def demo(app, runner, database_url, tmp_path_factory):
    """The Xuchang demo data on this test's database, as `flask load-demo` leaves it; returns
    the command's result (``exit_code``, ``output``). The command runs once per database and
    process; later tests get a copy of its rows and files (tests/snapshots.py), because a
    load takes 15-40 s. Tests of what load-demo does may rely on this: it really ran."""
    if database_url in _DEMO:
        result, snapshot = _DEMO[database_url]
        snapshots.restore(app, snapshot)
        return result
    result = runner.invoke(args=["load-demo"])
    if result.exit_code == 0:  # otherwise every test asking for it runs (and fails) again
        directory = tmp_path_factory.mktemp("snapshot")
        _DEMO[database_url] = (result, snapshots.take(app, "demo", directory))
    return result


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
    """The API as one token's holder calls it; ``headers=`` adds to the token's."""

    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def _headers(self, kw) -> dict:
        return {**self.headers, **kw.pop("headers", {})}

    def get(self, path, **kw):
        return self.client.get("/api/v1" + path, headers=self._headers(kw), **kw)

    def post(self, path, json=None, **kw):
        return self.client.post("/api/v1" + path, json=json, headers=self._headers(kw), **kw)

    def patch(self, path, json=None, **kw):
        return self.client.patch("/api/v1" + path, json=json, headers=self._headers(kw), **kw)


@pytest.fixture
def accounts(app):
    return Accounts(app)


@pytest.fixture
def admin_api(client, accounts):
    return accounts.api(client, "admin")


# Real-shaped data -----------------------------------------------------------------

def credit_code(n: int, county: str = "411002") -> str:
    """A structurally valid code (GB 32100 + GB 11714): 91 (enterprise), the county, MA…"""
    from registry.rules.credit_code import build_credit_code

    return build_credit_code("91", county, f"MA{n:06d}")


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

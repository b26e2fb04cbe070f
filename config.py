"""Typed settings read from the environment.

Every setting is an environment variable of the same name. Booleans accept
0/1/true/false/yes/no/on/off. ``create_app(config)`` accepts one of the classes
below, an instance, or a plain mapping (tests).
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r}: expected one of 0/1/true/false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from None


def env_speeds(name: str) -> dict[str, float]:
    """``"颍河=0.6;北汝河=0.8"`` -> {"颍河": 0.6, "北汝河": 0.8}."""
    speeds = {}
    for item in filter(None, (part.strip() for part in os.environ.get(name, "").split(";"))):
        river, sep, value = item.partition("=")
        try:
            speeds[river.strip()] = float(value)
        except ValueError:
            raise ValueError(f"{name}: {item!r} is not RIVER=SPEED") from None
        if not sep or speeds[river.strip()] <= 0:
            raise ValueError(f"{name}: {item!r} is not RIVER=SPEED with a speed > 0")
    return speeds


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a number") from None


def env_str(name: str, default: str | None) -> str | None:
    raw = os.environ.get(name)
    return default if raw is None or raw == "" else raw


def normalise_database_url(url: str) -> str:
    """Accept ``postgresql://`` / ``postgres://`` as given and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def build_configs() -> dict[str, type]:
    """The config classes, each setting read from the environment as it is now. Called by
    ``config_from_env`` every time an app is built, so a changed environment needs no
    reload of this module; the module-level classes below are one such reading, for
    code that wants the defaults."""
    INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

    class Config:
        """Defaults shared by every environment."""

        SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret")
        SQLALCHEMY_DATABASE_URI = normalise_database_url(
            env_str("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'registry.sqlite3'}")
        )
        # No pool_pre_ping: on PostgreSQL a connection that died with a database restart is
        # found at checkout without a round trip and replaced, so the app recovers without a
        # restart (registry/postgres.py, tests/faults/test_postgres_restart.py).
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}
        # PostgreSQL: give up connecting after this many seconds (a request then gets a 503)
        # rather than waiting for the operating system's TCP time-out.
        DATABASE_CONNECT_TIMEOUT_SECONDS = env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 10)
        # Local time zone: "today" for statuses and deadlines is the date here.
        TIMEZONE = env_str("TIMEZONE", "Asia/Shanghai")
        BABEL_DEFAULT_LOCALE = env_str("DEFAULT_LOCALE", "zh_CN")
        LANGUAGES = ("zh_CN", "en")
        BASE_URL = env_str("BASE_URL", "http://127.0.0.1:5000")
        # Domain rules (domain.md §2); configurable where the domain marks them so.
        FILING_NUMBER_PATTERN = env_str(
            "FILING_NUMBER_PATTERN", "{county}-{year}-{serial:03d}-{letter}[T]"
        )
        FILING_DEADLINE_WORKING_DAYS = env_int("FILING_DEADLINE_WORKING_DAYS", 20)
        REVIEW_INTERVAL_YEARS = env_int("REVIEW_INTERVAL_YEARS", 3)
        DUE_SOON_DAYS = env_int("DUE_SOON_DAYS", 90)
        # Drill frequency by risk level, in months (domain.md §5 [assumed]).
        DRILL_INTERVAL_MONTHS_GENERAL = env_int("DRILL_INTERVAL_MONTHS_GENERAL", 12)
        DRILL_INTERVAL_MONTHS_MAJOR = env_int("DRILL_INTERVAL_MONTHS_MAJOR", 12)
        DRILL_INTERVAL_MONTHS_SERIOUS = env_int("DRILL_INTERVAL_MONTHS_SERIOUS", 6)
        # The home city (default jurisdiction): Xuchang.
        HOME_CITY_CODE = env_str("HOME_CITY_CODE", "411000")
        # Agreements (上下游联防联控协议): "expiring" window and when a contact goes stale.
        AGREEMENT_EXPIRING_DAYS = env_int("AGREEMENT_EXPIRING_DAYS", 60)
        CONTACT_STALE_MONTHS = env_int("CONTACT_STALE_MONTHS", 6)
        # Uploads: stored outside the web root, served only through a permission check.
        UPLOAD_DIR = env_str("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
        MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 20)
        MAX_CONTENT_LENGTH = (MAX_UPLOAD_MB + 1) * 1024 * 1024
        # Enterprise accounts (issue #19): hours a set-password link works; requests the
        # public self-registration form takes from one address in an hour (and whether it is
        # offered at all).
        ACCOUNT_LINK_HOURS = env_int("ACCOUNT_LINK_HOURS", 72)
        ENROLMENT_OPEN = env_bool("ENROLMENT_OPEN", True)
        ENROLMENT_MAX_PER_HOUR = env_int("ENROLMENT_MAX_PER_HOUR", 5)
        # Register import (web and CLI; registry/workflows/source.py). A file past a limit is
        # refused with a message naming the limit. Rows count the header and blank rows too;
        # 50,000 is well above a province's register.
        IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
        # Columns read from the header row (the template has 17); cells right of the last
        # column the importer knows are ignored without being read.
        IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 50)
        # Characters in one cell (Excel itself allows 32,767; no register field is near this).
        IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 10_000)
        # .xlsx: what the zip directory may promise before anything is unpacked — the
        # uncompressed size of all parts together (also the most a .csv may hold), the number
        # of parts, and the compression ratio of a part over 1 MB (real sheets compress 5-20
        # to 1; zip bombs 1,000 to 1).
        IMPORT_MAX_XML_MB = env_int("IMPORT_MAX_XML_MB", 100)
        IMPORT_MAX_ZIP_ENTRIES = env_int("IMPORT_MAX_ZIP_ENTRIES", 1_000)
        IMPORT_MAX_ZIP_RATIO = env_int("IMPORT_MAX_ZIP_RATIO", 100)
        # Web imports run as jobs in the worker's threads (registry/workflows/import_jobs.py):
        # the request waits this many seconds for the check or the import, then shows the
        # status page (refreshed every IMPORT_STATUS_REFRESH_S); at most IMPORT_JOB_THREADS
        # jobs run at once in a worker, the rest wait their turn; a job silent for
        # IMPORT_JOB_STALE_S was lost with its worker and is shown as interrupted.
        IMPORT_INLINE_WAIT_S = env_float("IMPORT_INLINE_WAIT_S", 3.0)
        IMPORT_STATUS_REFRESH_S = env_int("IMPORT_STATUS_REFRESH_S", 2)
        IMPORT_JOB_THREADS = env_int("IMPORT_JOB_THREADS", 1)
        IMPORT_JOB_STALE_S = env_int("IMPORT_JOB_STALE_S", 30)
        # Risk map (domain.md §7). Imported official layers go to GEODATA_DIR and replace
        # the shipped ones layer by layer. Distances in a metric CRS (CGCS2000 3-degree GK).
        GEODATA_DIR = env_str("GEODATA_DIR", str(INSTANCE_DIR / "geodata"))
        METRIC_CRS = env_str("METRIC_CRS", "EPSG:4547")
        # Flow speed for a river the layer gives none; RIVER_FLOW_SPEEDS overrides per river,
        # e.g. "颍河=0.6;北汝河=0.8" (m/s).
        RIVER_FLOW_SPEED_MPS = env_float("RIVER_FLOW_SPEED_MPS", 0.5)
        RIVER_FLOW_SPEEDS = env_speeds("RIVER_FLOW_SPEEDS")
        # A trace starts on the nearest river only within this distance (km); beyond it the
        # answer says no river is near and names the nearest with its distance.
        TRACE_MAX_SNAP_KM = env_float("TRACE_MAX_SNAP_KM", 5.0)
        # Optional external tiles, off by default (intranets have no internet). A Leaflet
        # URL template; MAP_TILES_GCJ02=1 shifts points for Gaode (GCJ-02) tiles.
        MAP_TILES_URL = env_str("MAP_TILES_URL", "")
        MAP_TILES_ATTRIBUTION = env_str("MAP_TILES_ATTRIBUTION", "")
        MAP_TILES_GCJ02 = env_bool("MAP_TILES_GCJ02", False)
        # Incident mode (domain.md §6b [likely]): hours to notify a downstream city when its
        # agreement sets no time limit, and hours for the 初报 by event level, e.g.
        # "general=4;major=4;serious=2;especially_serious=2".
        INCIDENT_NOTIFY_DEFAULT_HOURS = env_float("INCIDENT_NOTIFY_DEFAULT_HOURS", 1.0)
        INCIDENT_INITIAL_REPORT_HOURS = env_speeds("INCIDENT_INITIAL_REPORT_HOURS") or {
            "general": 4.0, "major": 4.0, "serious": 2.0, "especially_serious": 2.0}
        # Responses compressed (flask-compress) when the client accepts it: pages, JSON, the
        # map frame (a 50,000-point map is ~5 MB of text), GeoJSON. Not streamed answers
        # (static files, CSV exports): flask-compress leaves a streamed file unclosed.
        COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
                              "application/json", "application/geo+json", "text/csv"]
        COMPRESS_ALGORITHM = ["br", "gzip"]
        # The fastest levels: a 2 MB map compresses to a quarter in ~10 ms (Brotli 1) or
        # ~15 ms (gzip 1), against ~200 ms (Brotli 4) or ~60 ms (gzip 6) for 10 % less.
        COMPRESS_BR_LEVEL = 1
        COMPRESS_LEVEL = 1
        COMPRESS_STREAMS = False
        # Sessions and login.
        PERMANENT_SESSION_LIFETIME = env_int("SESSION_LIFETIME_MINUTES", 480) * 60
        SESSION_COOKIE_HTTPONLY = True
        SESSION_COOKIE_SAMESITE = "Lax"
        SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
        LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
        LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
        # Failed log-ins are counted per (user name, client address), LOGIN_MAX_FAILURES, and
        # per client address whatever the name, this many, in windows of LOGIN_LOCKOUT_MINUTES.
        LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 30)
        # How many reverse proxies in front of the app to trust for X-Forwarded-For and
        # X-Forwarded-Proto (werkzeug ProxyFix). 0: the client address is the peer's.
        REVERSE_PROXY_HOPS = env_int("REVERSE_PROXY_HOPS", 0)
        # werkzeug's method string for new password hashes; "scrypt" is its default cost
        # (N=2^15, r=8, p=1: ~0.1 s and 32 MB a hash). Checking reads the cost from the hash.
        PASSWORD_HASH_METHOD = env_str("PASSWORD_HASH_METHOD", "scrypt")
        WTF_CSRF_TIME_LIMIT = None  # the session lifetime already bounds it
        PER_PAGE = env_int("PER_PAGE", 20)
        # Scheduler: off unless asked for (make run sets it; web workers never do).
        SCHEDULER_ENABLED = env_bool("SCHEDULER_ENABLED", False)
        DEMO_MODE_BANNER = env_bool("DEMO_MODE_BANNER", True)
        SCHEDULER_MISFIRE_GRACE_HOURS = env_int("SCHEDULER_MISFIRE_GRACE_HOURS", 6)
        # One active scheduler per database: the lease is renewed every SCHEDULER_POLL_SECONDS
        # and (SQLite) lapses SCHEDULER_LEASE_SECONDS after its holder died.
        SCHEDULER_LEASE_SECONDS = env_int("SCHEDULER_LEASE_SECONDS", 60)
        SCHEDULER_POLL_SECONDS = env_float("SCHEDULER_POLL_SECONDS", 15.0)
        # Mail, with the Flask-Mail setting names. No MAIL_SERVER: mails are written as .eml
        # files to MAIL_OUTBOX_DIR (the make run default) and still listed on /reminders.
        MAIL_SERVER = env_str("MAIL_SERVER", None)
        MAIL_PORT = env_int("MAIL_PORT", 25)
        MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
        MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
        MAIL_USERNAME = env_str("MAIL_USERNAME", None)
        MAIL_PASSWORD = env_str("MAIL_PASSWORD", None)
        MAIL_DEFAULT_SENDER = env_str("MAIL_DEFAULT_SENDER", "registry@localhost")
        MAIL_TIMEOUT_SECONDS = env_float("MAIL_TIMEOUT_SECONDS", 30.0)
        MAIL_OUTBOX_DIR = env_str("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
        # Reminders (issue #4). Milestones are days before the due date; 0 = on the day.
        REMINDERS_RUN_AT = env_str("REMINDERS_RUN_AT", "08:00")  # daily, in TIMEZONE
        REMINDERS_PLAN_DAYS_BEFORE = env_str("REMINDERS_PLAN_DAYS_BEFORE", "90,30,7,0")
        REMINDERS_PLAN_OVERDUE_EVERY_DAYS = env_int("REMINDERS_PLAN_OVERDUE_EVERY_DAYS", 7)
        REMINDERS_ACTION_DAYS_BEFORE = env_str("REMINDERS_ACTION_DAYS_BEFORE", "7")
        REMINDERS_ACTION_OVERDUE_EVERY_DAYS = env_int("REMINDERS_ACTION_OVERDUE_EVERY_DAYS", 7)
        REMINDERS_DRILL_DAYS_BEFORE = env_str("REMINDERS_DRILL_DAYS_BEFORE", "30")
        REMINDERS_DRILL_OVERDUE_EVERY_DAYS = env_int("REMINDERS_DRILL_OVERDUE_EVERY_DAYS", 30)
        REMINDERS_AGREEMENT_DAYS_BEFORE = env_str("REMINDERS_AGREEMENT_DAYS_BEFORE", "60,30")
        REMINDERS_MAX_ATTEMPTS = env_int("REMINDERS_MAX_ATTEMPTS", 5)
        REMINDERS_RUN_WAIT_SECONDS = env_float("REMINDERS_RUN_WAIT_SECONDS", 300.0)
        REMINDERS_CLAIM_SECONDS = env_int("REMINDERS_CLAIM_SECONDS", 600)
        REMINDERS_SIGNATURE = env_str("REMINDERS_SIGNATURE", "许昌市生态环境局")
        # Issue #16 §1: one mail per recipient per run (a digest) unless a user chose single
        # mails on /reminders; "single" makes single mails the default instead.
        REMINDERS_DELIVERY_DEFAULT = env_str("REMINDERS_DELIVERY_DEFAULT", "digest")
        REMINDERS_DIGEST_CALENDAR_EVENTS = env_int("REMINDERS_DIGEST_CALENDAR_EVENTS", 5)
        # Mails claimed, sent over one connection and committed together (issue #18.4): a run
        # killed mid-batch sends at most this many again once their claims lapse.
        REMINDERS_SEND_BATCH = env_int("REMINDERS_SEND_BATCH", 100)


    class DevConfig(Config):
        DEBUG = True


    class TestConfig(Config):
        TESTING = True
        SECRET_KEY = "test-secret"
        WTF_CSRF_ENABLED = True
        SQLALCHEMY_DATABASE_URI = normalise_database_url(
            env_str("TEST_DATABASE_URL", "sqlite:///:memory:")
        )
        SCHEDULER_ENABLED = False
        # The same scrypt at a 32 times lower cost (~3 ms): the suite makes and logs in
        # thousands of users. tests/registry/auth/test_password_hash.py checks the default.
        PASSWORD_HASH_METHOD = "scrypt:1024:8:1"


    class ProdConfig(Config):
        SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)

        @classmethod
        def check(cls) -> None:
            """Production refuses to start without a real secret and database."""
            missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
            if missing:
                raise RuntimeError(f"production needs {', '.join(missing)} set in the environment")

    return {"base": Config, "development": DevConfig, "testing": TestConfig,
            "production": ProdConfig}


_READ = build_configs()
Config, DevConfig, TestConfig, ProdConfig = (_READ[k] for k in ("base", "development",
                                                                "testing", "production"))
ENVIRONMENTS = ("development", "testing", "production")


def config_from_env() -> type:
    """The config class ``REGISTRY_ENV`` names, read from the environment now."""
    name = os.environ.get("REGISTRY_ENV", "development")
    if name not in ENVIRONMENTS:
        raise RuntimeError(f"REGISTRY_ENV={name!r}: expected one of {sorted(ENVIRONMENTS)}")
    cls = build_configs()[name]
    if name == "production":
        cls.check()
    return cls

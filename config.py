"""Typed settings read from the environment.

Every setting is an environment variable of the same name. Booleans accept
0/1/true/false/yes/no/on/off. ``create_app(config)`` accepts one of the classes
below, an instance, or a plain mapping (tests).
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

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


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        env_str("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'registry.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
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
    # The home city (default jurisdiction): Xuchang.
    HOME_CITY_CODE = env_str("HOME_CITY_CODE", "411000")
    HOME_CITY_NAME = env_str("HOME_CITY_NAME", "许昌市")  # in the annual report's wording
    # Uploads: stored outside the web root, served only through a permission check.
    UPLOAD_DIR = env_str("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 20)
    MAX_CONTENT_LENGTH = (MAX_UPLOAD_MB + 1) * 1024 * 1024
    # Sessions and login.
    PERMANENT_SESSION_LIFETIME = env_int("SESSION_LIFETIME_MINUTES", 480) * 60
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime already bounds it
    PER_PAGE = env_int("PER_PAGE", 20)
    # Scheduler: off unless asked for (make run sets it; web workers never do).
    SCHEDULER_ENABLED = env_bool("SCHEDULER_ENABLED", False)
    DEMO_MODE_BANNER = env_bool("DEMO_MODE_BANNER", True)


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


class ProdConfig(Config):
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)

    @classmethod
    def check(cls) -> None:
        """Production refuses to start without a real secret and database."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"production needs {', '.join(missing)} set in the environment")


CONFIGS = {"development": DevConfig, "testing": TestConfig, "production": ProdConfig}


def config_from_env() -> type[Config]:
    name = os.environ.get("REGISTRY_ENV", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"REGISTRY_ENV={name!r}: expected one of {sorted(CONFIGS)}") from None
    if cls is ProdConfig:
        ProdConfig.check()
    return cls

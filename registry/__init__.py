"""registry: environmental emergency plan register (突发环境事件应急预案备案管理)."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from collections.abc import Mapping

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

def create_app(config: Any = None) -> Flask:
    """Build the app. No side effects: no DB creation, no network; the scheduler
    starts only when ``SCHEDULER_ENABLED`` is set.

    ``config``: a config class/object, or a mapping of overrides on top of the
    environment's config (tests pass a mapping).
    """
    from config import config_from_env

    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                instance_path=str(ROOT / "instance"))
    from registry.fields import IdConverter

    app.url_map.converters["int"] = IdConverter  # every <int:…> is a bounded id
    if config is None or isinstance(config, Mapping):
        app.config.from_object(config_from_env())
        if config:
            app.config.update(config)
    else:
        app.config.from_object(config)

    from registry import extensions, i18n, postgres, sqlite
    from registry.json_provider import OrjsonProvider

    app.json = OrjsonProvider(app)
    hops = int(app.config.get("REVERSE_PROXY_HOPS") or 0)
    if hops > 0:  # behind the bureau's reverse proxy: trust exactly that many hops
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    _engine_options(app)
    extensions.db.init_app(app)
    sqlite.install(app)
    postgres.install(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.compress.init_app(app)
    i18n.init_app(app)

    from registry import areas, settings
    from registry.auth import session as auth_session
    from registry.installed import AREAS
    from registry.web import errors, headers, labels

    auth_session.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    registry = areas.init_app(app, AREAS)
    settings.check(app.config, registry.settings_checks)  # a bad value stops start-up here
    labels.init_app(app)
    if app.config.get("SCHEDULER_ENABLED"):
        from registry import scheduler

        scheduler.start_in_process(app)
    return app


def _engine_options(app: Flask) -> None:
    """PostgreSQL connections get a connect time-out, so that an unreachable server costs a
    request ``DATABASE_CONNECT_TIMEOUT_SECONDS`` at most."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    connect_args = dict(options.get("connect_args", {}))
    connect_args.setdefault("connect_timeout", app.config.get("DATABASE_CONNECT_TIMEOUT_SECONDS", 10))
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

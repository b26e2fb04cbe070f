"""Domain exceptions -> HTTP, translated once: JSON under /api/, HTML elsewhere."""
from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from registry.errors import (Conflict, DomainError, NotFound, PermissionDenied, StorageFull,
                             Unauthorized, ValidationFailed)

STATUS = {ValidationFailed: 422, Unauthorized: 401, PermissionDenied: 403, NotFound: 404,
          Conflict: 409, StorageFull: 507}
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
              422: "validation_failed", 507: "storage_full", 500: "server_error", 503: "database_unavailable"}
RETRY_AFTER_SECONDS = 30


# sqlite3 raises OperationalError for SQL mistakes too ("no such column"): only these mean
# the database itself is unavailable.
SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk I/O error")


def database_unavailable(exc: Exception) -> bool:
    """The database cannot be reached or dropped the connection (server stopped or
    restarting, network, SQLite busy past its timeout): worth a retry, not a bug."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if isinstance(exc.orig, sqlite3.OperationalError):
        return str(exc.orig).startswith(SQLITE_UNAVAILABLE)
    return isinstance(exc, OperationalError)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_json(status: int, code: str, message: str, fields=None):
    body = {"code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return jsonify({"error": body}), status


def http_message(exc: HTTPException) -> str:
    """The message for a plain HTTP error, in the interface language."""
    messages = {
        400: _("The request could not be understood; check what was sent."),
        404: _("The page or record you asked for does not exist. Check the address, or go back "
               "to the home page."),
        405: _("This address does not accept that kind of request."),
        413: _("The upload is larger than the limit of %(mb)s MB.",
               mb=current_app.config.get("MAX_UPLOAD_MB", "?")),
        429: _("Too many requests; wait a moment and try again."),
    }
    return str(messages.get(exc.code, exc.description or exc.name))


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        if wants_json():
            return error_json(status, exc.code, str(exc.message) or exc.code,
                              exc.fields if isinstance(exc, ValidationFailed) else None)
        if status == 401:
            return redirect(url_for("auth.login", next=request.full_path))
        return render_template("error.html", status=status, message=exc.message), status

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        message = _("The form expired or was sent from elsewhere; reload the page and try again.")
        if wants_json():
            return error_json(400, "bad_request", message)
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = HTTP_CODES.get(exc.code, "error")
        # Werkzeug's own descriptions are English; say it in the interface language.
        message = http_message(exc)
        if wants_json():
            return error_json(exc.code, code, message)
        return render_template("error.html", status=exc.code, message=message), exc.code

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError):
        if not database_unavailable(exc):
            return _unexpected(exc)
        return _unavailable(exc)

    def _unavailable(exc: DBAPIError):
        """503 with Retry-After, one log line, no traceback. The pool drops the dead
        connections (registry/postgres.py), so the next request after the database is back
        succeeds without restarting the app."""
        from flask_login import AnonymousUserMixin

        from registry.extensions import db

        first_line = str(getattr(exc, "orig", None) or exc).strip().splitlines()[:1]
        app.logger.warning("database unavailable (%s %s): %s", request.method, request.path,
                           first_line[0] if first_line else type(exc).__name__)
        try:
            db.session.rollback()
        except DBAPIError:
            db.session.invalidate()
        g._login_user = AnonymousUserMixin()  # the page must not ask the database who is in
        message = _("The database is not available at the moment; please try again in a minute.")
        if wants_json():
            response = error_json(503, "database_unavailable", message)
        else:
            response = render_template("error.html", status=503, message=message), 503
        return *response, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        from registry.extensions import db

        db.session.rollback()
        if wants_json():
            return error_json(500, "server_error", _("Internal error; it has been logged."))
        return render_template("error.html", status=500,
                               message=_("Internal error; it has been logged.")), 500

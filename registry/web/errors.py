"""Domain exceptions -> HTTP, translated once: JSON under /api/, HTML elsewhere."""
from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from registry.errors import (Conflict, DomainError, NotFound, PermissionDenied, Unauthorized,
                             ValidationFailed)

STATUS = {ValidationFailed: 422, Unauthorized: 401, PermissionDenied: 403, NotFound: 404,
          Conflict: 409}
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
              422: "validation_failed", 500: "server_error"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_json(status: int, code: str, message: str, fields=None):
    body = {"code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return jsonify({"error": body}), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        if wants_json():
            return error_json(status, exc.code, str(exc.message) or exc.code,
                              getattr(exc, "fields", None))
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
        if wants_json():
            return error_json(exc.code, code, exc.description or exc.name)
        return render_template("error.html", status=exc.code, message=exc.description), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        from registry.extensions import db

        db.session.rollback()
        if wants_json():
            return error_json(500, "server_error", _("Internal error; it has been logged."))
        return render_template("error.html", status=500,
                               message=_("Internal error; it has been logged.")), 500

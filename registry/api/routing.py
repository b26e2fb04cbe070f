"""The ``operation`` decorator: authenticate, validate body/query with a schema, call
the view, serialise — and record everything the OpenAPI document needs."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from flask import g, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel

from registry import fields
from registry.auth.service import user_for_token
from registry.errors import NotFound, PermissionDenied, Unauthorized, ValidationFailed
from registry.validation import validate


@dataclass
class Operation:
    path: str
    method: str
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    public: bool = False
    enterprise: bool = False  # opened to role "enterprise" (every other route refuses it)
    path_params: tuple[str, ...] = field(default_factory=tuple)
    upload: str | None = None  # a multipart/form-data file field (the view reads request.files)
    media: str | None = None  # a binary answer of this type (e.g. application/pdf), not JSON


OPERATIONS: list[Operation] = []


def _authenticate():
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorized(_("A valid API token is required (Authorization: Bearer <token>)."))
    g.api_user = user
    return user


def _query_args(schema: type[BaseModel]) -> dict:
    """The query string as a dict for ``schema``. A parameter the schema does not know is
    refused, naming it (as the OpenAPI document says: additionalProperties false) — a typo
    such as ``?county_cod=`` must not silently return the unfiltered list."""
    unknown = sorted(key for key in request.args if key not in schema.model_fields)
    if unknown:
        raise ValidationFailed({key[:64]: [_("Unknown field.")] for key in unknown[:20]})
    args = {}
    for key in request.args:
        values = request.args.getlist(key)
        args[key] = values if len(values) > 1 else (values[0] if values[0] != "" else None)
    return {k: v for k, v in args.items() if v is not None}


# Ids beyond a 32-bit integer do not exist: such a path is a 404, never a database overflow
# (the app's ``int`` converter is bounded too: registry.fields.IdConverter).
MAX_ID = fields.MAX_ID


def path_param_is_int(name: str) -> bool:
    """Path parameters named ``*_id`` (and ``year``) are integers; any other is a string."""
    return name.endswith("_id") or name == "year"


def flask_rule(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: f"<int:{m[1]}>" if path_param_is_int(m[1]) else f"<{m[1]}>",
                  path)


def operation(bp, path: str, method: str, summary: str, tag: str, *, body=None, query=None,
              response=None, status=200, errors=(), public=False, enterprise=False, upload=None,
              media=None):
    """Register an API route. The view receives ``user``, then path params, then
    ``body=``/``query=`` validated models, and returns a dict/list (serialised to JSON).
    Enterprise users (企业用户) are refused (403) unless ``enterprise=True``; such a view
    scopes its records to the caller's enterprises itself."""
    op = Operation(path, method.upper(), summary, tag, body, query, response, status,
                   tuple(errors), public, enterprise, upload=upload, media=media)
    OPERATIONS.append(op)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(**params):
            user = None if public else _authenticate()
            if user is not None and user.role == "enterprise" and not enterprise:
                raise PermissionDenied(_("This is not open to enterprise users."))
            if any(isinstance(v, int) and v > MAX_ID for v in params.values()):
                raise NotFound(_("No such record."))
            kwargs = dict(params)
            if body is not None:
                payload = request.get_json(silent=True)
                if payload is None:
                    raise ValidationFailed({"__root__": [_("The request body must be JSON.")]})
                kwargs["body"] = validate(body, payload)
            if query is not None:
                kwargs["query"] = validate(query, _query_args(query))
            result = view(user, **kwargs)
            if isinstance(result, tuple):
                return result
            return jsonify(result), status

        flask_path = flask_rule(path)
        endpoint = f"{method.lower()}_{view.__name__}"
        bp.add_url_rule(flask_path, endpoint, wrapper, methods=[method.upper()])
        return wrapper

    return decorator

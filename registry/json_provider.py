"""JSON responses with orjson: the API's lists are its busiest answers, and orjson
serialises them several times faster than the standard library (bench/load.py).

Output differs from Flask's default only in form: keys keep their insertion order
(the API's own order) instead of being sorted, and a ``date``/``datetime`` value the API
forgot to format comes out in ISO 8601, as the OpenAPI schema says, not as an HTTP date.
Anything orjson refuses (an integer past 64 bits, say) and every call with options
(``indent=…``) goes the standard library's way, unchanged.
"""
from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS


class OrjsonProvider(DefaultJSONProvider):
    ensure_ascii = False  # Chinese stays readable in API responses

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if not kwargs:
            try:
                return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()
            except (orjson.JSONEncodeError, TypeError):
                pass  # the standard library decides, and raises its own error if any
        return super().dumps(obj, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """``jsonify``: compact JSON from orjson (pretty-printed in debug mode, as Flask's)."""
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        try:
            body = orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except (orjson.JSONEncodeError, TypeError):
            return super().response(*args, **kwargs)
        return self._app.response_class(body + b"\n", mimetype=self.mimetype)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s) if not kwargs else super().loads(s, **kwargs)

"""Export downloads: /export/<name>.<format>, with the list page's filter in the query."""
from __future__ import annotations

from datetime import datetime

from flask import Response, abort, request
from flask_login import current_user, login_required

from registry.workflows import export_specs  # noqa: F401  (registers the core lists)
from registry.workflows.exports import EXPORTS, MIMETYPES, WRITERS, query_from
from registry.workflows.views import bp


@bp.get("/export/<name>.<fmt>")
@login_required
def export(name, fmt):
    spec = EXPORTS.get(name)
    if spec is None or fmt not in spec.formats:
        abort(404)
    query = query_from(spec, request.args.to_dict())
    content = WRITERS[fmt](spec, current_user, query)
    filename = f"{spec.title}-{datetime.now():%Y%m%d}.{fmt}"
    response = Response(content, mimetype=MIMETYPES[fmt])
    from urllib.parse import quote

    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{spec.name}.{fmt}\"; filename*=UTF-8''{quote(filename)}")
    return response

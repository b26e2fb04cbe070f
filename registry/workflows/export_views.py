"""Export downloads: /export/<name>.<format>, with the list page's filter in the query."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, request, stream_with_context
from flask_login import current_user, login_required

from registry.clock import today
from registry.workflows.export_specs import spec_named
from registry.workflows.exports import MIMETYPES, WRITERS, query_from
from registry.workflows.views import bp


@bp.get("/export/<name>.<fmt>")
@login_required
def export(name, fmt):
    spec = spec_named(name)
    if spec is None or fmt not in spec.formats:
        abort(404)
    query = query_from(spec, request.args.to_dict())
    content = WRITERS[fmt](spec, current_user, query)
    if not isinstance(content, bytes):  # streamed: the rows are read as it is sent
        content = stream_with_context(content)
    filename = f"{spec.title_text()}-{today():%Y%m%d}.{fmt}"
    response = Response(content, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{spec.name}.{fmt}\"; filename*=UTF-8''{quote(filename)}")
    return response

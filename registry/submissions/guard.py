"""The enterprise role's fence (issue #19): a logged-in enterprise user (企业用户) reaches
only the pages opened to it; every officer page answers 403. The API refuses it in
``registry.api.routing.operation`` unless an operation is opened (``enterprise=True``).
What it may read within the opened pages is scoped again by the services."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from registry.errors import PermissionDenied

# Pages an enterprise user may open: log-in/out, language, health, static files,
# the portal's own blueprint, their own password (a reset one must be changed at once).
OPEN_ENDPOINTS = frozenset({"static", "auth.login", "auth.logout", "auth.set_language",
                            "auth.change_password", "auth.setup_account",
                            "web.healthz", "web.healthz_db"})
# api: refused per operation (routing); portal_resources: the enterprise's own resource
# survey rows (registry/incidents/portal.py), enterprise users only.
OPEN_BLUEPRINTS = frozenset({"portal", "portal_resources", "api", "verify", "enrol"})


def enterprise_fence():
    if not getattr(current_user, "is_authenticated", False) or current_user.role != "enterprise":
        return None
    if request.endpoint in OPEN_ENDPOINTS or request.blueprint in OPEN_BLUEPRINTS:
        return None
    redirect_to = getattr(request.routing_exception, "new_url", None)
    if redirect_to and urlsplit(redirect_to).path.startswith("/portal/"):
        return None  # /portal typed without its slash: Flask's redirect to the portal
    if request.endpoint == "web.index":
        from flask import redirect, url_for

        return redirect(url_for("portal.index"))
    raise PermissionDenied(_("This page is not open to enterprise users."))

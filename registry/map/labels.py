"""The map's UI strings in the user's language (the map page is built in Python)."""
from flask_babel import get_locale
from flask_babel import gettext as _

from registry.web.labels import LEVELS, STATUSES


def map_labels() -> dict:
    return {
        "lang": str(get_locale() or "zh_CN").replace("_", "-"),
        "title": _("Environmental risk map"),
        "levels": {k: str(v) for k, v in LEVELS.items()},
        "statuses": {k: str(v) for k, v in STATUSES.items()},
        "fields": {"risk_level": _("Risk level"), "credit_code": _("Unified social credit code"),
                   "filing_number": _("Filing number"), "review_due_on": _("Review due"),
                   "status": _("Status")},
        "layers": {"counties": _("Counties"), "rivers": _("Rivers"),
                   "sections": _("Boundary sections"), "receptors": _("Sensitive receptors"),
                   "intercepts": _("Intercept points"), "canal": _("South-North Water Transfer canal")},
        "kinds": {"section": _("Section"), "drinking_water_intake": _("Water intake"),
                  "water_transfer_canal": _("Water transfer canal"), "county": _("County"),
                  "city": _("City"), "confluence": _("Confluence"), "receptor": _("Receptor"),
                  "crossing": _("Crossing, not connected")},
        "ui": {"legend": _("Legend"), "search": _("Search by enterprise name"),
               "no_match": _("No matching enterprise"), "open": _("Open enterprise page"),
               "demo": _("Demo data"),
               "demo_note": _("Sections, intakes and intercept points are demo data; river "
                              "courses are approximate."),
               "trace": _("Downstream trace"), "sheet": _("Notification sheet"),
               "overdue_count": _("Overdue enterprises"), "trace_start": _("Start"), "hit": _("Reaches"),
               "km": _("km"), "hours": _("hours")},
    }

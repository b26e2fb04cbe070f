"""The agreement register as .xlsx and CSV (``registry.workflows.exports``): the rows the
register page shows, with statuses as the page labels them, in the user's language."""
from __future__ import annotations

from registry.agreements.forms import list_query
from registry.agreements.labels import STATUSES
from registry.agreements.schemas import AgreementQuery
from registry.agreements.service import list_agreements, stale_count
from registry.workflows.exports import Column, ExportSpec, header


def _joined(values) -> str:
    return "、".join(str(v) for v in values if v)


# Rows are (agreement, status).
AGREEMENTS = ExportSpec(
    name="agreements", title=header("Joint prevention agreements"), query=AgreementQuery,
    parse=list_query, rows=list_agreements, locale=None,
    columns=(
        Column(header("Agreement title"), lambda r: r[0].title),
        Column(header("Party cities"), lambda r: _joined(p.city_name for p in r[0].parties)),
        Column(header("Their environment departments"),
               lambda r: _joined(p.environment_department for p in r[0].parties)),
        Column(header("Rivers covered"), lambda r: _joined(r[0].rivers)),
        Column(header("Signed on"), lambda r: r[0].signed_on),
        Column(header("Term (years)"), lambda r: r[0].term_years),
        Column(header("Expires on"), lambda r: r[0].expires_on),
        Column(header("Renewal date"), lambda r: r[0].renewal_on),
        Column(header("Agreement status"), lambda r: STATUSES[r[1]]),
        Column(header("Boundary sections"), lambda r: _joined(s.name for s in r[0].sections)),
        Column(header("Notification channel"), lambda r: r[0].notification_channel),
        Column(header("Time limit (hours)"), lambda r: r[0].notification_limit_hours),
        Column(header("Joint meetings held"), lambda r: len(r[0].meetings)),
        Column(header("Contacts"), lambda r: sum(len(p.contacts) for p in r[0].parties)),
        Column(header("Contacts to verify"), lambda r: stale_count(r[0])),
    ),
)

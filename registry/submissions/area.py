"""The submissions area (issue #19): the enterprise portal, the county's review queue,
the enterprise role's fence and the submissions API."""

from registry.areas import Area, NavItem, nav_label as _nav
from registry.submissions import account_views, api, panel, reminders, verify, views
from registry.submissions.accounts import ENROLMENT_STATUS_LABELS
from registry.submissions.service import DOCUMENT_GUIDANCE, KIND_LABELS, STATUS_LABELS

area = Area(
    name="submissions",
    blueprints=(views.portal, views.bp, verify.bp, account_views.bp, account_views.enrol),
    api=(api,),
    dashboard_panels=(panel.PANEL,),
    reminder_sources=(reminders.SOURCE, reminders.REPLY_SOURCE),
    nav=(NavItem("portal.index", _nav("My enterprises"), "enterprise", order=15),
         NavItem("submissions.queue", _nav("Filings"), "officer", order=35),
         NavItem("submissions.queue", _nav("Filings"), "admin", order=35)),
    template_globals={"SUBMISSION_STATUSES": STATUS_LABELS, "SUBMISSION_KINDS": KIND_LABELS,
                      "ENROLMENT_STATUSES": ENROLMENT_STATUS_LABELS,
                      "DOCUMENT_GUIDANCE": DOCUMENT_GUIDANCE,
                      "enterprise_accounts": account_views.enterprise_accounts,
                      "enterprise_submissions": account_views.enterprise_submissions,
                      "may_manage_accounts": account_views.may_manage_accounts},
)

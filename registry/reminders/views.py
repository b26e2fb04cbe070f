"""Outbox page (/reminders), resend, the 90-day preview and the digest preference."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from registry.clock import today
from registry.errors import Conflict
from registry.jurisdictions.service import counties_in_view
from registry.reminders import service
from registry.reminders.schemas import PreferenceIn, PreviewPageQuery, ReminderQuery
from registry.reminders.sources import load_sources
from registry.validation import form_data, validate
from registry.web.queries import read_query

bp = Blueprint("reminders", __name__)

STATUS_LABELS = {"pending": _l("Pending"), "sent": _l("Sent"), "failed": _l("Failed"),
                 "skipped": _l("Skipped"), "cancelled": _l("Cancelled")}
# Reasons the service stores in English; shown in the reader's language.
ERRORS = {"no e-mail address": _l("no e-mail address"),
          "no longer due (superseded or closed)": _l("no longer due (superseded or closed)")}
STATUS_BADGES = {"pending": "warning", "sent": "success", "failed": "danger",
                 "skipped": "secondary", "cancelled": "secondary"}


@bp.app_template_filter("milestone")
def milestone_label(milestone: str, due_on=None, on=None) -> str:
    """``before-30`` → 30 days before; ``on-day``; ``overdue-2`` → overdue by N days
    (from ``due_on`` and the milestone's date ``on``; no count of reminders: the k in
    ``overdue-k`` counts periods since the due date, not mails sent — issue #16 §1).
    A recurring clock (drills) prefixes its cycle's due date: ``2027-05-20/before-30``."""
    cycle, _slash, milestone = milestone.rpartition("/")
    if cycle:
        return f"{milestone_label(milestone, due_on, on)}（{cycle}）"
    kind, _sep, n = milestone.partition("-")
    if kind == "before":
        return _("%(days)s days before", days=n)
    if milestone == "on-day":
        return _("On the due date")
    if kind == "overdue":
        if due_on is not None and on is not None:
            return _("Overdue by %(days)s days", days=(on - due_on).days)
        return _("Overdue")
    return milestone


def _context():
    return dict(STATUS_LABELS=STATUS_LABELS, STATUS_BADGES_R=STATUS_BADGES, ERRORS=ERRORS,
                rules={s.rule: s.label for s in load_sources()},
                can_choose_digest=service.can_choose_digest(current_user))


@bp.get("/reminders")
@login_required
def index():
    query = read_query(ReminderQuery, request.args)
    rows, total = service.list_reminders(current_user, query)
    return render_template("reminders/index.html", rows=rows, total=total, query=query,
                           counts=service.outbox_counts(current_user),
                           digest=service.digest_preference(current_user),
                           can_resend=lambda r: service.can_resend(current_user, r),
                           counties=counties_in_view(current_user), **_context())


@bp.post("/reminders/<int:reminder_id>/resend")
@login_required
def resend(reminder_id):
    try:
        reminder = service.resend(current_user, reminder_id)
    except Conflict as exc:
        flash(exc.message, "danger")
    else:
        if reminder.status == "sent":
            flash(_("Reminder sent again to %(to)s.", to=reminder.recipient), "success")
        else:
            flash(_("Sending to %(to)s failed: %(error)s", to=reminder.recipient,
                    error=reminder.last_error), "danger")
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/reminders") else url_for("reminders.index"))


@bp.get("/reminders/preview")
@login_required
def preview():
    query = read_query(PreviewPageQuery, request.args)
    result = service.preview(current_user, today(), 90, query.page, query.per_page)
    return render_template("reminders/preview.html", result=result, today=today(),
                           **_context())


@bp.post("/reminders/preferences")
@login_required
def preferences():
    body = validate(PreferenceIn, form_data(request.form, booleans=("digest",)))
    service.set_digest(current_user, body.digest)
    flash(_("Digest switched on: one mail a day.") if body.digest
          else _("Single mails switched on: one mail per reminder."), "success")
    return redirect(url_for("reminders.index"))

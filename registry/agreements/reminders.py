"""Agreement renewal reminders (domain.md §6): to the administrators 60 and 30 days before
an agreement expires (configurable), so renewal talks start in time."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import format_date, gettext as _, lazy_gettext as _l

from registry.extensions import db
from registry.models import Agreement
from registry.reminders import generic
from registry.reminders.rules import Due, Schedule, Subject, milestone_due, milestones_between
from registry.reminders.sources import Content, ReminderSource

RULE = "agreement_renewal"
_COLUMNS = (Agreement.id, Agreement.expires_on, Agreement.title, Agreement.signed_on)


def schedule(config: Mapping) -> Schedule:
    return _schedule(config["REMINDERS_AGREEMENT_DAYS_BEFORE"])


@lru_cache(maxsize=8)
def _schedule(days_before: str) -> Schedule:
    return Schedule.parse(days_before, 0, "REMINDERS_AGREEMENT_DAYS_BEFORE")


def _subjects(rows) -> list[Subject]:
    return [Subject("agreement", r.id, r.expires_on, None, r.title[:300], True, r) for r in rows]


def candidates(start: date | None, end: date, config: Mapping, county_codes=None) -> list[Subject]:
    """Agreements expiring within the lead time (index on ``expires_on``). Agreements are
    city-level: every officer may read them, so county scoping does not narrow them."""
    stmt = sa.select(*_COLUMNS).where(
        Agreement.expires_on <= end + timedelta(days=schedule(config).lead_days))
    # Long-expired agreements get no reminder (their page shows them expired).
    stmt = stmt.where(Agreement.expires_on >= (start or end) - timedelta(days=1))
    return _subjects(db.session.execute(stmt))


def load(ids: Sequence[int], config: Mapping) -> dict[int, Subject]:
    if not ids:
        return {}
    stmt = sa.select(*_COLUMNS).where(Agreement.id.in_(sorted(set(ids))))
    return {s.id: s for s in _subjects(db.session.execute(stmt))}


def recipients(subjects: list[Subject], config: Mapping) -> None:
    admins = generic.admins()
    for s in subjects:
        s.recipients = admins


def render(subject: Subject, due: Due, config: Mapping) -> Content:
    r = subject.data
    url = f"{config['BASE_URL'].rstrip('/')}/agreements/{r.id}"
    days_left = (subject.due_on - due.milestone_on).days
    info = dict(title=r.title, date=format_date(subject.due_on, "long"))
    heading = _("[Agreement renewal] %(title)s expires on %(date)s", **info)
    intro = _("The joint prevention and control agreement below expires on %(date)s, in "
              "%(days)s days.", date=info["date"], days=days_left)
    facts = [(_("Agreement"), r.title), (_("Signed on"), format_date(r.signed_on, "long")),
             (_("Expires on"), info["date"])]
    todo = [_("Agree the renewal with the counterpart city and record the new term."),
            _("Check the contact roster and the notification protocol while renewing.")]
    return generic.content(heading=heading, intro=intro, facts=facts, todo=todo, url=url,
                           link_label=_("Open the agreement"), due_on=subject.due_on,
                           event_uid=f"agreement-{r.id}-{subject.due_on.isoformat()}@registry",
                           event_summary=_("Agreement expires: %(title)s", **info),
                           overdue=False, config=config)


SOURCE = ReminderSource(
    rule=RULE, subject_type="agreement", label=_l("Agreement renewal"),
    due=lambda subject, today, config: milestone_due(RULE, subject, today, schedule(config)),
    milestones=lambda subject, start, end, config: milestones_between(
        RULE, subject, start, end, schedule(config)),
    candidates=candidates, recipients=recipients, load=load, render=render,
)

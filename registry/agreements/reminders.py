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
    digest_group="agreements", schedule=schedule,
)


# --- the monthly note of stale contacts --------------------------------------------------

STALE_RULE = "agreement_stale_contacts"


def _month_id(day: date) -> int:
    return day.year * 100 + day.month


def _stale_rows(today: date, config: Mapping):
    """Contacts not verified for CONTACT_STALE_MONTHS (or never), with their agreement."""
    from dateutil.relativedelta import relativedelta

    from registry.models import AgreementContact, AgreementParty

    limit = today - relativedelta(months=int(config["CONTACT_STALE_MONTHS"]))
    stmt = (sa.select(AgreementContact.name, AgreementContact.role, AgreementContact.verified_on,
                      AgreementParty.city_name, Agreement.title, Agreement.id.label("agreement_id"))
            .join(AgreementParty, AgreementParty.id == AgreementContact.party_id)
            .join(Agreement, Agreement.id == AgreementParty.agreement_id)
            .where(Agreement.expires_on >= today,
                   sa.or_(AgreementContact.verified_on.is_(None),
                          AgreementContact.verified_on <= limit))
            .order_by(Agreement.id, AgreementParty.city_name, AgreementContact.name))
    return list(db.session.execute(stmt))


def _stale_subject(today: date, config: Mapping) -> Subject | None:
    rows = _stale_rows(today, config)
    if not rows:
        return None
    first = date(today.year, today.month, 1)
    return Subject("roster", _month_id(today), first, None,
                   _("Contacts to verify: %(n)s", n=len(rows)), True, rows)


def stale_candidates(start: date | None, end: date, config: Mapping, county_codes=None):
    subject = _stale_subject(end, config)
    return [subject] if subject else []


def stale_load(ids: Sequence[int], config: Mapping) -> dict[int, Subject]:
    from registry.clock import today

    subject = _stale_subject(today(), config)
    return {subject.id: subject} if subject and subject.id in set(ids) else {}


def stale_render(subject: Subject, due: Due, config: Mapping) -> Content:
    url = f"{config['BASE_URL'].rstrip('/')}/agreements"
    heading = _("[Contact roster] %(n)s contacts in the agreements need verifying",
                n=len(subject.data))
    intro = _("These contacts have not been verified for %(months)s months. Call them, update "
              "the roster and press “verified today” on the agreement page.",
              months=config["CONTACT_STALE_MONTHS"])
    facts = [(f"{r.city_name} · {r.name}（{r.role}）",
              format_date(r.verified_on, "long") if r.verified_on else _("never verified"))
             for r in subject.data]
    return generic.content(heading=heading, intro=intro, facts=facts, todo=[], url=url,
                           link_label=_("Open the agreements"), due_on=subject.due_on,
                           event_uid=f"roster-{subject.id}@registry",
                           event_summary=heading, overdue=False, config=config)


STALE_SOURCE = ReminderSource(
    rule=STALE_RULE, subject_type="roster", label=_l("Stale agreement contacts (monthly)"),
    due=lambda subject, today, config: milestone_due(STALE_RULE, subject, today, Schedule((0,), 0)),
    milestones=lambda subject, start, end, config: milestones_between(
        STALE_RULE, subject, start, end, Schedule((0,), 0)),
    candidates=stale_candidates, recipients=recipients, load=stale_load, render=stale_render,
    digest_group="agreements",
)

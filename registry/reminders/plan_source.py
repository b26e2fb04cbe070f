"""Plan review reminders (回顾性评估, domain.md §2): the candidate query, recipients and mail.

Recipients: the enterprise's contact e-mail (in the default language) and the active
officers of its county (each in the language they chose; digest if they asked for it).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import render_template
from flask_babel import format_date, gettext as _, lazy_gettext as _l

from registry.extensions import db
from registry.models import Enterprise, Plan, ReminderPreference, User, user_counties
from registry.reminders.rules import (PLAN_REVIEW, Due, Recipient, Schedule, Subject,
                                      milestones_between, plan_review_due)
from registry.reminders.sources import CalendarEvent, Content, ReminderSource

_COLUMNS = (Plan.id, Plan.review_due_on, Plan.filing_number, Plan.version, Plan.title,
            Plan.signed_on, Plan.enterprise_id, Enterprise.name.label("enterprise"),
            Enterprise.county_code, Enterprise.contact_email, Enterprise.contact_name)


def schedule(config: Mapping) -> Schedule:
    return _schedule(config["REMINDERS_PLAN_DAYS_BEFORE"],
                     config["REMINDERS_PLAN_OVERDUE_EVERY_DAYS"])


@lru_cache(maxsize=8)
def _schedule(days_before: str, overdue_every: int) -> Schedule:
    return Schedule.parse(days_before, overdue_every, "REMINDERS_PLAN_DAYS_BEFORE")


def county_officers(county_codes) -> dict[str, tuple[Recipient, ...]]:
    """Active officers per county, as recipients (one query)."""
    stmt = (sa.select(User.id, User.email, User.locale, User.display_name, User.username,
                      user_counties.c.county_code, ReminderPreference.digest)
            .join(user_counties, user_counties.c.user_id == User.id)
            .outerjoin(ReminderPreference, ReminderPreference.user_id == User.id)
            .where(User.role == "officer", User.active.is_(True))
            .order_by(User.id))
    if county_codes is not None:
        stmt = stmt.where(user_counties.c.county_code.in_(sorted(county_codes)))
    found: dict[str, list[Recipient]] = defaultdict(list)
    for uid, email, locale, display, username, county, digest in db.session.execute(stmt):
        found[county].append(Recipient.of(email, f"user:{uid}", display or username,
                                          locale or "", user_id=uid, digest=digest))
    return {county: tuple(rs) for county, rs in found.items()}


def _subjects(rows) -> list[Subject]:
    return [Subject("plan", r.id, r.review_due_on, r.county_code,
                    f"{r.enterprise} {r.filing_number}"[:300], True, r) for r in rows]


def recipients(subjects: list[Subject], config: Mapping) -> None:
    """Fill in each plan's recipients: the enterprise contact (default language) and the
    officers of its county."""
    officers = county_officers({s.county_code for s in subjects})
    default_locale = config["BABEL_DEFAULT_LOCALE"]
    for s in subjects:
        r = s.data
        contact = Recipient.of(r.contact_email, f"enterprise:{r.enterprise_id}",
                               r.contact_name or r.enterprise, default_locale)
        s.recipients = (contact, *officers.get(s.county_code, ()))


def candidates(start: date | None, end: date, config: Mapping,
               county_codes=None) -> list[Subject]:
    """Current plans that may have a milestone in [start, end]: an index range scan on
    ``ix_plans_current_due`` (is_current, review_due_on)."""
    sched = schedule(config)
    stmt = (sa.select(*_COLUMNS).join(Enterprise, Enterprise.id == Plan.enterprise_id)
            .where(Plan.is_current == sa.true(),
                   Plan.review_due_on <= end + timedelta(days=sched.lead_days)))
    if start is not None and not sched.overdue_every:
        stmt = stmt.where(Plan.review_due_on >= start)
    if county_codes is not None:
        stmt = stmt.where(Enterprise.county_code.in_(sorted(county_codes)))
    return _subjects(db.session.execute(stmt))


def load(ids: Sequence[int], config: Mapping) -> dict[int, Subject]:
    """The plans among ``ids`` that are still current (others no longer need a review)."""
    if not ids:
        return {}
    stmt = (sa.select(*_COLUMNS).join(Enterprise, Enterprise.id == Plan.enterprise_id)
            .where(Plan.id.in_(sorted(set(ids))), Plan.is_current == sa.true()))
    return {s.id: s for s in _subjects(db.session.execute(stmt))}


def render(subject: Subject, due: Due, config: Mapping) -> Content:
    """The review reminder mail in the current locale (the caller forces the recipient's)."""
    url = f"{config['BASE_URL'].rstrip('/')}/plans/{subject.id}"
    days_left = (subject.due_on - due.milestone_on).days
    overdue_days = -days_left
    info = dict(enterprise=subject.data.enterprise, number=subject.data.filing_number,
                date=format_date(subject.due_on, "long"))
    if overdue_days > 0:
        line = _("[Plan review overdue] %(enterprise)s: plan %(number)s was due for review "
                 "on %(date)s", **info)
    elif days_left == 0:
        line = _("[Plan review due today] %(enterprise)s: plan %(number)s is due for review "
                 "today (%(date)s)", **info)
    else:
        line = _("[Plan review reminder] %(enterprise)s: plan %(number)s is due for review "
                 "on %(date)s", **info)
    context = dict(subject=subject, due=due, url=url, days_left=days_left,
                   overdue_days=overdue_days, due_date=format_date(subject.due_on, "long"),
                   signed_date=format_date(subject.data.signed_on, "long"),
                   filing_days=config["FILING_DEADLINE_WORKING_DAYS"],
                   signature=config["REMINDERS_SIGNATURE"], heading=line)
    event = CalendarEvent(
        uid=f"plan-review-{subject.id}-{subject.due_on.isoformat()}@registry",
        on=subject.due_on,
        summary=_("Plan review due: %(enterprise)s %(number)s", **info),
        description=_("Review the environmental emergency plan (回顾性评估); revise and re-file "
                      "it if needed. %(url)s", url=url), url=url)
    todo = _("Review the plan (回顾性评估); if it needs revision, revise it, have it signed and "
             "file the revised plan with the county bureau within %(days)s working days.",
             days=config["FILING_DEADLINE_WORKING_DAYS"])
    return Content(subject=line, url=url, event=event, enterprise=subject.data.enterprise,
                   number=subject.data.filing_number, enterprise_id=subject.data.enterprise_id,
                   todo=todo,
                   text=render_template("reminders/mail/plan_review.txt", **context),
                   html=render_template("reminders/mail/plan_review.html", **context))


SOURCE = ReminderSource(
    rule=PLAN_REVIEW, subject_type="plan", label=_l("Plan review"),
    due=lambda subject, today, config: plan_review_due(subject, today, schedule(config)),
    milestones=lambda subject, start, end, config: milestones_between(
        PLAN_REVIEW, subject, start, end, schedule(config)),
    candidates=candidates, recipients=recipients, load=load, render=render,
    digest_group="plan", schedule=schedule,
)

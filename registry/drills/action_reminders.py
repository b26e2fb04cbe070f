"""Corrective-action reminders (整改, domain.md §5): to the owner and the officers of the
drill's — or the incident's (issue #21) — county 7 days before the due date, then weekly
while overdue (configurable)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import format_date, gettext as _, lazy_gettext as _l

from registry.clock import local_time
from registry.extensions import db
from registry.models import CorrectiveAction, Drill, Incident, ReminderPreference, User
from registry.reminders import generic
from registry.reminders.plan_source import county_officers
from registry.reminders.rules import Due, Recipient, Schedule, Subject, milestone_due, milestones_between
from registry.reminders.sources import Content, ReminderSource

RULE = "action_due"
OPEN = ("open", "in_progress")
# The action's county: its drill's (None for a city-level or joint drill) or its incident's.
_COUNTY = sa.func.coalesce(Drill.county_code, Incident.county_code)
_COLUMNS = (CorrectiveAction.id, CorrectiveAction.due_on, CorrectiveAction.description,
            CorrectiveAction.owner_name, CorrectiveAction.owner_unit, CorrectiveAction.owner_user_id,
            CorrectiveAction.status, CorrectiveAction.drill_id, Drill.title.label("drill"),
            _COUNTY.label("county_code"), Drill.held_on, CorrectiveAction.incident_id,
            Incident.reported_at, Incident.place, Incident.substance)


def schedule(config: Mapping) -> Schedule:
    return _schedule(config["REMINDERS_ACTION_DAYS_BEFORE"],
                     config["REMINDERS_ACTION_OVERDUE_EVERY_DAYS"])


@lru_cache(maxsize=8)
def _schedule(days_before: str, overdue_every: int) -> Schedule:
    return Schedule.parse(days_before, overdue_every, "REMINDERS_ACTION_DAYS_BEFORE")


def _select():
    return (sa.select(*_COLUMNS).outerjoin(Drill, Drill.id == CorrectiveAction.drill_id)
            .outerjoin(Incident, Incident.id == CorrectiveAction.incident_id)
            .where(CorrectiveAction.status.in_(OPEN), CorrectiveAction.due_on.is_not(None)))


def _origin(r) -> str:
    """What exposed the problem, as the mail names it: the drill's title, or the incident's
    (接报时间, place, pollutant)."""
    if r.incident_id is None:
        return r.drill
    at = local_time(r.reported_at)
    return " ".join(x for x in (_("Incident"), f"{at:%Y-%m-%d %H:%M}", r.place, r.substance) if x)


def _subjects(rows) -> list[Subject]:
    return [Subject("action", r.id, r.due_on, r.county_code,
                    f"{_origin(r)} · {r.description}"[:300], True, r) for r in rows]


def candidates(start: date | None, end: date, config: Mapping, county_codes=None) -> list[Subject]:
    """Open actions that may have a milestone in [start, end] (index on ``due_on``)."""
    sched = schedule(config)
    stmt = _select().where(CorrectiveAction.due_on <= end + timedelta(days=sched.lead_days))
    if start is not None and not sched.overdue_every:
        stmt = stmt.where(CorrectiveAction.due_on >= start)
    if county_codes is not None:
        stmt = stmt.where(_COUNTY.in_(sorted(county_codes)))
    return _subjects(db.session.execute(stmt))


def load(ids: Sequence[int], config: Mapping) -> dict[int, Subject]:
    """Actions among ``ids`` still open (done or verified ones need no reminder)."""
    if not ids:
        return {}
    stmt = _select().where(CorrectiveAction.id.in_(sorted(set(ids))))
    return {s.id: s for s in _subjects(db.session.execute(stmt))}


def recipients(subjects: list[Subject], config: Mapping) -> None:
    """The owner's account (when the action names one) and the officers of the drill's
    county; city-level and joint drills go to the administrators."""
    officers = county_officers({s.county_code for s in subjects if s.county_code})
    owner_ids = {s.data.owner_user_id for s in subjects if s.data.owner_user_id}
    owners = {}
    if owner_ids:
        stmt = (sa.select(User.id, User.email, User.locale, User.display_name, User.username,
                          ReminderPreference.digest)
                .outerjoin(ReminderPreference, ReminderPreference.user_id == User.id)
                .where(User.id.in_(sorted(owner_ids)), User.active.is_(True)))
        owners = {uid: Recipient.of(email, f"user:{uid}", display or username, locale or "",
                                    user_id=uid, digest=digest)
                  for uid, email, locale, display, username, digest in db.session.execute(stmt)}
    city = generic.admins() if any(s.county_code is None for s in subjects) else ()
    for s in subjects:
        found = [owners[s.data.owner_user_id]] if s.data.owner_user_id in owners else []
        found += officers.get(s.county_code, ()) if s.county_code else city
        unique = {r.key: r for r in found}
        s.recipients = tuple(unique.values())


def render(subject: Subject, due: Due, config: Mapping) -> Content:
    r = subject.data
    base = config['BASE_URL'].rstrip('/')
    url = (f"{base}/drills/{r.drill_id}#action-{r.id}" if r.incident_id is None
           else f"{base}/incidents/{r.incident_id}#actions")
    days_left = (subject.due_on - due.milestone_on).days
    info = dict(drill=_origin(r), date=format_date(subject.due_on, "long"))
    if days_left < 0:
        heading = _("[Corrective action overdue] %(drill)s: due on %(date)s", **info)
        intro = _("The corrective action below was due on %(date)s and is %(days)s days overdue.",
                  date=info["date"], days=-days_left)
    else:
        heading = _("[Corrective action reminder] %(drill)s: due on %(date)s", **info)
        intro = _("The corrective action below is due on %(date)s, in %(days)s days.",
                  date=info["date"], days=days_left)
    owner = " · ".join(x for x in (r.owner_name, r.owner_unit) if x) or "—"
    found = ([(_("Drill"), r.drill), (_("Held on"), format_date(r.held_on, "long"))]
             if r.incident_id is None else [(_("Incident"), info["drill"])])
    facts = [*found, (_("Problem and measure"), r.description), (_("Owner"), owner),
             (_("Due on"), info["date"])]
    todo = [_("Complete the measure and record the evidence (text or file) on the action."),
            _("Mark it done; an officer other than the owner verifies it.")]
    return generic.content(heading=heading, intro=intro, facts=facts, todo=todo, url=url,
                           link_label=_("Open the drill record") if r.incident_id is None
                           else _("Open the incident page"), due_on=subject.due_on,
                           event_uid=f"action-{r.id}-{subject.due_on.isoformat()}@registry",
                           event_summary=_("Corrective action due: %(drill)s", **info),
                           overdue=days_left < 0, config=config)


SOURCE = ReminderSource(
    rule=RULE, subject_type="action", label=_l("Corrective action due"),
    due=lambda subject, today, config: milestone_due(RULE, subject, today, schedule(config)),
    milestones=lambda subject, start, end, config: milestones_between(
        RULE, subject, start, end, schedule(config)),
    candidates=candidates, recipients=recipients, load=load, render=render,
    digest_group="actions", schedule=schedule,
)

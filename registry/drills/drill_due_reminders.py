"""Drill reminders (domain.md §5): to the officers of the enterprise's county 30 days before
its next drill is due by the configured frequency, and every 30 days while overdue.

The drill clock restarts with every drill, so a milestone is qualified by the due date of
its cycle (``2027-05-20/before-30``): the next cycle's reminders are new reminders."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import format_date, gettext as _, lazy_gettext as _l

from registry.drills.rules import next_drill_due
from registry.drills.schedule import first_filings, last_drills
from registry.extensions import db
from registry.models import Enterprise, Plan
from registry.reminders import generic
from registry.reminders.plan_source import county_officers
from registry.reminders.rules import Due, Schedule, Subject, milestone_due, milestones_between
from registry.reminders.sources import Content, ReminderSource

RULE = "drill_due"


def schedule(config: Mapping) -> Schedule:
    return _schedule(config["REMINDERS_DRILL_DAYS_BEFORE"], config["REMINDERS_DRILL_OVERDUE_EVERY_DAYS"])


@lru_cache(maxsize=8)
def _schedule(days_before: str, overdue_every: int) -> Schedule:
    return Schedule.parse(days_before, overdue_every, "REMINDERS_DRILL_DAYS_BEFORE")


def _subjects(today: date, config: Mapping, county_codes=None, ids=None) -> list[Subject]:
    """Enterprises with a current plan and their next drill due date (one grouped query;
    the due date depends on the last drill, so it is computed per row)."""
    last, first = last_drills(today), first_filings()
    stmt = (sa.select(Enterprise.id, Enterprise.name, Enterprise.county_code, Plan.risk_level,
                      Plan.filing_number, last.c.last_on, first.c.first_on)
            .join(Plan, sa.and_(Plan.enterprise_id == Enterprise.id, Plan.is_current))
            .join(first, first.c.enterprise_id == Enterprise.id)
            .outerjoin(last, last.c.enterprise_id == Enterprise.id))
    if county_codes is not None:
        stmt = stmt.where(Enterprise.county_code.in_(sorted(county_codes)))
    if ids is not None:
        stmt = stmt.where(Enterprise.id.in_(sorted(set(ids))))
    found = []
    for r in db.session.execute(stmt):
        months = int(config[f"DRILL_INTERVAL_MONTHS_{r.risk_level.upper()}"])
        due = next_drill_due(r.last_on, r.first_on, months)
        found.append(Subject("enterprise", r.id, due, r.county_code, r.name[:300], True, r))
    return found


def _qualified(dues: list[Due]) -> list[Due]:
    return [replace(d, milestone=f"{d.due_on.isoformat()}/{d.milestone}") for d in dues]


def candidates(start: date | None, end: date, config: Mapping, county_codes=None) -> list[Subject]:
    lead = timedelta(days=schedule(config).lead_days)
    return [s for s in _subjects(end, config, county_codes) if s.due_on <= end + lead]


def load(ids: Sequence[int], config: Mapping) -> dict[int, Subject]:
    from registry.clock import today

    return {s.id: s for s in _subjects(today(), config, ids=ids)} if ids else {}


def recipients(subjects: list[Subject], config: Mapping) -> None:
    officers = county_officers({s.county_code for s in subjects})
    for s in subjects:
        s.recipients = officers.get(s.county_code, ())


def render(subject: Subject, due: Due, config: Mapping) -> Content:
    r = subject.data
    url = f"{config['BASE_URL'].rstrip('/')}/enterprises/{r.id}"
    overdue = due.milestone_on > subject.due_on
    info = dict(enterprise=r.name, date=format_date(subject.due_on, "long"))
    if overdue:
        heading = _("[Drill overdue] %(enterprise)s: a drill was due by %(date)s", **info)
    else:
        heading = _("[Drill reminder] %(enterprise)s: the next drill is due by %(date)s", **info)
    intro = _("Units with a filed plan drill regularly (every %(months)s months for this risk "
              "level) and write an evaluation; problems found become corrective actions.",
              months=config[f"DRILL_INTERVAL_MONTHS_{r.risk_level.upper()}"])
    facts = [(_("Enterprise"), r.name), (_("Filing number"), r.filing_number),
             (_("Last drill"), format_date(r.last_on, "long") if r.last_on else _("none recorded")),
             (_("Next drill due"), info["date"])]
    todo = [_("Hold the drill, write its evaluation and record it with its findings.")]
    return generic.content(heading=heading, intro=intro, facts=facts, todo=todo, url=url,
                           link_label=_("Open the enterprise record"), due_on=subject.due_on,
                           event_uid=f"drill-{r.id}-{subject.due_on.isoformat()}@registry",
                           event_summary=_("Drill due: %(enterprise)s", **info),
                           overdue=overdue, config=config, enterprise=r.name,
                           number=r.filing_number, enterprise_id=r.id)


SOURCE = ReminderSource(
    rule=RULE, subject_type="enterprise", label=_l("Drill due"),
    due=lambda subject, today, config: _qualified(
        milestone_due(RULE, subject, today, schedule(config))),
    milestones=lambda subject, start, end, config: _qualified(milestones_between(
        RULE, subject, start, end, schedule(config))),
    candidates=candidates, recipients=recipients, load=load, render=render,
    digest_group="drills", schedule=schedule,
)

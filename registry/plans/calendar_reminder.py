"""The December note to the administrators (issue #22): next year's official working-day
calendar (the State Council's 调休 arrangement, shipped in ``chinesecalendar``) is still
unknown, so deadlines reaching into it are approximate. One note per year, from December 1
while the calendar stays unknown; a December in which it is known sends nothing."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date, gettext as _, lazy_gettext as _l

from registry.extensions import db
from registry.models import Plan
from registry.plans.deadlines import next_year_unknown
from registry.reminders import generic
from registry.reminders.rules import Due, Schedule, Subject, milestone_due, milestones_between
from registry.reminders.sources import Content, ReminderSource

RULE = "calendar_unknown"
_ONCE = Schedule((0,), 0)


def _subject(day: date) -> Subject | None:
    """The note about ``day.year + 1``, due on December 1 (None outside such a December)."""
    if not next_year_unknown(day):
        return None
    approximate = db.session.scalar(sa.select(sa.func.count()).select_from(Plan).where(
        Plan.deadline_approximate.is_(True), Plan.is_current.is_(True)))
    year = day.year + 1
    return Subject("calendar", year, date(day.year, 12, 1), None,
                   _("Working-day calendar %(year)s unknown", year=year), True,
                   {"year": year, "approximate": approximate})


def candidates(start: date | None, end: date, config: Mapping, county_codes=None):
    subject = _subject(end)
    return [subject] if subject else []


def load(ids: Sequence[int], config: Mapping) -> dict[int, Subject]:
    """The notes still due: a year whose calendar has arrived meanwhile is cancelled."""
    subjects = (_subject(date(year - 1, 12, 1)) for year in sorted(set(ids)))
    return {s.id: s for s in subjects if s is not None}


def recipients(subjects: list[Subject], config: Mapping) -> None:
    admins = generic.admins()
    for s in subjects:
        s.recipients = admins


def render(subject: Subject, due: Due, config: Mapping) -> Content:
    year = subject.data["year"]
    heading = _("[Working-day calendar] The official calendar for %(year)s is not yet known",
                year=year)
    intro = _("Filing deadlines that reach into %(year)s are approximate: the statutory "
              "holidays are skipped, but the shifted working days (调休) are not yet published. "
              "When the State Council's arrangement is out, update the chinesecalendar "
              "package and run “flask --app registry recompute-deadlines”.", year=year)
    facts = [(_("Approximate deadlines (current plans)"), str(subject.data["approximate"])),
             (_("Noted on"), format_date(subject.due_on, "long"))]
    url = f"{config['BASE_URL'].rstrip('/')}/plans"
    return generic.content(heading=heading, intro=intro, facts=facts, todo=[], url=url,
                           link_label=_("Open the plans"), due_on=subject.due_on,
                           event_uid=f"calendar-{year}@registry", event_summary=heading,
                           overdue=False, config=config)


SOURCE = ReminderSource(
    rule=RULE, subject_type="calendar", label=_l("Next year's working-day calendar unknown"),
    due=lambda subject, today, config: milestone_due(RULE, subject, today, _ONCE),
    milestones=lambda subject, start, end, config: milestones_between(
        RULE, subject, start, end, _ONCE),
    candidates=candidates, recipients=recipients, load=load, render=render,
)

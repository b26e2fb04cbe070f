"""The reminder rules as plain functions: no app, no database, no SMTP."""
from datetime import date, timedelta

import pytest

from registry.reminders.rules import (PLAN_REVIEW, Due, Schedule, Subject, milestones_between,
                                      plan_review_due)

DUE = date(2026, 9, 13)


def plan(due=DUE, current=True, id=7):
    return Subject(type="plan", id=id, due_on=due, county_code="411081", label="许昌化工 411081-2023-001-L",
                   active=current)


@pytest.mark.parametrize("today, milestone, on", [
    (DUE - timedelta(days=91), None, None),
    (DUE - timedelta(days=90), "before-90", DUE - timedelta(days=90)),
    (DUE - timedelta(days=31), "before-90", DUE - timedelta(days=90)),
    (DUE - timedelta(days=30), "before-30", DUE - timedelta(days=30)),
    (DUE - timedelta(days=7), "before-7", DUE - timedelta(days=7)),
    (DUE - timedelta(days=1), "before-7", DUE - timedelta(days=7)),
    (DUE, "on-day", DUE),
    (DUE + timedelta(days=6), "on-day", DUE),
    (DUE + timedelta(days=7), "overdue-1", DUE + timedelta(days=7)),
    (DUE + timedelta(days=20), "overdue-2", DUE + timedelta(days=14)),
    (DUE + timedelta(days=700), "overdue-100", DUE + timedelta(days=700)),
])
def test_plan_review_latest_milestone(today, milestone, on):
    due = plan_review_due(plan(), today)
    if milestone is None:
        assert due == []
    else:
        assert due == [Due(PLAN_REVIEW, "plan", 7, milestone, on, DUE)]


def test_catch_up_gives_only_the_latest_missed_milestone():
    # Down from 100 days before until 3 days before: 90 and 30 and 7 were all missed.
    assert [d.milestone for d in plan_review_due(plan(), DUE - timedelta(days=3))] == ["before-7"]
    # A plan registered late in its cycle (10 days before due): one reminder, the 30-day one.
    assert [d.milestone for d in plan_review_due(plan(), DUE - timedelta(days=10))] == ["before-30"]


def test_superseded_plan_has_no_reminder():
    assert plan_review_due(plan(current=False), DUE) == []


def test_schedule_is_configurable():
    schedule = Schedule.parse("60, 14", 0)
    assert schedule.days_before == (60, 14)
    assert plan_review_due(plan(), DUE + timedelta(days=30), schedule)[0].milestone == "before-14"
    assert plan_review_due(plan(), DUE - timedelta(days=59), schedule)[0].milestone == "before-60"
    monthly = Schedule((30,), 30)
    assert plan_review_due(plan(), DUE + timedelta(days=65), monthly)[0].milestone == "overdue-2"


def test_bad_schedule_names_the_setting():
    with pytest.raises(ValueError, match="REMINDERS_PLAN_DAYS_BEFORE='90,x'"):
        Schedule.parse("90,x", 7, "REMINDERS_PLAN_DAYS_BEFORE")
    with pytest.raises(ValueError, match="negative"):
        Schedule((-1,), 7)


def test_preview_lists_every_milestone_in_the_window_in_order():
    found = milestones_between(PLAN_REVIEW, plan(), DUE - timedelta(days=40), DUE + timedelta(days=15),
                               Schedule())
    assert [(d.milestone, d.milestone_on) for d in found] == [
        ("before-30", DUE - timedelta(days=30)), ("before-7", DUE - timedelta(days=7)),
        ("on-day", DUE), ("overdue-1", DUE + timedelta(days=7)), ("overdue-2", DUE + timedelta(days=14))]
    # Far overdue: only the weekly ones inside the window.
    late = milestones_between(PLAN_REVIEW, plan(), DUE + timedelta(days=100), DUE + timedelta(days=113),
                              Schedule())
    assert [d.milestone for d in late] == ["overdue-15", "overdue-16"]


def test_every_milestone_is_reached_once_day_by_day():
    """Running daily from 100 days before to 30 days after yields each milestone once, on its day."""
    seen = {}
    for offset in range(-100, 31):
        today = DUE + timedelta(days=offset)
        for d in plan_review_due(plan(), today):
            seen.setdefault(d.milestone, today)
    assert seen == {"before-90": DUE - timedelta(days=90), "before-30": DUE - timedelta(days=30),
                    "before-7": DUE - timedelta(days=7), "on-day": DUE,
                    "overdue-1": DUE + timedelta(days=7), "overdue-2": DUE + timedelta(days=14),
                    "overdue-3": DUE + timedelta(days=21), "overdue-4": DUE + timedelta(days=28)}

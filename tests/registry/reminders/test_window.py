"""The preview's array arithmetic (registry/reminders/window.py, issue #18.3) against the
rule itself (``Schedule.milestones``), and the preview built with it against the preview
built milestone by milestone."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from registry.reminders import window
from registry.reminders.rules import Schedule
from tests.registry.reminders.conftest import file_plan

SCHEDULES = [Schedule(), Schedule((90, 30, 7, 0), 0), Schedule((), 7), Schedule((30,), 30),
             Schedule((0,), 0), Schedule((60, 1), 3), Schedule((), 0)]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=str)
def test_counts_and_touches_agree_with_the_schedule(schedule):
    rng = random.Random(20)
    start = date(2026, 12, 5)
    end = start + timedelta(days=89)
    # Due dates from well before the window (long overdue) to after its end.
    dues = [start + timedelta(days=rng.randint(-400, 200)) for _ in range(3000)]
    dues += [start, end, start - timedelta(days=1), end + timedelta(days=90)]
    numbers = window.day_numbers(dues)
    expected = Counter(on for due in dues for _m, on in schedule.milestones(due, start, end))
    counts = window.counts_by_day(numbers, schedule, start, end)
    assert {start + timedelta(days=i): int(c) for i, c in enumerate(counts) if c} == expected
    for lo, hi in ((start, start), (start + timedelta(days=10), start + timedelta(days=12)),
                   (start, end), (end, end)):
        hit = window.touches(numbers, schedule, lo, hi)
        assert [bool(h) for h in hit] == [any(True for _ in schedule.milestones(d, lo, hi))
                                          for d in dues]


def test_an_empty_window_and_no_subjects():
    start = date(2026, 1, 1)
    assert window.counts_by_day(window.day_numbers([]), Schedule(), start,
                                start + timedelta(days=9)).tolist() == [0] * 10
    assert window.counts_by_day(window.day_numbers([start]), Schedule(), start,
                                start - timedelta(days=1)).tolist() == []


def test_every_page_equals_the_preview_built_milestone_by_milestone(app, admin_api,
                                                                    monkeypatch):
    from registry.permissions import SYSTEM
    from registry.reminders import service

    monkeypatch.setitem(app.config, "REMINDERS_DRILL_DAYS_BEFORE", "30,7")
    monkeypatch.setitem(app.config, "REMINDERS_DRILL_OVERDUE_EVERY_DAYS", 7)
    # Signed 2021–2023: reviews overdue (weekly milestones), due within 90 days or later.
    for n in range(1, 31):
        file_plan(admin_api, n, f"{2021 + n % 3}-{(n % 12) + 1:02d}-{(n % 27) + 1:02d}")
    today = date(2026, 12, 4)
    with app.test_request_context():
        whole = service._preview(SYSTEM, today, 90, 1, 10_000, arrays=False)
        assert whole.total > 200  # several pages of 40
        pages = []
        for page in range(1, whole.total // 40 + 2):
            got = service._preview(SYSTEM, today, 90, page, 40, arrays=True)
            assert got is not None  # the counts agreed with the milestones built: no fallback
            assert (got.total, got.by_day) == (whole.total, whole.by_day)
            pages += [(i.on, i.rule, i.subject.id, i.milestone) for i in got.items]
        assert pages == [(i.on, i.rule, i.subject.id, i.milestone) for i in whole.items]
        assert [i.subject.id for i in service.preview(SYSTEM, today, 90, 2, 40).items] == \
            [i.subject.id for i in whole.items[40:80]]

"""Milestone dates of many subjects at once, as arrays (the preview, issue #18.3).

A rule whose milestones are its ``Schedule``'s (``ReminderSource.schedule``) has, for a
subject due on day *d*, a milestone on *d − b* for each of the schedule's days before *b*
and, while overdue, on *d + k·every* for k = 1, 2, …. Over a window of days that is
arithmetic on the due dates as day numbers: the preview counts every milestone of tens of
thousands of subjects per day without building one object per milestone, and builds the
milestones (``ReminderSource.milestones``, the rule itself) only for the subjects on the
page. ``tests/registry/reminders/test_window.py`` checks both against ``Schedule.milestones``.
"""
from __future__ import annotations

from datetime import date

import numpy as np

from registry.reminders.rules import Schedule


def day_numbers(dates) -> np.ndarray:
    """Proleptic ordinals (``date.toordinal``) of ``dates``, as int64."""
    dates = list(dates)
    return np.fromiter((d.toordinal() for d in dates), dtype=np.int64, count=len(dates))


def _overdue_range(due: np.ndarray, every: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last k ≥ 1 with lo ≤ due + k·every ≤ hi (first > last: none)."""
    first = np.maximum(1, -((due - lo) // every))  # ceil((lo - due) / every)
    last = (hi - due) // every
    return first, last


def counts_by_day(due: np.ndarray, schedule: Schedule, start: date, end: date) -> np.ndarray:
    """How many milestones fall on each day of [start, end] (index 0 = ``start``)."""
    lo, hi = start.toordinal(), end.toordinal()
    size = hi - lo + 1
    counts = np.zeros(size, dtype=np.int64)
    if size <= 0 or due.size == 0:
        return counts
    for before in schedule.days_before:
        on = due - before
        on = on[(on >= lo) & (on <= hi)]
        counts += np.bincount(on - lo, minlength=size)
    if schedule.overdue_every:
        every = schedule.overdue_every
        first, last = _overdue_range(due, every, lo, hi)
        has = first <= last
        base, first, last = due[has], first[has], last[has]
        k = first.copy()
        while k.size:
            counts += np.bincount(base + k * every - lo, minlength=size)
            keep = k < last
            base, k, last = base[keep], k[keep] + 1, last[keep]
    return counts


def touches(due: np.ndarray, schedule: Schedule, start: date, end: date) -> np.ndarray:
    """Which subjects have at least one milestone within [start, end] (bool per subject)."""
    lo, hi = start.toordinal(), end.toordinal()
    hit = np.zeros(due.shape, dtype=bool)
    for before in schedule.days_before:
        on = due - before
        hit |= (on >= lo) & (on <= hi)
    if schedule.overdue_every:
        first, last = _overdue_range(due, schedule.overdue_every, lo, hi)
        hit |= first <= last
    return hit

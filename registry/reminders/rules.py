"""Reminder rules as plain functions: (subject, today) -> the reminders due. No Flask, no
database, no SMTP — unit-tested on their own.

A *milestone* is a named date on a subject's clock: ``before-90`` (90 days before the due
date), ``on-day``, ``overdue-1``, ``overdue-2`` … (every N days after it). A rule returns
only the **latest** milestone reached as of ``today``: after downtime, or for a subject
registered late in its cycle, one reminder goes out, not a burst of every missed one.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Recipient:
    """Who gets a reminder. ``key`` is the identity part: the lower-cased address, or
    ``user:<id>`` / ``enterprise:<id>`` when there is no address (then it is skipped).
    ``digest``: the user's choice (None: no choice made, ``REMINDERS_DELIVERY_DEFAULT``)."""

    key: str
    email: str | None
    name: str
    locale: str
    user_id: int | None = None
    digest: bool | None = None

    @classmethod
    def of(cls, email: str | None, fallback_key: str, name: str, locale: str,
           user_id: int | None = None, digest: bool | None = None) -> Recipient:
        address = (email or "").strip()
        return cls(key=address.lower() if address else fallback_key, email=address or None,
                   name=name, locale=locale, user_id=user_id, digest=digest)


@dataclass(slots=True)
class Subject:
    """What a reminder is about, as loaded by an area's candidate query: enough for the
    rule (``due_on``, ``active``), scoping (``county_code``) and the mail (``data``: the
    area's row). ``recipients`` are filled in only for subjects that have something new
    due (the area's ``recipients`` function), which keeps the daily sweep cheap."""

    type: str
    id: int
    due_on: date
    county_code: str | None
    label: str
    active: bool = True
    data: Any = None
    recipients: tuple[Recipient, ...] = ()


@dataclass(frozen=True)
class Due:
    """One milestone of one subject that is due (recipients are added by the sweep)."""

    rule: str
    subject_type: str
    subject_id: int
    milestone: str
    milestone_on: date
    due_on: date


@dataclass(frozen=True)
class Schedule:
    """Milestones around a due date: ``days_before`` (0 = on the day) and, while overdue,
    one every ``overdue_every`` days (0: no overdue reminders)."""

    days_before: tuple[int, ...] = (90, 30, 7, 0)
    overdue_every: int = 7

    def __post_init__(self):
        if any(d < 0 for d in self.days_before) or self.overdue_every < 0:
            raise ValueError(f"reminder schedule: days must not be negative: {self}")
        object.__setattr__(self, "days_before", tuple(sorted(set(self.days_before), reverse=True)))

    @classmethod
    def parse(cls, days_before: str, overdue_every: int, setting: str = "days_before") -> Schedule:
        """From a setting such as ``"90,30,7,0"``; ValueError names the setting and value
        (the overdue interval's setting is named like the days': ``…_OVERDUE_EVERY_DAYS``)."""
        overdue_setting = setting.replace("_DAYS_BEFORE", "_OVERDUE_EVERY_DAYS")
        try:
            every = int(overdue_every)
            if every < 0 or isinstance(overdue_every, (bool, float)):
                raise ValueError
        except (TypeError, ValueError):
            raise ValueError(f"{overdue_setting}={overdue_every!r}: expected whole days >= 0 "
                             f"(0: no reminders after the date)") from None
        if str(days_before).strip().lower() in ("", "none", "off"):
            return cls((), every)  # the rule is switched off ahead of the date
        try:
            days = tuple(int(part) for part in str(days_before).split(",") if part.strip())
            if any(d < 0 for d in days):
                raise ValueError
        except ValueError:
            raise ValueError(f"{setting}={days_before!r}: expected whole days >= 0 separated "
                             f"by commas, e.g. 90,30,7,0") from None
        return cls(days, every)

    @property
    def lead_days(self) -> int:
        """How long before the due date the first milestone falls."""
        return self.days_before[0] if self.days_before else 0

    def milestones(self, due_on: date, start: date, end: date) -> Iterator[tuple[str, date]]:
        """Every milestone dated within [start, end], in date order."""
        for days in self.days_before:
            on = due_on - timedelta(days=days)
            if start <= on <= end:
                yield (f"before-{days}" if days else "on-day"), on
        if self.overdue_every:
            first = max(1, -(-((start - due_on).days) // self.overdue_every))
            k = first
            while (on := due_on + timedelta(days=k * self.overdue_every)) <= end:
                yield f"overdue-{k}", on
                k += 1

    def latest(self, due_on: date, today: date) -> tuple[str, date] | None:
        """The latest milestone on or before ``today``, or None before the first one."""
        if self.overdue_every and today > due_on:
            k = (today - due_on).days // self.overdue_every
            if k >= 1:
                return f"overdue-{k}", due_on + timedelta(days=k * self.overdue_every)
        reached = [(f"before-{d}" if d else "on-day", due_on - timedelta(days=d))
                   for d in self.days_before if due_on - timedelta(days=d) <= today]
        return reached[-1] if reached else None


def milestone_due(rule: str, subject: Subject, today: date, schedule: Schedule) -> list[Due]:
    """The latest milestone of ``subject`` reached as of ``today`` (at most one)."""
    latest = schedule.latest(subject.due_on, today)
    if latest is None:
        return []
    milestone, on = latest
    return [Due(rule, subject.type, subject.id, milestone, on, subject.due_on)]


def milestones_between(rule: str, subject: Subject, start: date, end: date,
                       schedule: Schedule) -> list[Due]:
    """Every milestone of ``subject`` dated within [start, end] (the preview)."""
    return [Due(rule, subject.type, subject.id, m, on, subject.due_on)
            for m, on in schedule.milestones(subject.due_on, start, end)]


# --- plan review (回顾性评估, domain.md §2) -------------------------------------------

PLAN_REVIEW = "plan_review"


def plan_review_due(plan: Subject, today: date, schedule: Schedule = Schedule()) -> list[Due]:
    """Plan review reminder: 90/30/7 days before ``review_due_on``, on the day, then weekly
    while overdue (defaults; configurable). ``plan`` is a current plan version; a superseded
    version is no subject (its candidate query leaves it out)."""
    if not plan.active:
        return []
    return milestone_due(PLAN_REVIEW, plan, today, schedule)


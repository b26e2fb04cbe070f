"""Working days on the PRC calendar (domain.md §2): the filing deadline.

Holidays and their shifted working days (调休) come from the ``chinese_calendar``
package, which knows only the years it ships data for (2004–2026 in 1.11.0).
For any other year the statutory holidays are still known in advance (元旦, 春节 with
除夕 since 2025, 清明, 劳动节, 端午, 中秋, 国庆): the ``holidays`` package computes
China's, observed days included. Such a year's working days are Monday–Friday minus
those holidays, and the answer is marked approximate: only the 调休 swaps are unknown
until the State Council publishes them (then ``flask --app registry recompute-deadlines``).
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import holidays

FILING_WORKING_DAYS = 20  # 环发〔2015〕4号: file within 20 working days of signing

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> frozenset[date]:
    """China's statutory holidays of ``year`` (observed days included), from ``holidays``."""
    return frozenset(holidays.China(years=year, observed=True))


@lru_cache(maxsize=64)
def calendar_known(year: int) -> bool:
    """Whether ``chinese_calendar`` has the official calendar (with 调休) for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# Memoised: chinese_calendar scans its whole holiday table on every call (~60 µs), and a
# register import asks about the same few thousand days tens of thousands of times.
@lru_cache(maxsize=16384)
def is_working_day(day: date) -> tuple[bool, bool]:
    """Whether ``day`` is a working day, as ``(is_working, approximate)``.

    ``approximate`` is True when ``chinese_calendar`` has no data for the year and the
    fallback (Monday–Friday minus the statutory holidays of ``holidays``) was used.
    """
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5 and day not in statutory_holidays(day.year), True


def add_working_days(start: date, n: int) -> tuple[date, bool]:
    """The ``n``-th working day after ``start`` (``start`` itself never counts).

    Returns ``(day, approximate)``; ``approximate`` is True when any day examined
    fell in a year the calendar does not know. ``n == 0`` returns ``start``.
    Raises ValueError for a negative ``n``.
    """
    if n < 0:
        raise ValueError(f"working days must be >= 0, got {n}")
    day, approximate, counted = start, False, 0
    while counted < n:
        day += _ONE_DAY
        working, guessed = is_working_day(day)
        approximate = approximate or guessed
        counted += working
    return day, approximate


def filing_deadline(signed_on: date, working_days: int = FILING_WORKING_DAYS) -> tuple[date, bool]:
    """备案 deadline: the ``working_days``-th working day after ``signed_on`` (签署发布).

    Returns ``(deadline, approximate)``; see :func:`add_working_days`.
    Example: signed 2025-09-26 -> 2025-10-30 (National Day week; Sept 28 and
    Oct 11 are shifted working days).
    """
    return add_working_days(signed_on, working_days)

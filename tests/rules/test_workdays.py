from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.rules.workdays import add_working_days, filing_deadline, is_working_day

KNOWN_YEARS = range(2004, 2027)  # chinese_calendar 1.11.0


def days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


# Official State Council arrangements, written out by hand: (holiday span, shifted working days).
ARRANGEMENTS = {
    "national_day_2025": ((date(2025, 10, 1), date(2025, 10, 8)),
                          [date(2025, 9, 28), date(2025, 10, 11)]),
    "spring_festival_2024": ((date(2024, 2, 10), date(2024, 2, 17)),
                             [date(2024, 2, 4), date(2024, 2, 18)]),
    "spring_festival_2026": ((date(2026, 2, 15), date(2026, 2, 23)),
                             [date(2026, 2, 14), date(2026, 2, 28)]),
}


@pytest.mark.parametrize("name", ARRANGEMENTS)
def test_holiday_arrangements(name):
    (first, last), shifted = ARRANGEMENTS[name]
    for day in days(first, last):
        assert is_working_day(day) == (False, False), day
    for day in shifted:
        assert day.weekday() >= 5  # a weekend day made a working day (调休)
        assert is_working_day(day) == (True, False), day


@pytest.mark.parametrize("signed_on, deadline", [
    # domain.md: National Day week plus the Sept 28 / Oct 11 调休 Saturdays.
    (date(2025, 9, 26), date(2025, 10, 30)),
    # Spring Festival 2024: Feb 10–17 off, Sundays Feb 4 and 18 worked.
    (date(2024, 2, 8), date(2024, 3, 13)),
    # Spring Festival 2026: Feb 15–23 off, Saturdays Feb 14 and 28 worked.
    (date(2026, 2, 13), date(2026, 3, 19)),
    (date(2026, 3, 2), date(2026, 3, 30)),   # an ordinary month: 4 weeks
    (date(2025, 9, 27), date(2025, 10, 30)),  # signing on a Saturday
])
def test_filing_deadline_follows_the_prc_calendar(signed_on, deadline):
    assert filing_deadline(signed_on) == (deadline, False)
    assert filing_deadline(signed_on, 20) == (deadline, False)


def test_holidays_push_the_deadline_past_a_plain_weekday_count():
    # 20 Monday–Friday days after 2024-02-08 would end on 2024-03-07.
    assert filing_deadline(date(2024, 2, 8))[0] > date(2024, 3, 7)


@pytest.mark.parametrize("signed_on, n, expected", [
    (date(2027, 3, 1), 20, date(2027, 3, 29)),   # year unknown: Mon–Fri
    (date(2027, 1, 1), 1, date(2027, 1, 4)),     # Friday -> Monday
    (date(2026, 12, 20), 20, date(2027, 1, 15)), # runs into the unknown year
    (date(2003, 12, 1), 5, date(2003, 12, 8)),   # before the data starts
    # Starts in unknown 2003, ends on a known 2004 调休 Saturday (Spring Festival 2004):
    # still approximate, since the December days were guessed.
    (date(2003, 12, 20), 20, date(2004, 1, 17)),
])
def test_unknown_years_fall_back_to_weekdays_and_say_so(signed_on, n, expected):
    assert add_working_days(signed_on, n) == (expected, True)


def test_a_known_year_is_not_approximate_even_near_an_unknown_one():
    assert add_working_days(date(2026, 11, 2), 20) == (date(2026, 11, 30), False)
    assert add_working_days(date(2004, 1, 1), 1) == (date(2004, 1, 2), False)


@pytest.mark.parametrize("day, expected", [
    (date(2027, 1, 1), (True, True)),    # a Friday (New Year: unknown to 1.11.0)
    (date(2027, 1, 2), (False, True)),   # a Saturday
    (date(2003, 12, 31), (True, True)),
    (date(2026, 12, 31), (True, False)),
    (date(2025, 10, 1), (False, False)),
])
def test_is_working_day(day, expected):
    assert is_working_day(day) == expected


def test_zero_and_negative_counts():
    assert add_working_days(date(2025, 10, 1), 0) == (date(2025, 10, 1), False)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 10, 1), -1)


@given(st.dates(date(2003, 6, 1), date(2028, 6, 30)), st.integers(1, 45))
def test_deadline_is_the_nth_working_day_after_signing(signed_on, n):
    deadline, approximate = add_working_days(signed_on, n)
    assert deadline > signed_on
    assert is_working_day(deadline)[0]
    span = list(days(signed_on + timedelta(days=1), deadline))
    assert sum(is_working_day(d)[0] for d in span) == n
    assert approximate == any(d.year not in KNOWN_YEARS for d in span)


@given(st.dates(date(2004, 1, 1), date(2026, 12, 31)))
def test_weekends_work_only_when_shifted(day):
    working, approximate = is_working_day(day)
    assert not approximate
    if working and day.weekday() >= 5:
        # A 调休 Saturday/Sunday always sits within 10 days of a weekday holiday.
        nearby = days(day - timedelta(days=10), day + timedelta(days=10))
        assert any(d.weekday() < 5 and not is_working_day(d)[0] for d in nearby)


@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)).filter(lambda d: d.year not in KNOWN_YEARS))
def test_fallback_is_monday_to_friday(day):
    assert is_working_day(day) == (day.weekday() < 5, True)

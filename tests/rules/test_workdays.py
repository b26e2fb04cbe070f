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
    (date(2027, 3, 1), 20, date(2027, 3, 29)),   # year unknown, no holiday: Mon–Fri
    (date(2027, 1, 1), 1, date(2027, 1, 4)),     # Friday -> Monday
    (date(2026, 12, 20), 20, date(2027, 1, 18)), # runs into the unknown year, skips 元旦
    # The review's case: Mon–Fri alone gave 2027-01-01 (元旦).
    (date(2026, 12, 4), 20, date(2027, 1, 4)),
    # 春节 2027: 除夕 Fri Feb 5, 初一–初三 Feb 6–8, the weekend days observed Feb 9–10.
    # Feb 1–4 are days 1–4, Feb 11–12 days 5–6, Feb 15–26 days 7–16, Mar 1–4 days 17–20.
    (date(2027, 1, 29), 20, date(2027, 3, 4)),
    # 国庆 2027: Oct 1 (Fri), Oct 2–3 (weekend) observed Oct 4–5.
    (date(2027, 9, 30), 1, date(2027, 10, 6)),
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
    (date(2027, 1, 1), (False, True)),   # 元旦, a Friday (year unknown to 1.11.0)
    (date(2027, 1, 4), (True, True)),    # the Monday after
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


# The statutory holidays of 2027 that fall on a weekday, written out by hand from the
# Gregorian and lunar calendars (春节 Feb 6, 清明 Apr 5, 端午 Jun 9, 中秋 Sep 15) and the
# rule that a statutory day on a weekend is observed on the next free weekday.
HOLIDAY_WEEKDAYS_2027 = {
    date(2027, 1, 1),                                                      # 元旦
    date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10),  # 除夕, 春节
    date(2027, 4, 5),                                                      # 清明
    date(2027, 5, 3), date(2027, 5, 4),                                    # 劳动节 (May 1–2)
    date(2027, 6, 9),                                                      # 端午
    date(2027, 9, 15),                                                     # 中秋
    date(2027, 10, 1), date(2027, 10, 4), date(2027, 10, 5),               # 国庆 (Oct 1–3)
}


def test_2027_is_weekdays_minus_the_statutory_holidays():
    for day in days(date(2027, 1, 1), date(2027, 12, 31)):
        expected = day.weekday() < 5 and day not in HOLIDAY_WEEKDAYS_2027
        assert is_working_day(day) == (expected, True), day


@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)).filter(lambda d: d.year not in KNOWN_YEARS))
def test_fallback_is_monday_to_friday_minus_statutory_holidays(day):
    import holidays

    expected = day.weekday() < 5 and day not in holidays.China(years=day.year)
    assert is_working_day(day) == (expected, True)
    if day.weekday() >= 5:
        assert not is_working_day(day)[0]

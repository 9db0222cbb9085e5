from datetime import date, timedelta

import pytest

from socialdomain.lib.workdays import (
    add_weeks,
    add_working_days,
    easter_sunday,
    is_working_day,
    kings_day,
    next_working_day,
    public_holidays,
    working_days_between,
)

# Easter Sundays from published calendars.
EASTER = {
    2000: date(2000, 4, 23),
    2008: date(2008, 3, 23),
    2011: date(2011, 4, 24),
    2019: date(2019, 4, 21),
    2024: date(2024, 3, 31),
    2025: date(2025, 4, 20),
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
    2038: date(2038, 4, 25),
}


@pytest.mark.parametrize(("year", "expected"), sorted(EASTER.items()))
def test_easter_sunday_matches_the_published_dates(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


def test_holidays_of_2026() -> None:
    assert sorted(public_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 4, 27),  # King's Day, a Monday
        date(2026, 5, 5),
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, date(2025, 4, 26)),  # 27 April 2025 is a Sunday
        (2014, date(2014, 4, 26)),
        (2026, date(2026, 4, 27)),
        (2031, date(2031, 4, 26)),  # Sunday again
    ],
)
def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday(
    year: int, expected: date
) -> None:
    assert kings_day(year) == expected
    assert expected in public_holidays(year)


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 11, 23))  # Monday
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 11, 22))  # Sunday
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 5, 14))


def test_a_week_limit_ending_on_a_weekend_or_holiday_moves_to_the_next_working_day() -> (
    None
):
    # Six weeks from Saturday 3 October 2026 ends on Saturday 14 November.
    assert add_weeks(date(2026, 10, 3), 6) == date(2026, 11, 16)
    # Two weeks from 11 December 2026 ends on Friday 25 December: moves past
    # both Christmas days and the weekend to Monday 28 December.
    assert add_weeks(date(2026, 12, 11), 2) == date(2026, 12, 28)
    # Eight weeks from 19 March 2026 ends on Thursday 14 May, Ascension Day.
    assert add_weeks(date(2026, 3, 19), 8) == date(2026, 5, 15)
    # An ordinary weekday stays where it is.
    assert add_weeks(date(2026, 11, 2), 4) == date(2026, 11, 30)


def test_working_days_skip_weekends_and_holidays() -> None:
    # Three working days from Thursday 24 December 2026: Mon 28, Tue 29, Wed 30.
    assert add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 30)
    # From Friday 1 May 2026: Mon 4, (Tue 5 May is a holiday), Wed 6, Thu 7.
    assert add_working_days(date(2026, 5, 1), 3) == date(2026, 5, 7)
    assert add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 23), -1)


def test_working_days_between_agrees_with_adding_working_days() -> None:
    start = date(2026, 1, 1)
    for days in range(0, 300, 7):
        end = add_working_days(start, days)
        assert working_days_between(start, end) == days


def test_next_working_day_over_a_long_weekend() -> None:
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 28)
    assert next_working_day(date(2026, 12, 28)) == date(2026, 12, 28)


def test_two_holidays_on_one_date_share_it() -> None:
    holidays = public_holidays(2005)  # Ascension Day fell on 5 May

    assert holidays[date(2005, 5, 5)] == "Hemelvaartsdag en Bevrijdingsdag"
    assert len(holidays) == 7


def test_every_year_has_its_holidays_in_that_year() -> None:
    for year in range(1990, 2100):
        holidays = public_holidays(year)
        assert len(holidays) in (7, 8)
        assert all(day.year == year for day in holidays)
        easter = easter_sunday(year)
        assert easter.weekday() == 6
        assert date(year, 3, 22) <= easter <= date(year, 4, 25)
        assert easter + timedelta(days=39) in holidays

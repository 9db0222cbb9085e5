"""Dutch working days and statutory time limits.

Public holidays are those of the Algemene termijnenwet (Atw): New Year's Day, Easter
Monday, Ascension Day, Whit Monday, King's Day, 5 May and both Christmas days. A time
limit counted in weeks or days that ends on a Saturday, Sunday or such a holiday moves
to the next working day (Atw art. 1); one counted in working days skips them.
"""

from datetime import date, timedelta
from functools import lru_cache


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def kings_day(year: int) -> date:
    """27 April, or 26 April when the 27th is a Sunday."""
    day = date(year, 4, 27)
    return day - timedelta(days=1) if day.weekday() == 6 else day


@lru_cache(maxsize=256)
def public_holidays(year: int) -> dict[date, str]:
    """The holidays of `year`; two on one date (Ascension Day on 5 May, as in 2005)
    share an entry."""
    easter = easter_sunday(year)
    named = [
        (date(year, 1, 1), "Nieuwjaarsdag"),
        (easter + timedelta(days=1), "Tweede Paasdag"),
        (easter + timedelta(days=39), "Hemelvaartsdag"),
        (easter + timedelta(days=50), "Tweede Pinksterdag"),
        (kings_day(year), "Koningsdag"),
        (date(year, 5, 5), "Bevrijdingsdag"),
        (date(year, 12, 25), "Eerste Kerstdag"),
        (date(year, 12, 26), "Tweede Kerstdag"),
    ]
    holidays: dict[date, str] = {}
    for day, name in named:
        holidays[day] = f"{holidays[day]} en {name}" if day in holidays else name
    return holidays


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_weeks(start: date, weeks: int) -> date:
    """A time limit of `weeks` weeks from `start`, moved off weekends and holidays."""
    return next_working_day(start + timedelta(weeks=weeks))


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the start day itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count

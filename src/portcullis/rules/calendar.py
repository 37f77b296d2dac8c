"""Working days (CONV-09/10): weekends and England & Wales bank holidays are not working days."""

from __future__ import annotations

import datetime as _dt

ONE = _dt.timedelta(days=1)


class Calendar:
    def __init__(self, holidays_by_year: dict) -> None:
        self.years = {int(y) for y in holidays_by_year}
        self.holidays = {d if isinstance(d, _dt.date) else _dt.date.fromisoformat(str(d))
                         for ds in holidays_by_year.values() for d in ds}

    def covers(self, d: _dt.date) -> bool:
        return d.year in self.years

    def is_working_day(self, d: _dt.date) -> bool:
        return d.weekday() < 5 and d not in self.holidays

    def next_working_day(self, d: _dt.date) -> _dt.date:
        while not self.is_working_day(d):
            d += ONE
        return d

    def add_working_days(self, d: _dt.date, n: int) -> _dt.date:
        while n > 0:
            d += ONE
            if self.is_working_day(d):
                n -= 1
        return d

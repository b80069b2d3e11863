"""Shrinkage: the share of paid hours a person is not available for tickets.

Defaults (used for any field a ``shrinkage:`` block leaves out; sources in docs/formats.md):
25 days' annual leave, no public holidays unless a country or dates are named, sickness 3.5%
of working days, 4 training days a year, 10% of on-shift hours in meetings and admin. A team
or cost file without a ``shrinkage:`` block has no shrinkage at all (everyone works every shift
hour), as before.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_LEAVE_DAYS = 25.0
DEFAULT_SICKNESS_RATE = 0.035
DEFAULT_TRAINING_DAYS = 4.0
DEFAULT_MEETINGS_SHARE = 0.10


class LeavePattern(StrEnum):
    SEASONAL = "seasonal"  # blocks start three times as often in July-August, twice at Christmas
    EVEN = "even"  # blocks start on any working day alike


@cache
def _supported() -> dict[str, list[str]]:
    import holidays

    return {code: list(subdivs) for code, subdivs in holidays.list_supported_countries().items()}


def check_calendar(code: str) -> str:
    """``DE`` or ``DE-BY`` (country, optionally a subdivision) that the holidays package knows."""
    country, _, subdivision = code.partition("-")
    known = _supported()
    if country.upper() not in known:
        raise ValueError(
            f"unknown country code '{code}'; expected an ISO 3166-1 alpha-2 code the "
            "holidays package knows, such as DE, FR, GB, NL or US"
        )
    subdivisions = known[country.upper()]
    if subdivision and subdivision.upper() not in [s.upper() for s in subdivisions]:
        raise ValueError(
            f"unknown subdivision '{subdivision}' of {country.upper()}; expected one of "
            f"{', '.join(subdivisions[:12])}{', ...' if len(subdivisions) > 12 else ''}"
        )
    return code.upper()


def public_holidays(code: str, years: range) -> set[dt.date]:
    """The dates of a country's (or subdivision's) public holidays in ``years``."""
    return set(_calendar(code, years.start, years.stop))


@cache
def _calendar(code: str, first: int, stop: int) -> frozenset[dt.date]:
    import holidays

    country, _, subdivision = check_calendar(code).partition("-")
    years = list(range(first, stop))
    calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=years)
    return frozenset(calendar.keys())


class Shrinkage(BaseModel):
    """One person's shrinkage inputs; see the module docstring for the defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    annual_leave_days: float = Field(default=DEFAULT_LEAVE_DAYS, ge=0, le=365)
    public_holidays: str | list[dt.date] | None = None
    """A country (``DE``) or country and subdivision (``DE-BY``) whose calendar the holidays
    package gives, or an explicit list of dates; none by default."""
    sickness_rate: float = Field(default=DEFAULT_SICKNESS_RATE, ge=0, lt=1)
    """Share of working days off sick."""
    training_days: float = Field(default=DEFAULT_TRAINING_DAYS, ge=0, le=365)
    meetings_share: float = Field(default=DEFAULT_MEETINGS_SHARE, ge=0, lt=1)
    """Share of on-shift hours in meetings and admin."""
    leave_pattern: LeavePattern = LeavePattern.SEASONAL

    @field_validator("public_holidays")
    @classmethod
    def _calendar(cls, value: str | list[dt.date] | None) -> str | list[dt.date] | None:
        if isinstance(value, str):
            return check_calendar(value)
        return value

    def holiday_dates(self, years: range) -> set[dt.date]:
        if self.public_holidays is None:
            return set()
        if isinstance(self.public_holidays, str):
            return public_holidays(self.public_holidays, years)
        return {d for d in self.public_holidays if d.year in years}

    @property
    def draws_absences(self) -> bool:
        """Leave or sickness, drawn as whole days off in each replication."""
        return self.annual_leave_days > 0 or self.sickness_rate > 0


class ShrinkageByKind(BaseModel):
    """Shrinkage per agent kind: a team file's (people without their own) or a cost file's
    (the new hires)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    generalist: Shrinkage | None = None
    specialist: Shrinkage | None = None

    def of(self, kind: str) -> Shrinkage | None:
        return self.generalist if kind == "generalist" else self.specialist

"""The hours in which touch time can accrue: ``"mon-fri 08-18"`` by default, or ``"always"``.

Event logs say a ticket was "Active" from 17:40 to 09:10 the next day; nobody worked on it all
night. Counting working-status time only inside the desk's working hours turns that into the
20 minutes plus 10 minutes that were plausibly worked, which is what the simulator needs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from deskmix.domain.calendar import WeekCalendar
from deskmix.domain.workload import DAYS
from deskmix.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_WORK_HOURS = "mon-fri 08-18"
_SPEC = re.compile(r"^\s*([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2})(?::00)?-(\d{1,2})(?::00)?\s*$")
_EPOCH = "2000-01-03"  # a Monday


def parse_work_hours(text: str) -> WeekCalendar:
    """``"mon-fri 08-18"``, ``"mon-sat 07-19"``, ``"mon 09-17"`` or ``"always"``."""
    if text.strip().lower() == "always":
        return WeekCalendar.always()
    match = _SPEC.match(text.lower())
    expected = "'mon-fri 08-18' (days, then whole hours from-to) or 'always'"
    if not match:
        raise InputError("unreadable work hours", field="work hours", value=text, expected=expected)
    first, last, start, end = match.groups()
    last = last or first
    if first not in DAYS or last not in DAYS or not 0 <= int(start) < int(end) <= 24:
        raise InputError("unreadable work hours", field="work hours", value=text, expected=expected)
    days = range(DAYS.index(first), DAYS.index(last) + 1)
    return WeekCalendar(d * 24 + h for d in days for h in range(int(start), int(end)))


def local_week_hours(times: pd.Series, timezone: str) -> pd.Series:
    """Hours since a Monday 00:00, on the wall clock of ``timezone``."""
    # pandas is imported here, not at the top: the CLI reads this module's default at start.
    import pandas as pd

    local = pd.to_datetime(times, utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    return (local - pd.Timestamp(_EPOCH)) / pd.Timedelta(hours=1)

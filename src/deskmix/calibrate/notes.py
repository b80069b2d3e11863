"""What calibration says as it goes: ``missing`` (what the data could not give) and ``notes``
(the rules applied), collected by every step, and the wording of counts they share."""

from __future__ import annotations

SHARE_DECIMALS = 4
"""Shares and weekly rates in a workload are rounded to this many decimals."""


class Notes:
    """Collects ``missing`` (what the data could not give) and ``notes`` (rules applied)."""

    def __init__(self) -> None:
        self.missing: list[str] = []
        self.notes: list[str] = []


def percent(part: int, whole: int) -> str:
    """``part`` as a share of ``whole``, one decimal (0% of nothing)."""
    return f"{part / whole:.1%}" if whole else "0%"


def counted(part: int, whole: int) -> str:
    """ "12 of 300 tickets (4.0%)"."""
    return f"{part:,} of {whole:,} tickets ({percent(part, whole)})"

"""The KPI rows people compare scenarios by, shared by the CLI table and the HTML report."""

from __future__ import annotations

import math
from collections.abc import Callable

from deskmix.sim.kpis import Estimate
from deskmix.sim.runner import SimulationResult


def _percent(e: Estimate) -> str:
    if math.isnan(e.mean):
        return "-"
    half = "" if math.isnan(e.half_width) else f" ± {100 * e.half_width:.1f}"
    return f"{100 * e.mean:.1f}%{half}"


def _hours(e: Estimate) -> str:
    if math.isnan(e.mean):
        return "-"
    half = "" if math.isnan(e.half_width) else f" ± {e.half_width:.2f}"
    return f"{e.mean:.2f} h{half}"


def _money(e: Estimate) -> str:
    if math.isnan(e.mean):
        return "-"
    half = "" if math.isnan(e.half_width) else f" ± {e.half_width:,.0f}"
    return f"{e.mean:,.0f}{half}"


def _count(e: Estimate) -> str:
    return "-" if math.isnan(e.mean) else f"{e.mean:,.1f}"


Row = tuple[str, str, Callable[[Estimate], str]]


def kpi_rows(results: list[tuple[str, SimulationResult]]) -> list[Row]:
    """(label, KPI name, formatter) for the KPIs present in any of the results."""
    names = set().union(*(r.summary for _, r in results))
    rows: list[Row] = [
        ("tickets per week", "tickets_per_week", _count),
        ("SLA response met", "sla_response", _percent),
        ("SLA resolution met", "sla_resolution", _percent),
    ]
    for p in range(1, 6):
        if f"sla_resolution/P{p}" in names:
            rows.append((f"  P{p} resolution met", f"sla_resolution/P{p}", _percent))
    rows += [
        ("wait for first response, mean", "wait_mean", _hours),
        ("wait for first response, p90", "wait_p90", _hours),
        ("resolution time, mean", "resolution_mean", _hours),
        ("resolution time, p90", "resolution_p90", _hours),
        ("utilisation, generalists", "utilisation/generalist", _percent),
        ("utilisation, specialists", "utilisation/specialist", _percent),
        ("escalated", "escalated_share", _percent),
        ("handed to an MSP", "msp_share", _percent),
        ("unresolved at the end", "unresolved", _count),
        ("cost per week, people", "cost_people_per_week", _money),
        ("cost per week, MSP", "cost_msp_per_week", _money),
        ("cost per week, total", "cost_per_week", _money),
        # "If someone's out": the share of working days some domain had nobody able in.
        ("days a domain is uncovered", "uncovered_day", _percent),
    ]
    # Per domain only where some scenario leaves it uncovered: a row of zeros per domain
    # would bury the ones that matter.
    rows += [
        (f"  uncovered: {name.split('/', 1)[1]}", name, _percent)
        for name in sorted(n for n in names if n.startswith("uncovered_day/"))
        if any(name in r.summary and r.summary[name].mean > 0 for _, r in results)
    ]
    return [row for row in rows if row[1] in names]


MIN_TICKETS = 10
"""A share per priority from fewer tickets than this a replication (on average) gets no
interval: "P1: 3 tickets, interval not meaningful" rather than "36.7% ± 79.9"."""
WIDEST_POINTS = 25.0
"""Nor does a share whose 95% interval is wider than ± this many percentage points."""
THIN_MARK = "*"
RULE = (
    f"fewer than {MIN_TICKETS} tickets a replication, or a 95% interval wider than "
    f"±{WIDEST_POINTS:g} points"
)


def thin_tickets(result: SimulationResult, name: str) -> float | None:
    """The mean tickets a replication behind a per-priority share (``sla_resolution/P1``)
    whose interval is not meaningful by the rule above; ``None`` when it is (or for any other
    KPI)."""
    kpi, _, scope = name.partition("/")
    if kpi not in ("sla_response", "sla_resolution") or not scope.startswith("P"):
        return None
    estimate, count = result.summary.get(name), result.summary.get(f"tickets/{scope}")
    if estimate is None or count is None or math.isnan(estimate.mean):
        return None
    wide = not math.isnan(estimate.half_width) and 100 * estimate.half_width > WIDEST_POINTS
    return count.mean if count.mean < MIN_TICKETS or wide else None


def format_cell(result: SimulationResult, name: str, fmt: Callable[[Estimate], str]) -> str:
    estimate = result.summary.get(name)
    if estimate is None:
        return "-"
    if thin_tickets(result, name) is not None:  # the mean alone, marked; see thin_notes
        return f"{100 * estimate.mean:.1f}% {THIN_MARK}"
    return fmt(estimate)


def thin_notes(results: list[tuple[str, SimulationResult]], names: list[str]) -> list[str]:
    """One line per priority whose share is marked: "* P1: 3 tickets a replication (mean),
    interval not meaningful", with the rule."""
    notes = []
    for name in names:
        counts = [c for _, r in results if (c := thin_tickets(r, name)) is not None]
        if not counts:
            continue
        low, high = f"{min(counts):.1f}", f"{max(counts):.1f}"
        many = low if low == high else f"{low}-{high}"
        notes.append(
            f"{THIN_MARK} {name.partition('/')[2]}: {many} tickets a replication (mean), interval "
            f"not meaningful ({RULE})"
        )
    return list(dict.fromkeys(notes))


COMPACT = (
    ("SLA response", "sla_response", _percent),
    ("SLA resolution", "sla_resolution", _percent),
    ("wait mean", "wait_mean", _hours),
    ("util. gen.", "utilisation/generalist", _percent),
    ("util. spec.", "utilisation/specialist", _percent),
    ("escalated", "escalated_share", _percent),
    ("MSP", "msp_share", _percent),
    ("cost/week", "cost_per_week", _money),
)


def compact_rows(results: list[tuple[str, SimulationResult]]) -> list[Row]:
    """The headline KPIs only, for a table with one row per scenario."""
    names = set().union(*(r.summary for _, r in results))
    return [row for row in COMPACT if row[1] in names]

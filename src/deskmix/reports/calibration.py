"""The calibration report: what was fitted, from what, what is missing, and the evidence.

A workload drives every later decision (staffing, MSP contracts), so the report puts the
provenance (source, period, basis of the durations) and the gaps next to the numbers, and
explains how to read them for someone who has never fitted a distribution.
"""

from __future__ import annotations

from datetime import datetime

from deskmix.calibrate.result import CalibrationResult
from deskmix.calibrate.summary import SUMMARY_COLUMNS, format_cell
from deskmix.domain.workload import Workload
from deskmix.reports.charts.calibration import arrival_heatmap, handling_histograms
from deskmix.reports.document import Report

HOW_TO_READ = """\
Each row of the summary is one skill domain. Tickets and Share say how much of the demand it
is; /week is the mean arrival rate over the period. Gen/spec is the share of the domain's
tickets handled by generalists (first line) only versus touched by a specialist. Escal. is the
share of tickets first held by the first line that a specialist later held; FCR (first-contact
resolution) the share of resolved tickets fixed without reassignment, escalation or reopening.
Reopen rates are in the workload file, per domain.

Handling columns give the mean and 90th percentile of hands-on time in hours, and the
distribution family chosen for the simulator. Handling times are skewed: most tickets take
minutes, a few take a day, so the mean sits well above the typical ticket and the 90th
percentile matters for planning. KS is the Kolmogorov-Smirnov distance between the data and
the fitted curve: below about 0.05 the fit is close, above 0.15 treat it with care. "(pooled)"
means the cell had too few tickets of its own and borrows the durations of a larger group.

The heatmap shows expected arrivals per hour of the week (pick a domain in its menu); the
histograms show the observed handling times with the fitted density drawn over them. Check
"What is missing" before trusting a number: it lists what the source could not give and the
defaults used instead."""


def period_text(workload: Workload) -> str:
    if workload.period_start and workload.period_end:
        weeks = f" ({workload.weeks:.1f} weeks)" if workload.weeks else ""
        return f"{workload.period_start:%Y-%m-%d} to {workload.period_end:%Y-%m-%d}{weeks}"
    return "unknown (the source has no opening times)"


def calibration_report(
    result: CalibrationResult,
    *,
    title: str | None = None,
    source: str | None = None,
    subtitle: str | None = None,
    generated_at: datetime | None = None,
) -> Report:
    """A report of one calibration; callers may add sections before writing it."""
    workload = result.workload
    meta = {
        "Source": source or workload.source,
        "Period": period_text(workload),
        "Tickets": f"{workload.tickets:,} ({workload.tickets_per_week:,.1f} per week)",
    }
    if workload.handling:
        meta["Handling measured as"] = workload.handling[0].basis
    meta["Time zone of the week"] = workload.timezone
    if workload.fitted_at:
        meta["Fitted"] = f"{workload.fitted_at:%Y-%m-%d %H:%M} UTC"
    report = Report(
        title or f"Calibration: {workload.name}",
        subtitle=subtitle,
        meta=meta,
        generated_at=generated_at,
    )
    report.add_text("How to read this", HOW_TO_READ)
    report.add_table(
        "Calibration summary",
        result.summary_rows(),
        columns=SUMMARY_COLUMNS,
        format=format_cell,
        note=f"Distribution choice: {workload.selection_criterion}.",
    )
    report.add_list(
        "What is missing",
        workload.missing,
        intro="What the source could not give, and the defaults calibration used instead.",
        empty="Nothing: every part of the workload was measured from the data.",
    )
    report.add_figure(
        "Arrivals by hour of week",
        arrival_heatmap(workload),
        caption="Expected tickets per hour: weekly volume times the domain's hour-of-week shape.",
    )
    report.add_figure(
        "Handling times",
        handling_histograms(result),
        caption="Observed hours per domain and tier on a logarithmic axis (handling times span "
        "minutes to days) with the chosen distribution's density drawn over them.",
    )
    if workload.notes:
        report.add_list("Rules applied", workload.notes)
    return report

"""Saved runs side by side (``deskmix compare``): the text the terminal, the HTML report and
the dashboard show. The numbers come from ``deskmix.compare``; here they are only rounded."""

from __future__ import annotations

from pathlib import Path

from deskmix.compare import ComparisonOutput
from deskmix.reports.charts.comparison import cost_bars
from deskmix.reports.document import Report
from deskmix.sim.output import Interval

HOW_TO_READ = (
    "Each column is a saved run (a simulated scenario, or a plan's design); the first is the "
    "baseline. Values are means across replications with their 95% confidence interval. A "
    "'vs baseline' column gives the run minus the baseline with the 95% interval of that "
    "difference (for shares, in percentage points); an asterisk marks a difference whose "
    "interval excludes zero."
)


def _percent_kpi(kpi: str) -> bool:
    head = kpi.split("/", 1)[0]
    return head.startswith(("sla_", "utilisation", "uncovered")) or head.endswith("_share")


def number(kpi: str, value: float | None, signed: bool = False) -> str:
    """A KPI's value rounded for reading: percent, hours, money or a count."""
    if value is None:
        return "-"
    sign = "+" if signed else ""
    if _percent_kpi(kpi):
        return f"{100 * value:+.1f}" if signed else f"{100 * value:.1f}%"
    if kpi.startswith(("wait_", "resolution_")):
        return f"{value:{sign}.2f} h"
    if kpi.startswith("cost"):
        return f"{value:{sign},.0f}"
    return f"{value:{sign},.1f}"


def bound(kpi: str, value: float) -> str:
    """An interval's end of a difference: signed, in the difference's unit, no suffix."""
    if _percent_kpi(kpi):
        return f"{100 * value:+.1f}"
    if kpi.startswith(("wait_", "resolution_")):
        return f"{value:+.2f}"
    if kpi.startswith("cost"):
        return f"{value:+,.0f}"
    return f"{value:+,.1f}"


def _half(kpi: str, half: float | None) -> str:
    if half is None:
        return ""
    if _percent_kpi(kpi):
        return f" ± {100 * half:.1f}"
    return f" ± {number(kpi, half).removesuffix(' h')}"


def cell(kpi: str, value: Interval | None) -> str:
    if value is None or value.mean is None:
        return "-"
    return number(kpi, value.mean) + _half(kpi, value.half_width)


def display_rows(result: ComparisonOutput) -> tuple[list[str], list[dict[str, str]]]:
    """Column headers and one row of text per KPI: each run, then each difference."""
    base = result.baseline
    others = [r.label for r in result.runs if r.label != base]
    headers = ["KPI (mean ± 95% CI)", *(r.label for r in result.runs)]
    headers += [f"{label} vs baseline" for label in others]
    diffs = {(d.run, d.kpi): d for d in result.differences}
    rows = []
    for kpi in result.kpis:
        row = {headers[0]: kpi}
        for run in result.runs:
            row[run.label] = cell(kpi, run.kpis.get(kpi))
        for label in others:
            d = diffs.get((label, kpi))
            text = "-"
            if d is not None and d.difference is not None:
                text = number(kpi, d.difference, signed=True)
                if d.low is not None and d.high is not None:
                    text += f" [{bound(kpi, d.low)}, {bound(kpi, d.high)}]"
                if d.clear:
                    text += " *"
            row[f"{label} vs baseline"] = text
        rows.append(row)
    return headers, rows


def comparison_report(result: ComparisonOutput) -> Report:
    report = Report(
        "Saved runs compared",
        meta={
            "Baseline": result.baseline,
            "Runs": ", ".join(r.label for r in result.runs),
            "SLA sets": "; ".join(sorted({r.sla for r in result.runs})),
        },
    )
    report.add_text("How to read this", HOW_TO_READ)
    _, rows = display_rows(result)
    report.add_table("Key figures and differences", rows, note=result.method)
    if result.notes:
        report.add_list("Notes", result.notes)
    if any("cost_per_week" in r.kpis for r in result.runs):
        report.add_figure("Cost per week", cost_bars(result))
    report.add_table(
        "The runs",
        [
            {
                "run": r.label,
                "file": r.file,
                "kind": r.kind,
                "SLA set": r.sla,
                "policy": r.policy,
                "replications": r.reps,
                "seed": r.seed,
            }
            for r in result.runs
        ],
    )
    return report


def write_comparison_report(path: Path, result: ComparisonOutput) -> Path:
    return comparison_report(result).write(path)

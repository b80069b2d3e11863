"""The per-domain summary of a workload, shared by the CLI table and the HTML report.

Rows hold raw values (numbers, ``None`` where unknown, small dicts for the compound cells) so
each interface formats them its own way; ``format_cell`` is the plain-text rendering the CLI
uses, offered so the two read the same.
"""

from __future__ import annotations

from deskmix.domain.ticket import Tier
from deskmix.domain.workload import HandlingTime, Workload

SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("domain", "Domain"),
    ("tickets", "Tickets"),
    ("share", "Share"),
    ("per_week", "/week"),
    ("tier_split", "Gen/spec"),
    ("escalation_rate", "Escal."),
    ("fcr_rate", "FCR"),
    ("generalist_handling", "Gen. hours"),
    ("specialist_handling", "Spec. hours"),
)
"""(key, header) in display order; every row of ``summary_rows`` has exactly these keys.

The handling cells hold mean and p90 hours, the chosen family and its KS statistic."""

NOT_KNOWN = "-"


def _handling_cell(h: HandlingTime | None) -> dict[str, object] | None:
    if h is None:
        return None
    return {
        "mean_hours": h.mean_hours,
        "p90_hours": h.p90_hours,
        "family": h.chosen.family,
        "ks_statistic": h.chosen.ks_statistic,
        "observed": h.observed,
        "pooled_from": h.pooled_from,
    }


def summary_rows(workload: Workload) -> list[dict[str, object]]:
    """One row per domain (largest first), keys as in ``SUMMARY_COLUMNS``."""
    escalation = {e.domain: e for e in workload.escalation}
    handling = {(h.domain, h.tier): h for h in workload.handling}
    per_week: dict[str, float] = {}
    for stream in workload.arrivals:
        per_week[stream.domain] = per_week.get(stream.domain, 0.0) + stream.tickets_per_week
    domains = sorted(workload.domain_mix, key=lambda d: (-workload.domain_mix[d], d))
    rows: list[dict[str, object]] = []
    for domain in domains:
        stats = escalation.get(domain)
        tiers = workload.tier_mix.get(domain, {})
        rows.append(
            {
                "domain": domain,
                "tickets": stats.tickets
                if stats
                else round(workload.domain_mix[domain] * workload.tickets),
                "share": workload.domain_mix[domain],
                "per_week": round(per_week[domain], 2) if domain in per_week else None,
                "tier_split": {
                    Tier.GENERALIST.value: tiers.get(Tier.GENERALIST.value, 0.0),
                    Tier.SPECIALIST.value: tiers.get(Tier.SPECIALIST.value, 0.0),
                }
                if tiers
                else None,
                "escalation_rate": stats.escalation_rate if stats else None,
                "fcr_rate": stats.first_contact_resolution_rate if stats else None,
                "generalist_handling": _handling_cell(handling.get((domain, Tier.GENERALIST))),
                "specialist_handling": _handling_cell(handling.get((domain, Tier.SPECIALIST))),
            }
        )
    return rows


def _hours(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_cell(key: str, value: object) -> str:
    """Plain text for one summary cell (the CLI table; the report may style its own)."""
    if value is None:
        return NOT_KNOWN
    if key == "tickets" and isinstance(value, int):
        return f"{value:,}"
    if key in {"share", "escalation_rate", "fcr_rate"} and isinstance(value, float | int):
        return f"{value:.1%}"
    if key == "per_week" and isinstance(value, float | int):
        return f"{value:,.1f}"
    if key == "tier_split" and isinstance(value, dict):
        gen = float(value.get(Tier.GENERALIST.value, 0.0))
        spec = float(value.get(Tier.SPECIALIST.value, 0.0))
        return f"{gen * 100:.0f}/{spec * 100:.0f}"
    if key.endswith("_handling") and isinstance(value, dict):
        text = (
            f"{_hours(float(value['mean_hours']))}/{_hours(float(value['p90_hours']))}\n"
            f"{value['family']}\nKS {float(value['ks_statistic']):.2f}"
        )
        return text + (", pooled" if value.get("pooled_from") else "")
    return str(value)


def handling_bases(workload: Workload) -> dict[str, str]:
    """Each handling basis, with the domain x tier cells it measured (``"all"`` when one)."""
    cells: dict[str, list[str]] = {}
    for h in workload.handling:
        cells.setdefault(h.basis, []).append(f"{h.domain} x {h.tier.value}")
    if len(cells) == 1:
        return dict.fromkeys(cells, "all")
    return {basis: ", ".join(names) for basis, names in cells.items()}

"""A calibration's result as a stable, documented model: ``deskmix calibrate --json`` and its
``--csv``/``--xlsx`` tables. Full precision; the JSON Schema is ``docs/schemas/calibration.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from deskmix import __version__
from deskmix.calibrate.result import CalibrationResult
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.tables import Row, Tables


class DomainSummary(BaseModel):
    """One row of the terminal's summary, unrounded."""

    model_config = ConfigDict(extra="forbid")

    domain: str
    tickets: int
    share: float
    tickets_per_week: float | None
    generalist_share: float | None = Field(description="Share of the domain's generalist tier.")
    specialist_share: float | None
    escalation_rate: float | None
    fcr_rate: float | None = Field(description="First-contact resolution rate.")


class CalibrationOutput(BaseModel):
    """What ``deskmix calibrate --json`` prints: the summary and the whole fitted workload
    (the same as the YAML file written to ``workload_file``)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["calibration"] = "calibration"
    schema_version: Literal[1] = 1
    deskmix_version: str = __version__
    workload_file: str
    domains: list[DomainSummary]
    capacity: str | None = Field(description="The on-shift capacity the history shows.")
    workload: Workload

    def tables(self) -> Tables:
        """``domains`` (the summary), ``handling`` (per domain x tier) and ``arrivals``
        (per domain x tier x priority)."""
        w = self.workload
        handling: list[Row] = [
            {
                "domain": h.domain,
                "tier": h.tier.value,
                "basis": h.basis,
                "observed": h.observed,
                "mean_hours": h.mean_hours,
                "p50_hours": h.p50_hours,
                "p90_hours": h.p90_hours,
                "family": h.chosen.family,
                "ks_statistic": h.chosen.ks_statistic,
                "pooled_from": h.pooled_from,
            }
            for h in w.handling
        ]
        arrivals: list[Row] = [
            {
                "domain": a.domain,
                "tier": a.tier.value,
                "priority": a.priority.value,
                "tickets_per_week": a.tickets_per_week,
                "observed": a.observed,
            }
            for a in w.arrivals
        ]
        return {
            "domains": [d.model_dump() for d in self.domains],
            "handling": handling,
            "arrivals": arrivals,
        }


def domain_summaries(workload: Workload) -> list[DomainSummary]:
    escalation = {e.domain: e for e in workload.escalation}
    per_week: dict[str, float] = {}
    for stream in workload.arrivals:
        per_week[stream.domain] = per_week.get(stream.domain, 0.0) + stream.tickets_per_week
    out = []
    for domain in sorted(workload.domain_mix, key=lambda d: (-workload.domain_mix[d], d)):
        stats = escalation.get(domain)
        tiers = workload.tier_mix.get(domain)
        out.append(
            DomainSummary(
                domain=domain,
                tickets=stats.tickets
                if stats
                else round(workload.domain_mix[domain] * workload.tickets),
                share=workload.domain_mix[domain],
                tickets_per_week=per_week.get(domain),
                generalist_share=tiers.get(Tier.GENERALIST.value, 0.0) if tiers else None,
                specialist_share=tiers.get(Tier.SPECIALIST.value, 0.0) if tiers else None,
                escalation_rate=stats.escalation_rate if stats else None,
                fcr_rate=stats.first_contact_resolution_rate if stats else None,
            )
        )
    return out


def calibration_output(result: CalibrationResult, workload_file: Path) -> CalibrationOutput:
    """The model of ``calibrate_store``'s result."""
    capacity = None
    if result.effort is not None:
        from deskmix.calibrate.effort import capacity_text

        w = result.workload
        capacity = capacity_text(result.effort, w.period_start, w.period_end)
    return CalibrationOutput(
        workload_file=str(workload_file),
        domains=domain_summaries(result.workload),
        capacity=capacity,
        workload=result.workload,
    )

"""``deskmix compare``: saved simulation or plan results side by side, with differences.

Reads the JSON that ``deskmix simulate --json`` and ``deskmix plan --json`` write (also a plan
written before ``kind`` was added: it has ``recommended``). Each simulated scenario is a run; a
plan gives its recommended design and the designs it was asked to compare. The first run is the
baseline; every other run's KPIs are set beside it with the difference and its 95% interval.

The interval of a difference (Welch): each run's standard error is recovered from its saved
interval, ``se = half_width / t(0.975, n - 1)`` (the interval is ``mean ± t * s / sqrt(n)``
over ``n`` replications); the difference ``run - baseline`` has standard error
``sqrt(se_run² + se_base²)`` and ``df`` by Welch-Satterthwaite, and the interval is
``difference ± t(0.975, df) * se``. The runs are treated as independent. Runs made on the same
seed share random numbers and are positively correlated, so for them this interval is wider
than a paired one would be (conservative): a difference it calls clear is clear. A KPI without
an interval (fewer than 2 replications) gets no interval for its difference.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from deskmix import __version__
from deskmix.errors import ConfigError
from deskmix.plan.output import PlanOutput
from deskmix.sim.output import Interval, SimulationOutput
from deskmix.tables import Row, Tables

METHOD = (
    "difference = run - baseline; its 95% interval is difference ± t(0.975, df) * "
    "sqrt(se_run² + se_baseline²), each se = half_width / t(0.975, n - 1) of the run's saved "
    "interval, df by Welch-Satterthwaite; runs treated as independent (conservative for runs "
    "on the same seed)."
)

KPI_ORDER = (
    "tickets_per_week",
    "sla_response",
    "sla_resolution",
    *(f"sla_response/P{p}" for p in range(1, 6)),
    *(f"sla_resolution/P{p}" for p in range(1, 6)),
    "wait_mean",
    "wait_p90",
    "resolution_mean",
    "resolution_p90",
    "utilisation/generalist",
    "utilisation/specialist",
    "escalated_share",
    "msp_share",
    "unresolved",
    "cost_people_per_week",
    "cost_msp_per_week",
    "cost_per_week",
    "cost_per_ticket",
    "uncovered_day",
)
"""The KPIs compared, in the order the tables list them (a run may lack some)."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Run(_Out):
    label: str
    file: str
    kind: Literal["simulation", "plan"]
    sla: str
    policy: str
    reps: int | None
    seed: int | None
    kpis: dict[str, Interval]


class Difference(_Out):
    kpi: str
    run: str
    baseline: str
    difference: float | None
    low: float | None
    high: float | None
    half_width: float | None
    df: float | None = Field(description="Welch-Satterthwaite degrees of freedom.")
    clear: bool | None = Field(description="The interval excludes zero.")


class ComparisonOutput(_Out):
    """What ``deskmix compare --json`` prints."""

    kind: Literal["comparison"] = "comparison"
    schema_version: Literal[1] = 1
    deskmix_version: str = __version__
    method: str = METHOD
    baseline: str
    runs: list[Run]
    kpis: list[str] = Field(description="The KPIs compared, in table order.")
    differences: list[Difference]
    notes: list[str]

    def tables(self) -> Tables:
        """``side_by_side`` (a row per KPI, each run's mean, low and high), ``differences``
        (a row per KPI and run) and ``runs``."""
        side: list[Row] = []
        for kpi in self.kpis:
            row: Row = {"kpi": kpi}
            for run in self.runs:
                value = run.kpis.get(kpi)
                for part in ("mean", "low", "high"):
                    row[f"{run.label} {part}"] = getattr(value, part) if value else None
            side.append(row)
        runs: list[Row] = [
            {
                "run": r.label,
                "file": r.file,
                "kind": r.kind,
                "sla": r.sla,
                "policy": r.policy,
                "reps": r.reps,
                "seed": r.seed,
            }
            for r in self.runs
        ]
        return {
            "side_by_side": side,
            "differences": [d.model_dump() for d in self.differences],
            "runs": runs,
        }


def read_saved(path: Path, text: str | None = None) -> SimulationOutput | PlanOutput:
    """A saved ``--json`` result, validated against its schema; one line when it is not one."""
    name = path.name
    try:
        data: Any = json.loads(text if text is not None else path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{name}: not a readable JSON file ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected the JSON of 'deskmix simulate/plan --json'")
    kind = data.get("kind") or ("plan" if "recommended" in data else None)
    model: type[SimulationOutput] | type[PlanOutput]
    if kind == "simulation":
        model = SimulationOutput
    elif kind == "plan":
        model = PlanOutput
        data = {"kind": "plan", **data}
    else:
        raise ConfigError(
            f"{name}: expected the JSON of 'deskmix simulate --json' or 'deskmix plan --json' "
            f"(kind 'simulation' or 'plan'), found kind {kind!r}"
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{name}: '{where}': {first['msg']} (schema docs/schemas/)") from exc


def runs_of(file: str, saved: SimulationOutput | PlanOutput, single: bool) -> list[Run]:
    """The runs a saved result holds; labels are the file's stem, plus the scenario or design
    when it holds more than one."""
    stem = Path(file).stem
    if isinstance(saved, SimulationOutput):
        many = len(saved.scenarios) > 1 or not single
        return [
            Run(
                label=f"{stem}: {s.name}" if many else stem,
                file=file,
                kind="simulation",
                sla=saved.sla,
                policy=s.policy,
                reps=s.reps,
                seed=s.seed,
                kpis=s.kpis,
            )
            for s in saved.scenarios
        ]
    reps, seed = saved.run.get("reps"), saved.run.get("seed")
    designs = [("recommended", saved.recommended)] + [(d.design, d) for d in saved.compared]
    many = len(designs) > 1 or not single
    return [
        Run(
            label=f"{stem}: {name}" if many else stem,
            file=file,
            kind="plan",
            sla=saved.sla,
            policy=saved.policy,
            reps=reps if isinstance(reps, int) else None,
            seed=seed if isinstance(seed, int) else None,
            kpis=design.kpis(),
        )
        for name, design in designs
    ]


def _se(value: Interval) -> float | None:
    from scipy import stats

    if value.half_width is None or value.n < 2:
        return None
    return float(value.half_width / stats.t.ppf(0.975, value.n - 1))


def difference(kpi: str, run: Run, base: Run) -> Difference:
    """``run - base`` for one KPI with its Welch 95% interval (module docstring)."""
    from scipy import stats

    a, b = run.kpis.get(kpi), base.kpis.get(kpi)
    empty = Difference(
        kpi=kpi,
        run=run.label,
        baseline=base.label,
        difference=None,
        low=None,
        high=None,
        half_width=None,
        df=None,
        clear=None,
    )
    if a is None or b is None or a.mean is None or b.mean is None:
        return empty
    diff = a.mean - b.mean
    se_a, se_b = _se(a), _se(b)
    if se_a is None or se_b is None:
        return empty.model_copy(update={"difference": diff})
    se = math.sqrt(se_a**2 + se_b**2)
    if se == 0:
        half, df = 0.0, None
    else:
        df = se**4 / (se_a**4 / (a.n - 1) + se_b**4 / (b.n - 1))
        half = float(stats.t.ppf(0.975, df) * se)
    return Difference(
        kpi=kpi,
        run=run.label,
        baseline=base.label,
        difference=diff,
        low=diff - half,
        high=diff + half,
        half_width=half,
        df=df,
        clear=(diff - half > 0 or diff + half < 0) if half > 0 else diff != 0,
    )


def compare_runs(saved: list[tuple[str, SimulationOutput | PlanOutput]]) -> ComparisonOutput:
    """The use case: saved results (file name, model) -> runs side by side, the first run the
    baseline, and every other run's differences from it."""
    if not saved:
        raise ConfigError("deskmix compare: give at least one saved result (two to compare)")
    single = len(saved) > 1
    runs = [run for file, result in saved for run in runs_of(file, result, single)]
    if len(runs) < 2:
        raise ConfigError(
            "deskmix compare: one run only; give two or more saved results (or a simulation "
            "with what-ifs)"
        )
    labels = [r.label for r in runs]
    for i, label in enumerate(labels):  # two files of the same name in different folders
        if labels.count(label) > 1:
            runs[i] = runs[i].model_copy(update={"label": f"{label} ({runs[i].file})"})
    present = {k for r in runs for k in r.kpis}
    kpis = [k for k in KPI_ORDER if k in present]
    base = runs[0]
    notes: list[str] = []
    if len({r.sla for r in runs}) > 1:
        notes.append(
            "The runs judge SLA attainment by different SLA sets ("
            + "; ".join(f"{r.label}: {r.sla}" for r in runs)
            + "): their attainment figures are not comparable."
        )
    shared = [k for k in kpis if all(k in r.kpis for r in runs)]
    if len(shared) < len(kpis):
        notes.append(
            "Some KPIs are missing from some runs (a plan keeps cost and SLA attainment "
            "per priority only): '-' where a run has none."
        )
    seeds = {r.seed for r in runs}
    if len(seeds) == 1 and None not in seeds:
        notes.append(
            "All runs used the same seed (common random numbers): the difference intervals, "
            "computed as if independent, are conservative."
        )
    return ComparisonOutput(
        baseline=base.label,
        runs=runs,
        kpis=kpis,
        differences=[difference(k, r, base) for r in runs[1:] for k in kpis],
        notes=notes,
    )


def compare_files(paths: list[Path]) -> ComparisonOutput:
    return compare_runs([(str(p), read_saved(p)) for p in paths])

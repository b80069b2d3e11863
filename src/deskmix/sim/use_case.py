"""Simulation as one use case: a team, a policy and a workload, with what-ifs, -> KPIs.

``simulate_desk(SimulateRequest) -> SimulateResult`` is what ``deskmix simulate`` and the
dashboard's simulate page call (the API's simulate job builds the same ``Setup`` and runs the
same ``whatif.compare``). The what-ifs a command line or a form offers as single fields (a
load factor, someone out, another policy) become ``Scenario``s in ``quick_scenarios``, and the
run sizes every interface starts from are named here: ``FULL`` (the CLI), ``JOB`` (a job on
the server), ``QUICK`` (the dashboard, answering in a second or two), with their limits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskmix.domain.projects import Portfolio
    from deskmix.domain.sla import SlaPolicy
    from deskmix.domain.team import Team
    from deskmix.domain.workload import Workload
    from deskmix.projects.kpis import ProjectReport
    from deskmix.sim.output import SimulationOutput
    from deskmix.sim.runner import SimulationResult
    from deskmix.sim.whatif import Scenario, Setup

# The simulator (NumPy, SciPy) is imported when a simulation runs: the CLI reads the run sizes
# below for its options, and ``deskmix simulate --help`` should not pay for the simulator.


@dataclass(frozen=True)
class RunSize:
    """How long and how often a simulation runs, and the most an interface accepts."""

    reps: int
    weeks: float
    max_reps: int
    max_weeks: float
    warmup_weeks: float = 1.0
    min_reps: int = 2


FULL = RunSize(reps=30, weeks=13, max_reps=200, max_weeks=104)
"""``deskmix simulate``: narrow intervals; the terminal shows progress while it runs."""
JOB = RunSize(reps=10, weeks=13, max_reps=200, max_weeks=104)
"""A simulation job on the server (``POST /api/jobs/simulate``): a quarter, fewer runs."""
QUICK = RunSize(reps=5, weeks=4, max_reps=30, max_weeks=26)
"""The dashboard's simulate page: an answer in a second or two, in one process."""

DEFAULT_POLICY = "generalist_first"
MAX_WORKLOAD_CHARS = 20_000_000
"""The longest workload YAML a server accepts as text (a calibrated desk of many domains is a
few megabytes): the simulate and plan requests' limit, and the dashboard's per file."""


def quick_scenarios(
    load: float | None = None,
    absent: Sequence[str] = (),
    absent_count: int | None = None,
    policies: Sequence[str] = (),
    *,
    baseline_policy: str | None = None,
) -> list[Scenario]:
    """Single what-if fields as scenarios, each compared on its own against the baseline: all
    arrivals times ``load``, each named agent out, the first ``absent_count`` agents out, the
    same run under each of ``policies`` (but ``baseline_policy``, which the baseline runs)."""
    from deskmix.sim.whatif import Absence, Scenario

    scenarios: list[Scenario] = []
    if load is not None:
        scenarios.append(Scenario(name=f"load x{load:g}", load=load))
    for name in absent:
        scenarios.append(Scenario(name=f"{name} out", absent=[Absence(agent=name)]))
    if absent_count:
        scenarios.append(Scenario(name=f"{absent_count} out", absent=[Absence(count=absent_count)]))
    for policy in policies:
        if policy != baseline_policy:
            scenarios.append(Scenario(name=policy, policy=policy))
    return scenarios


@dataclass(frozen=True)
class SimulateRequest:
    """One simulation: the baseline's inputs, what-ifs beside it, and how often to run."""

    workload: Workload
    team: Team
    sla: SlaPolicy
    sla_name: str
    """How the SLA targets are named on tables and in saved results (compare tells sets apart
    by it): the file given, or ``plan.request.DEFAULT_SLA_NAME``."""
    policy: str = DEFAULT_POLICY
    scenarios: Sequence[Scenario] = ()
    reps: int = FULL.reps
    weeks: float = FULL.weeks
    warmup_weeks: float = FULL.warmup_weeks
    seed: int = 0
    workers: int | None = None
    """Processes; None: all cores; 1: in this process (a server thread)."""
    portfolio: Portfolio | None = None
    """Projects beside tickets: their reserved hours are taken out of the specialists'."""

    def setup(self) -> Setup:
        """The baseline every scenario changes."""
        from deskmix.sim.model import SimSettings
        from deskmix.sim.whatif import Setup

        reserved = self.portfolio.share_out_of_tickets if self.portfolio is not None else 0.0
        settings = SimSettings(
            weeks=self.weeks, warmup_weeks=self.warmup_weeks, reserved_share=reserved
        )
        return Setup(
            workload=self.workload,
            team=self.team,
            sla=self.sla,
            settings=settings,
            policy=self.policy,
            policy_settings={},
        )


@dataclass
class SimulateResult:
    """The baseline's and each scenario's results (the baseline first), on one seed."""

    request: SimulateRequest
    setup: Setup
    runs: list[tuple[str, SimulationResult]]

    @property
    def baseline(self) -> SimulationResult:
        return self.runs[0][1]

    def output(self) -> SimulationOutput:
        """The result as ``deskmix simulate --json`` prints it (docs/schemas/simulation.json)."""
        from deskmix.sim.output import simulation_output

        return simulation_output(self.setup, self.runs, self.request.sla_name)

    @cached_property
    def projects(self) -> ProjectReport | None:
        """The portfolio scheduled on each baseline replication's reserved hours (computed
        when first asked for: a page or ``--json`` that does not show it does not pay)."""
        if self.request.portfolio is None:
            return None
        from deskmix.projects.kpis import project_report

        return project_report(
            self.setup.workload,
            self.setup.team,
            self.setup.sla,
            self.setup.settings,
            self.request.portfolio,
            seed=self.request.seed,
            reps=self.request.reps,
            runs=self.baseline.runs,
        )


def simulate_desk(
    request: SimulateRequest, progress: Callable[[int], None] | None = None
) -> SimulateResult:
    """Run the baseline and every scenario, ``request.reps`` replications each, on one seed
    (common random numbers). ``progress`` is called with replications done."""
    from deskmix.sim.whatif import compare

    setup = request.setup()
    runs = compare(
        setup,
        list(request.scenarios),
        reps=request.reps,
        seed=request.seed,
        workers=request.workers,
        progress=progress,
    )
    return SimulateResult(request, setup, runs)

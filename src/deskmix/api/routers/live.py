"""Live routing over HTTP: load a team, route tickets with its policy, and report what agents do.

Handlers only translate: ``deskmix.live.Desk`` holds the state rules and the locking.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool
from starlette.concurrency import run_in_threadpool

from deskmix.api.auth import read_access, require
from deskmix.api.errors import responses
from deskmix.api.schemas import ChangeOut, LiveTicketOut, TargetAnswer, TicketWords
from deskmix.api.triage_service import TriageService
from deskmix.domain.priority import Priority
from deskmix.domain.ticket import Tier
from deskmix.errors import InputError
from deskmix.live import Desk
from deskmix.live.results import NewTicket, Snapshot
from deskmix.routing.policies import POLICIES
from deskmix.teamfiles import parse_team
from deskmix.triage.targets import DOMAIN, PRIORITY, TIER

router = APIRouter(tags=["live routing"])

TicketId = Annotated[str, Path(min_length=1, max_length=200, description="The ticket's id")]
AgentName = Annotated[str, Path(min_length=1, max_length=200, description="The agent's name")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicySettings(_Strict):
    """Settings of the built-in policies (docs/routing.md); give only those of yours."""

    time_limit_hours: float | None = Field(default=None, gt=0, le=1000)
    escalate_long_work: bool | None = Field(
        default=None, description="generalist_first: escalate first-line work past the limit"
    )
    direct_domains: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = None
    inner: str | None = Field(default=None, description="msp_overflow's inner policy")
    max_wait_hours: float | None = Field(default=None, ge=0, le=10000)
    max_queue: int | None = Field(default=None, ge=1, le=1_000_000)

    def as_kwargs(self) -> dict[str, Any]:
        out = self.model_dump(exclude_none=True)
        if "direct_domains" in out:
            out["direct_domains"] = tuple(out["direct_domains"])
        return out


class TeamLoad(_Strict):
    team: str = Field(
        min_length=1,
        max_length=2_000_000,
        description="The team as YAML or JSON text, in the team-file format (docs/formats.md)",
    )
    policy: str = Field(
        default="generalist_first", description=f"Routing policy: {', '.join(POLICIES)}"
    )
    policy_settings: PolicySettings = Field(default_factory=PolicySettings)
    reset: bool = Field(
        default=False, description="Discard live tickets still open (else 409 while any are)"
    )


class RouteRequest(TicketWords):
    """A ticket to route. Give domain, tier and priority, or its words for triage to fill them."""

    id: str | None = Field(
        default=None, min_length=1, max_length=200, description="Your ticket id (else one is made)"
    )
    domain: str | None = Field(default=None, min_length=1, max_length=60)
    tier: Tier | None = None
    priority: int | None = Field(default=None, ge=1, le=5, description="1 (P1) .. 5 (P5)")
    opened_at: AwareDatetime | None = Field(
        default=None, description="When the ticket was opened (default: now)"
    )
    direct: bool = Field(
        default=False,
        description="The ticket goes straight to specialists (stage 'direct'): generalist_first "
        "skips the first line, other policies route it as new",
    )


class EscalateRequest(_Strict):
    hours_worked: float | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="Hours the agent spent on it (default: since it was assigned)",
    )


class AssignRequest(_Strict):
    agent: str = Field(min_length=1, max_length=200, description="A free, on-shift agent")


class ShiftRequest(_Strict):
    on_shift: StrictBool = Field(
        description="true: the agent comes on shift (and takes waiting work if free); false: "
        'the agent takes no new work. A JSON boolean: 0/1 or "yes" are refused, as a typo '
        "here would take an agent off the desk."
    )


class AgentOut(BaseModel):
    name: str
    kind: str
    on_shift: bool
    ticket: str | None = Field(description="The ticket the agent works on, if any")
    busy_since: datetime | None


class QueueOut(BaseModel):
    name: str
    waiting: int
    oldest_wait_hours: float


class DeskOut(BaseModel):
    """The live desk now: its team and policy, every agent, every non-empty queue."""

    version: int = Field(description="Bumped on every team load")
    team: str
    policy: str
    agents: list[AgentOut]
    queues: list[QueueOut]
    tickets: dict[str, int] = Field(description="Live tickets per state")

    @classmethod
    def of(cls, s: Snapshot) -> DeskOut:
        return cls(
            version=s.version,
            team=s.team,
            policy=s.policy,
            agents=[AgentOut(**vars(a)) for a in s.agents],
            queues=[QueueOut(**vars(q)) for q in s.queues],
            tickets=s.tickets,
        )


class ShiftOut(BaseModel):
    agent: AgentOut
    took: ChangeOut | None = Field(description="The ticket the agent took from a queue, if any")


T = TypeVar("T")


def priority_number(priority: Priority) -> int:
    """P1 -> 1 .. P5 -> 5: the number a live ticket and a policy work with."""
    return list(Priority).index(priority) + 1


async def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.live_desk
    return desk


async def triage_of(request: Request) -> TriageService:
    service: TriageService = request.app.state.triage_service
    return service


def answer(change: ChangeOut) -> Response:
    """The change as JSON, serialised once. Routing answers are the hot path of the API:
    handing FastAPI the model would validate it a second time against ``response_model``
    before serialising it (the schema in the OpenAPI document is the same)."""
    return Response(change.model_dump_json(), media_type="application/json")


async def applied(future: Future[T]) -> T:
    """Wait, without holding a thread, for the batch that applies a routing change.

    ``Desk`` applies changes in batches on its routing thread (group commit, see
    ``deskmix.live.desk``); the handler only waits on the event loop for its answer, so many
    requests can wait for one batch at no cost."""
    return await asyncio.wrap_future(future)


@router.put(
    "/live/team",
    response_model=DeskOut,
    summary="Load the team that live tickets are routed to",
    responses=responses(401, 403, 409, 422),
)
def load_team(
    body: TeamLoad, desk: Desk = Depends(desk_of), _token: Any = Depends(require("admin"))
) -> DeskOut:
    """Replace the live team and policy (scope: admin). Refused with 409 while live tickets
    are open, unless ``reset`` is true; live tickets are cleared either way."""
    team = parse_team(body.team, "team")
    snapshot = desk.load_team(team, body.policy, body.policy_settings.as_kwargs(), reset=body.reset)
    return DeskOut.of(snapshot)


@router.get(
    "/live",
    response_model=DeskOut,
    summary="The live desk: agents, queues, ticket counts",
    responses=responses(401, 403),
)
def live_desk(desk: Desk = Depends(desk_of), _read: Any = Depends(read_access)) -> DeskOut:
    return DeskOut.of(desk.snapshot())


def _triaged(
    body: RouteRequest, triage: TriageService
) -> tuple[str, Tier, int, dict[str, TargetAnswer] | None]:
    if body.domain is not None and body.tier is not None and body.priority is not None:
        return body.domain, body.tier, body.priority, None
    words = body.words()
    if words is None:
        missing = [n for n in ("domain", "tier", "priority") if getattr(body, n) is None]
        raise InputError(
            f"missing {', '.join(missing)}",
            field=missing[0],
            expected=(
                "domain, tier and priority, or a 'text' (or 'title' and 'description') "
                "for triage to fill them in"
            ),
        )
    answer = triage.predict([words])[0]
    shown = {name: TargetAnswer.of(p) for name, p in answer.items()}
    domain = body.domain or answer[DOMAIN].best_guess
    tier = body.tier or Tier(answer[TIER].best_guess)
    priority = body.priority or priority_number(Priority(answer[PRIORITY].best_guess))
    return domain, tier, priority, shown


@router.post(
    "/route",
    response_model=ChangeOut,
    summary="Route a ticket: the policy's decision (agent, queue or MSP) and why",
    responses=responses(401, 403, 409, 422),
)
async def route(
    body: RouteRequest,
    desk: Desk = Depends(desk_of),
    triage: TriageService = Depends(triage_of),
    _token: Any = Depends(require("route")),
) -> Response:
    """Decide with the loaded team's policy, against the agents and queues now, and apply it
    (scope: route). Missing domain, tier or priority are filled in by triage from ``text``;
    where triage is unsure its best guess is used and its answers are returned."""
    if body.domain is None or body.tier is None or body.priority is None:
        domain, tier, priority, shown = await run_in_threadpool(_triaged, body, triage)
    else:
        domain, tier, priority, shown = body.domain, body.tier, body.priority, None
    ticket = NewTicket(
        domain, tier, priority, key=body.id, opened_at=body.opened_at, direct=body.direct
    )
    change = await applied(desk.submit_route(ticket))
    return answer(ChangeOut.of(change, shown))


@router.get(
    "/live/tickets/{ticket_id}",
    response_model=LiveTicketOut,
    summary="A live ticket: where it is and why",
    responses=responses(401, 403, 404),
)
def live_ticket(
    ticket_id: TicketId, desk: Desk = Depends(desk_of), _read: Any = Depends(read_access)
) -> LiveTicketOut:
    return desk.ticket(ticket_id)


@router.post(
    "/live/tickets/{ticket_id}/complete",
    response_model=ChangeOut,
    summary="The ticket is resolved: free its agent, who takes the best waiting ticket",
    responses=responses(401, 403, 404, 409),
)
async def complete(
    ticket_id: TicketId,
    desk: Desk = Depends(desk_of),
    _token: Any = Depends(require("route")),
) -> Response:
    """Scope: route. ``handed`` holds the ticket the freed agent took from a queue (highest
    priority first, then the oldest), if any."""
    return answer(ChangeOut.of(await applied(desk.submit_complete(ticket_id))))


@router.post(
    "/live/tickets/{ticket_id}/escalate",
    response_model=ChangeOut,
    summary="The agent could not resolve it: route it again as escalated work",
    responses=responses(401, 403, 404, 409, 422),
)
async def escalate(
    ticket_id: TicketId,
    body: Annotated[EscalateRequest | None, Body()] = None,
    desk: Desk = Depends(desk_of),
    _token: Any = Depends(require("route")),
) -> Response:
    """Scope: route. The policy decides again with the ticket's stage 'escalated' and the
    generalists' time spent on it; then the agent is freed and takes waiting work."""
    hours = body.hours_worked if body is not None else None
    return answer(ChangeOut.of(await applied(desk.submit_escalate(ticket_id, hours))))


@router.post(
    "/live/tickets/{ticket_id}/assign",
    response_model=ChangeOut,
    summary="Assign a ticket to a named agent by hand",
    responses=responses(401, 403, 404, 409, 422),
)
async def assign(
    ticket_id: TicketId,
    body: AssignRequest,
    desk: Desk = Depends(desk_of),
    _token: Any = Depends(require("route")),
) -> Response:
    """Scope: route. The agent must be on shift and free (409 otherwise); an agent the
    ticket leaves takes waiting work."""
    return answer(ChangeOut.of(await applied(desk.submit_assign(ticket_id, body.agent))))


@router.put(
    "/live/agents/{agent_name}/shift",
    response_model=ShiftOut,
    summary="An agent starts or ends a shift",
    responses=responses(401, 403, 404, 422),
)
async def shift(
    agent_name: AgentName,
    body: ShiftRequest,
    desk: Desk = Depends(desk_of),
    _token: Any = Depends(require("route")),
) -> ShiftOut:
    """Scope: route. Starting free, the agent takes the best waiting ticket; a ticket in hand
    at the end of a shift stays with the agent."""
    status, change = await applied(desk.submit_shift(agent_name, body.on_shift))
    return ShiftOut(
        agent=AgentOut(**vars(status)), took=ChangeOut.of(change) if change is not None else None
    )

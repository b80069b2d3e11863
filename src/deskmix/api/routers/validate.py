"""The back-test over HTTP: ``GET /api/validate`` runs ``deskmix validate`` on the server's store.

It computes and stores nothing, so it is a read. A run on a large desk takes tens of seconds
(it simulates the whole history twice), so the replications are capped lower than the CLI's;
the logic lives in ``deskmix.validate``, this module only translates.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from deskmix.api.auth import read_access
from deskmix.api.errors import responses
from deskmix.domain.sla import SlaPolicy
from deskmix.store import Store
from deskmix.teamfiles import sla_preset
from deskmix.validate import ValidationRequest, ValidationResult, run_validation
from deskmix.validate.use_case import (
    HOLDOUT,
    MAX_HOLDOUT,
    SERVER_MAX_REPLICATIONS,
    SERVER_REPLICATIONS,
)

router = APIRouter(tags=["validate"])
MAX_API_REPLICATIONS = SERVER_MAX_REPLICATIONS


@router.get(
    "/validate",
    response_model=ValidationResult,
    summary="Back-test: the history's team simulated and set beside the history",
    responses=responses(401, 403, 422),
)
def validate(
    request: Request,
    source: Annotated[str | None, Query(max_length=40, description="Only this source")] = None,
    sla: Annotated[
        Literal["default", "weekday"],
        Query(description="SLA targets: deskmix's default, or a weekday desk's"),
    ] = "default",
    replications: Annotated[int, Query(ge=2, le=MAX_API_REPLICATIONS)] = SERVER_REPLICATIONS,
    accept_unsteady: Annotated[
        bool, Query(description="Back-test a period that is not a steady state anyway")
    ] = False,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    holdout: Annotated[
        float, Query(ge=0, le=MAX_HOLDOUT, description="Share held out; 0: none")
    ] = HOLDOUT,
    timezone: Annotated[str, Query(max_length=64)] = "UTC",
    _read: Any = Depends(read_access),
) -> ValidationResult:
    """Runs in the server's thread pool (a plain function), one process: the API stays
    responsive to other requests while it runs."""
    store: Store = request.app.state.store
    policy: SlaPolicy = sla_preset(sla)
    return run_validation(
        store,
        ValidationRequest(
            source=source,
            sla=policy,
            replications=replications,
            seed=seed,
            holdout=holdout,
            timezone=timezone,
            accept_unsteady=accept_unsteady,
        ),
    )

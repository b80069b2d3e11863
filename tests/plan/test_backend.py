"""The planner's back end: started on first use, released by its owner; a given one stays open."""

from __future__ import annotations

from deskmix.plan.backend import PlanBackend
from deskmix.plan.parallel import Backend


class Counted(Backend):
    description = "counted"

    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_a_given_back_end_is_used_as_it_is_and_left_open() -> None:
    given = Counted()
    backend = PlanBackend(workers=4, given=given)
    assert backend.description == "counted"
    assert backend.runner(3).backend is given
    backend.close()
    backend.close()
    assert given.closed == 0 and backend.open is given


def test_an_own_back_end_starts_on_first_use_and_is_closed_once() -> None:
    backend = PlanBackend(workers=1)
    assert backend.open is None and backend.description == ""  # nothing started yet
    runner = backend.runner(2)
    started = backend.open
    assert started is not None and runner.backend is started
    assert backend.description == started.description
    assert backend.runner(2).backend is started  # the same one for every batch
    backend.close()
    assert backend.open is None

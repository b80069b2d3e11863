"""Shift starts and ends as events: one per hour and direction, naming everyone who changes.

Desks work in shifts shared by many people: grouping keeps the event heap small (a year of an
80-person team has about a thousand of these instead of 44,000). Both event loops, the Python
reference and the compiled one, read the same list so their sequence numbers agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deskmix.sim.events import SHIFT_OFF, SHIFT_ON
from deskmix.sim.model import CompiledModel


@dataclass(frozen=True)
class ShiftChanges:
    """Group g happens at ``time[g]`` with sequence ``seq[g]`` (negative, so it comes before
    any other event at the same time) and names ``members[start[g]:start[g + 1]]``."""

    initial: list[bool]  # on duty at hour 0
    time: NDArray[np.float64]
    seq: NDArray[np.int64]
    kind: NDArray[np.int64]
    start: NDArray[np.int64]
    members: NDArray[np.int64]

    def groups(self) -> list[tuple[float, int, int, tuple[int, ...]]]:
        """(time, seq, kind, agents) per group, for the Python loop's event heap."""
        return [
            (
                float(self.time[g]),
                int(self.seq[g]),
                int(self.kind[g]),
                tuple(int(a) for a in self.members[self.start[g] : self.start[g + 1]]),
            )
            for g in range(len(self.time))
        ]


def shift_changes(model: CompiledModel) -> ShiftChanges:
    available = model.available
    initial = [bool(x) for x in available[:, 0]] if len(available) else []
    steps = np.diff(available.astype(np.int8), axis=1)
    groups: dict[tuple[int, int], list[int]] = {}
    for agent, column in zip(*np.nonzero(steps), strict=True):
        hour = int(column) + 1
        kind = SHIFT_ON if steps[agent, column] > 0 else SHIFT_OFF
        groups.setdefault((hour, kind), []).append(int(agent))
    ordered = sorted(groups.items())
    sizes = [len(agents) for _, agents in ordered]
    return ShiftChanges(
        initial=initial,
        time=np.array([float(hour) for (hour, _), _ in ordered], dtype=float),
        seq=np.array([-1 - n for n in range(len(ordered))], dtype=np.int64),
        kind=np.array([kind for (_, kind), _ in ordered], dtype=np.int64),
        start=np.concatenate(([0], np.cumsum(sizes, dtype=np.int64))).astype(np.int64),
        members=np.array([a for _, agents in ordered for a in agents], dtype=np.int64),
    )

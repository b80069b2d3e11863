"""``check_policy``: a routing policy held to its route table, and the live desk to the simulator.

Its own package, above both ``sim/`` and ``live/`` (it drives the two desks side by side), so
``routing/`` stays below them both (the floors in docs/architecture.md).
"""

from deskmix.policycheck.check import PolicyCheckError, check_policy

__all__ = ["PolicyCheckError", "check_policy"]

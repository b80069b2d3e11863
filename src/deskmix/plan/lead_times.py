"""Default lead times and one-off costs of adding people (illustrative, docs/plan.md).

A module of its own, with no imports, so the command line can show them as option defaults
without loading the planner at start-up.
"""

DEFAULT_HIRE_LEAD_WEEKS = 10.0
DEFAULT_HIRE_COST = 5000.0
DEFAULT_TRAINING_WEEKS = 12.0
DEFAULT_TRAINING_COST = 3000.0

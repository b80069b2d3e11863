"""Property-based API testing from the OpenAPI schema: whatever schemathesis generates (valid
and invalid input, for every operation), the live server never answers with a server error.

Strategies come from schemathesis' Python API and run under Hypothesis directly (its pytest
plugin does not support this pytest); each operation gets a bounded number of examples.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from tests.api.conftest import Api

EXAMPLES_PER_OPERATION = 15
STATEFUL_SCENARIOS = 40


def test_no_server_error_for_any_input(api: Api) -> None:
    schema = schemathesis.openapi.from_url(f"{api.server.base_url}/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI schema has an invalid operation: {result}"
        operations.append(result.ok())
    assert len(operations) >= 15  # every router's operations are in the schema
    headers = {"Authorization": f"Bearer {api.tokens['admin']}"}
    failures: list[str] = []
    statuses: list[int] = []
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def call(case: schemathesis.Case[Any]) -> None:
            response = case.call(headers=headers, timeout=60)
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.body!r:.200} -> "
                    f"{response.status_code}: {response.text[:200]}"
                )

        call()
    assert failures == []
    assert len(statuses) >= 5 * len(operations)  # the examples were really sent
    assert {200, 422} <= set(statuses)  # valid and invalid input both reached the server


def test_no_server_error_in_stateful_sequences(api: Api) -> None:
    """The stateful phase: schemathesis chains operations through the links it infers from the
    schema (a routed ticket's id into complete, escalate and assign; a job's id into its
    status), so later calls meet the state earlier ones made; no step may answer 5xx."""
    schema = schemathesis.openapi.from_url(f"{api.server.base_url}/openapi.json")
    machine = schema.as_state_machine()
    headers = {"Authorization": f"Bearer {api.tokens['admin']}"}
    failures: list[str] = []
    steps: list[int] = []

    class Sequences(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"headers": headers, "timeout": 60}

        def validate_response(self, response: Any, case: schemathesis.Case[Any], **_: Any) -> None:
            steps.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.body!r:.200} -> "
                    f"{response.status_code}: {response.text[:200]}"
                )

    Sequences.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert failures == []
    assert len(steps) >= STATEFUL_SCENARIOS  # the sequences really ran

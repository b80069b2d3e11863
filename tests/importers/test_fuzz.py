"""Property-based fuzzing of every importer (issue 19): valid exports, mutated.

Each example takes one fixture export, applies one to three mutations (cut, duplicate, swap
or delete columns; huge, negative and wrong-typed values; BOM, CRLF, embedded newlines,
other delimiters and encodings; deep nesting) and imports the result into a real SQLite
store. Required: no exception but ``InputError``, the store unchanged after a refusal, and no
stored value the source did not contain. The CI profile runs ``FUZZ_EXAMPLES`` examples per
importer, shared among its exports (two each for ServiceNow, Jira, Freshservice and GLPI);
``benchmarks/fuzz_imports.py`` runs ten thousand per importer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmix.store import Store, open_store
from tests.importers.fuzzing import SEEDS, Seed, mutate, operations, run_case

FUZZ_EXAMPLES = int(os.environ.get("DESKMIX_FUZZ_EXAMPLES", "300"))


def examples_for(seed: Seed) -> int:
    """This export's share of its importer's examples."""
    exports = sum(1 for other in SEEDS if other.source == seed.source)
    return -(-FUZZ_EXAMPLES // exports)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def stores(fuzz_dir: Path) -> Iterator[dict[str, Store]]:
    """One store per export, kept across examples so refusals meet a store with content."""
    opened = {seed.name: open_store(fuzz_dir / f"{seed.name}.db") for seed in SEEDS}
    yield opened
    for store in opened.values():
        store.dispose()


def _steps(seed: Seed) -> st.SearchStrategy[list[tuple[str, int]]]:
    step = st.tuples(st.sampled_from(sorted(operations(seed))), st.integers(0, 2**20))
    return st.lists(step, min_size=1, max_size=3)


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_mutated_exports_are_read_or_refused_cleanly(
    seed: Seed, stores: dict[str, Store], fuzz_dir: Path
) -> None:
    @settings(
        max_examples=examples_for(seed),
        # CI runs a fixed set (a red CI must mean a regression, not a new random find);
        # locally and in benchmarks/fuzz_imports.py every run explores new cases
        derandomize=os.environ.get("CI") == "true",
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(steps=_steps(seed))
    def check(steps: list[tuple[str, int]]) -> None:
        outcome, detail = run_case(seed, mutate(seed, steps), stores[seed.name], fuzz_dir)
        assert outcome in ("refusal", "success"), f"{outcome}: {detail} after {steps}"

    check()


def test_the_unmutated_exports_import(stores: dict[str, Store], fuzz_dir: Path) -> None:
    """The seeds themselves are valid: every fuzz case starts from an export that imports."""
    for seed in SEEDS:
        outcome, detail = run_case(seed, seed.file.read_bytes(), stores[seed.name], fuzz_dir)
        assert outcome == "success", f"{seed.name}: {outcome} {detail}"

"""The calibration use case called directly, on the sample desk's history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from deskmix.calibrate.use_case import CalibrateRequest, calibrate_desk
from deskmix.errors import StoreError
from deskmix.importers import read_source
from deskmix.importers.writer import write_import
from deskmix.sample import SAMPLE_SOURCE, sample_files
from deskmix.store import Store, open_store


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store: Store = open_store(tmp_path_factory.mktemp("calib-uc") / "deskmix.db")
    with sample_files() as (events, mapping):
        write_import(store, read_source(SAMPLE_SOURCE, events, mapping_file=mapping))
    yield store
    store.dispose()


def test_the_sample_history_gives_a_named_workload_with_its_phases(sample_store: Store) -> None:
    phases: list[str] = []
    result = calibrate_desk(
        CalibrateRequest(), sample_store, lambda phase, done, total: phases.append(phase)
    )
    workload = result.workload
    assert workload.name == "all sources (calibrated)"
    assert workload.tickets == sample_store.counts()["tickets"] > 0
    assert workload.arrivals and workload.handling and workload.tickets_per_week > 0
    assert phases  # the caller saw progress


def test_a_window_keeps_only_the_tickets_opened_in_it(sample_store: Store) -> None:
    full = calibrate_desk(CalibrateRequest(name="all"), sample_store).workload
    assert full.period_start is not None and full.period_end is not None
    start = full.period_start.date()
    end = start + timedelta(weeks=6)
    part = calibrate_desk(
        CalibrateRequest(source="servicenow", start=start, end=end, accept_unsteady=True),
        sample_store,
    ).workload
    assert part.name == "servicenow (calibrated)"
    assert 0 < part.tickets < full.tickets


def test_an_unknown_source_is_a_store_error(sample_store: Store) -> None:
    with pytest.raises(StoreError):
        calibrate_desk(CalibrateRequest(source="nosuch"), sample_store)


def test_the_overview_mix_rows_add_up_to_the_history(sample_store: Store) -> None:
    from deskmix.calibrate.history import desk_history
    from deskmix.calibrate.use_case import mix_rows
    from deskmix.domain.sla import SlaPolicy

    history = desk_history(sample_store, SlaPolicy.default())
    rows = mix_rows(history)
    assert all(sum(counts) == total for _, counts, total in rows)
    totals = [total for _, _, total in rows]
    assert totals == sorted(totals, reverse=True)
    assert sum(totals) == history.tickets


def test_the_stored_weekly_history_counts_the_full_weeks(sample_store: Store) -> None:
    from deskmix.calibrate.use_case import stored_weekly_history

    history = stored_weekly_history(sample_store)
    assert history is not None and history.weeks >= 4
    counted = float(history.total().sum())
    assert 0.8 * sample_store.counts()["tickets"] < counted <= sample_store.counts()["tickets"]
    assert stored_weekly_history(sample_store, "nosuch") is None

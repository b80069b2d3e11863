"""Calibrating the real UCI ServiceNow incident event log, through its importer and the store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from deskmix.calibrate import calibrate_store
from deskmix.calibrate.steady import Window
from deskmix.errors import UnsteadyPeriodError
from deskmix.importers import IMPORTERS
from deskmix.importers.writer import write_import
from deskmix.store import Store

IMPORTER = "servicenow-events"
pytestmark = pytest.mark.shared_data


def test_the_uci_log_calibrates(shared_data: Path, sqlite_store: Store) -> None:
    if IMPORTER not in IMPORTERS:
        pytest.skip(f"the '{IMPORTER}' importer is not registered yet")
    path = shared_data / "uci-incident-event-log" / "incident_event_log.csv.gz"
    write_import(sqlite_store, IMPORTERS[IMPORTER].read(path))
    result = calibrate_store(sqlite_store, name="UCI", source_system="servicenow")
    workload = result.workload

    assert workload.tickets == 24_918
    # 98% of tickets opened Mar-May 2016; the thin tail to Feb 2017 must not dilute the volume.
    assert workload.period_start is not None and workload.period_end is not None
    assert (workload.period_start.year, workload.period_start.month) == (2016, 2)
    assert (workload.period_end.year, workload.period_end.month) in {(2016, 5), (2016, 6)}
    assert workload.weeks is not None and 12 < workload.weeks < 15
    assert 1_600 < workload.tickets_per_week < 2_000
    assert sum(s.observed for s in workload.arrivals) > 0.97 * workload.tickets

    shape = np.zeros(168)
    for domain, share in workload.domain_mix.items():
        shape += share * np.asarray(workload.weekly_shape(domain))
    week = shape.reshape(7, 24)
    assert week[:5].sum() > 0.8  # weekdays carry most of the traffic
    assert week[:5, 8:17].mean() > 3 * week[:5, 0:5].mean()

    assert workload.handling
    assert all(h.basis.startswith("effort from events") for h in workload.handling)
    # Effort, not open time: the desk's weekly effort fits in the on-shift hours of the agents
    # seen working, and is far below the time tickets sat "Active".
    assert result.effort is not None
    weekly = result.effort.weekly
    steady = weekly[weekly["agents"] >= 100]
    assert len(steady) >= 10
    assert (steady["effort_hours"] <= steady["on_shift_hours"]).all()
    for h in workload.handling:
        assert h.status_time_mean_hours is not None
        assert h.mean_hours < 0.5 * h.status_time_mean_hours
    # No ticket dropped: those without measurable work are imputed, not left out.
    assert sum(h.observed for h in workload.handling) > 0.99 * workload.tickets
    for h in workload.handling:
        assert h.chosen.aic == min(c.aic for c in h.candidates)
        assert len(h.candidates) == 4
        assert result.durations[(h.domain, h.tier.value)].size == h.observed
    stats = workload.escalation
    assert sum(e.tickets for e in stats) == workload.tickets
    assert all(e.reopen_rate is not None and e.reopen_rate < 0.1 for e in stats)
    assert all(e.reassignment_rate is not None for e in stats)
    text = "\n".join(workload.missing)
    assert "'-100'" in text  # the five raw state values are reported, not silently dropped
    assert "had no measurable work" in "\n".join(workload.notes)


REPO = Path(__file__).resolve().parents[2]


def test_bpic13_calibrates_with_escalation_from_levels(
    shared_data: Path, sqlite_store: Store
) -> None:
    path = shared_data / "bpic2013-volvo-vinst-ibm" / "VINST-new.csv"
    write_import(sqlite_store, IMPORTERS["bpic13"].read(path))
    # An extract, not a steady state: 72% of its tickets opened in its last (partial) week.
    with pytest.raises(UnsteadyPeriodError) as caught:
        calibrate_store(sqlite_store, name="BPIC'13")
    text = str(caught.value)
    assert "5,469 of 7,554 tickets (72%) opened in the week of 2012-04-30" in text
    assert "pass --from 2012-03-05 --to 2012-04-01" in text

    workload = calibrate_store(sqlite_store, name="BPIC'13", accept_unsteady=True).workload
    assert workload.tickets == 7_554
    assert workload.arrivals and workload.handling
    # Escalation comes from the L1/L2/L3 levels of the events: about 40% reach L2/L3.
    paths = {p for e in workload.escalation for p in e.paths}
    assert any(p.startswith("L1>L2") for p in paths)
    assert any("priority" in m for m in workload.missing)  # BPIC'13 has no priority field
    assert workload.missing[0].startswith("UNSTEADY PERIOD")

    window = Window(date(2012, 3, 5), date(2012, 4, 1))
    trimmed = calibrate_store(sqlite_store, name="BPIC'13", window=window).workload
    assert trimmed.tickets == 164
    assert 35 < trimmed.tickets_per_week < 50


@pytest.mark.parametrize(
    ("source", "folder", "file", "mapping", "tickets"),
    [
        ("csv", "it-service-ticket-topics-kaggle", "all_tickets_processed_improved_v3.csv",
         "kaggle-topics.yaml", 47_837),
        ("servicenow", "servicenow-ticket-assignment", "input_data.csv",
         "servicenow-assignment.yaml", 8_500),
    ],
)  # fmt: skip
def test_text_only_sets_calibrate_what_they_can(
    shared_data: Path,
    sqlite_store: Store,
    source: str,
    folder: str,
    file: str,
    mapping: str,
    tickets: int,
) -> None:
    from deskmix.importers import read_source

    batch = read_source(
        source, shared_data / folder / file, mapping_file=REPO / "examples" / "mappings" / mapping
    )
    write_import(sqlite_store, batch)
    workload = calibrate_store(sqlite_store, name=folder).workload
    assert workload.tickets == tickets
    assert workload.domain_mix and abs(sum(workload.domain_mix.values()) - 1) < 1e-6
    assert not workload.arrivals and not workload.handling  # no timestamps at all
    text = " ".join(workload.missing)
    assert "opened_at" in text or "opening" in text

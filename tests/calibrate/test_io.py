"""Workload YAML: a calibrated workload survives save and load unchanged; hand edits that break
it fail with a ConfigError that names the place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from deskmix.calibrate import CalibrationResult, calibrate_frames
from deskmix.calibrate.io import dump_workload, load_workload, save_workload
from deskmix.domain.priority import Priority
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError

from .builders import at, events_frame, tickets_frame


@pytest.fixture(scope="module")
def calibrated() -> CalibrationResult:
    rng = np.random.default_rng(4)
    rows = []
    events = []
    for i in range(300):
        opened = rng.uniform(0, 24 * 7 * 6)
        domain = ["network", "end_user", "security"][i % 3]
        tier = "specialist" if i % 4 == 0 else "generalist"
        rows.append(
            {
                "id": f"T{i}",
                "opened_at": at(opened),
                "resolved_at": at(opened + rng.lognormal(1, 1)),
                "domain": domain if i % 50 else None,
                "tier": tier,
                "priority": f"P{1 + i % 5}",
                "reassignments": int(tier == "specialist"),
                "reopens": int(i % 17 == 0),
            }
        )
        if i % 2:
            events += [
                {"ticket_id": f"T{i}", "at": at(opened), "status": "New", "tier": "generalist"},
                {"ticket_id": f"T{i}", "at": at(opened + 0.2), "status": "Active", "tier": tier},
                {"ticket_id": f"T{i}", "at": at(opened + 1 + i % 7), "status": "Resolved"},
            ]
    tickets = tickets_frame(rows)
    return calibrate_frames(tickets, events_frame(events), name="round trip")


def test_a_calibrated_workload_round_trips(calibrated: CalibrationResult, tmp_path: Path) -> None:
    workload = calibrated.workload
    assert workload.arrivals and workload.handling and workload.hour_of_week
    assert workload.escalation and workload.missing and workload.notes
    path = save_workload(workload, tmp_path / "deep" / "workload.yaml")
    again = load_workload(path)
    assert again == workload
    assert dump_workload(again) == path.read_text()


def test_the_yaml_reads_as_a_grid_of_days(calibrated: CalibrationResult, tmp_path: Path) -> None:
    text = dump_workload(calibrated.workload)
    assert text.startswith("# deskmix workload")
    monday = next(line for line in text.splitlines() if line.strip().startswith("mon: ["))
    assert monday.count(",") == 23
    assert yaml.safe_load(text)["name"] == "round trip"


def test_a_hand_written_minimal_workload_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "name: by hand\n"
        "arrivals:\n"
        "  - {domain: network, tier: specialist, priority: P2, tickets_per_week: 12.5, "
        "observed: 0}\n"
    )
    workload = load_workload(path)
    assert workload.tickets_per_week == 12.5
    rate = workload.rate_per_hour("network", Tier.SPECIALIST, Priority.P2, 0)
    assert rate == pytest.approx(12.5 / 168)


def _edited(calibrated: CalibrationResult, tmp_path: Path, change: object) -> Path:
    data = calibrated.workload.model_dump(mode="json")
    change(data)  # type: ignore[operator]
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _drop_sunday(d: dict[str, dict[str, dict[str, list[float]]]]) -> None:
    del d["hour_of_week"]["network"]["sun"]


def _short_day(d: dict[str, dict[str, dict[str, list[float]]]]) -> None:
    d["hour_of_week"]["network"]["mon"] = [1.0] * 23


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["handling"][0]["chosen"].update(family="pareto"),
            r"'handling\.0\.chosen\.family'",
        ),
        (
            lambda d: d["arrivals"][0].update(tickets_per_week=-1),
            r"'arrivals\.0\.tickets_per_week'",
        ),
        (lambda d: d["arrivals"][0].update(tier="guru"), r"'arrivals\.0\.tier'"),
        (lambda d: d["arrivals"][0].update(priority="P9"), r"'arrivals\.0\.priority'"),
        (lambda d: d.update(colour="blue"), r"'colour': Extra inputs are not permitted"),
        (lambda d: d.pop("name"), r"'name': Field required"),
        (_drop_sunday, r"hour_of_week\[network\] needs the days"),
        (_short_day, r"hour_of_week\[network\]\[mon\] needs 24 non-negative weights"),
        (lambda d: d["escalation"][0].update(reopen_rate=1.5), r"'escalation\.0\.reopen_rate'"),
    ],
)
def test_hand_edit_errors_name_the_place(
    calibrated: CalibrationResult, tmp_path: Path, change: object, message: str
) -> None:
    path = _edited(calibrated, tmp_path, change)
    with pytest.raises(ConfigError, match=message) as caught:
        load_workload(path)
    assert str(caught.value).startswith(str(path))


def test_broken_yaml_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\narrivals:\n  - {domain: network, tier: [\n")
    with pytest.raises(ConfigError, match="not valid YAML at line 4"):
        load_workload(path)


@pytest.mark.parametrize("text", ["", "- a list\n", "just words\n"])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="expected a workload"):
        load_workload(path)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="workload file not found"):
        load_workload(tmp_path / "absent.yaml")


def test_the_default_workload_round_trips(tmp_path: Path) -> None:
    workload = Workload(name="empty")
    assert load_workload(save_workload(workload, tmp_path / "w.yaml")) == workload

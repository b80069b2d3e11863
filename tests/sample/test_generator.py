"""The sample desk generator: reproducible to the byte, and shaped like the public data."""

from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from deskmix.importers.mapping import load_mapping
from deskmix.sample import EVENTS_FILE, SAMPLE_SOURCE, sample_files
from deskmix.sample.generator import COLUMNS, SampleDesk, generate, main
from deskmix.sample.spec import load_spec

SPEC = load_spec()


@pytest.fixture(scope="module")
def desk() -> SampleDesk:
    return generate()


@pytest.fixture(scope="module")
def firsts(desk: SampleDesk) -> pd.DataFrame:
    """Each ticket's first row (its New event), with the opening time parsed."""
    first = desk.events.drop_duplicates("number").copy()
    first["opened"] = pd.to_datetime(first["opened_at"], format="%Y-%m-%d %H:%M:%S", utc=True)
    return first


def test_the_shipped_log_is_a_fresh_generation_with_the_documented_seed(desk: SampleDesk) -> None:
    shipped = resources.files("deskmix.data").joinpath("sample", EVENTS_FILE).read_bytes()
    assert desk.seed == SPEC.seed == 20250106
    assert gzip.decompress(shipped) == desk.csv_bytes(), (
        "the shipped sample is stale: run python -m deskmix.sample.generator --out "
        "src/deskmix/data/sample/sample_desk_events.csv.gz"
    )
    assert len(shipped) < 400_000


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(
    desk: SampleDesk, tmp_path: Path
) -> None:
    first = desk.write(tmp_path / "a.csv.gz").read_bytes()
    second = generate(seed=SPEC.seed).write(tmp_path / "b.csv.gz").read_bytes()
    assert first == second
    other = generate(seed=SPEC.seed + 1)
    assert other.csv_bytes() != desk.csv_bytes()


def test_the_desk_is_a_few_thousand_tickets_over_thirteen_weeks(
    desk: SampleDesk, firsts: pd.DataFrame
) -> None:
    assert 2000 <= len(desk.tickets) <= 3000
    assert desk.events["number"].nunique() == len(desk.tickets)
    span = firsts["opened"].max() - firsts["opened"].min()
    assert pd.Timedelta(weeks=12.5) < span <= pd.Timedelta(weeks=13)
    assert list(desk.events.columns) == list(COLUMNS)


def test_arrivals_peak_in_business_hours_and_are_quiet_at_night(firsts: pd.DataFrame) -> None:
    opened = firsts["opened"]
    day, hour = opened.dt.day_of_week, opened.dt.hour
    counts = np.bincount(day * 24 + hour, minlength=168)
    peak_day, peak_hour = divmod(int(counts.argmax()), 24)
    assert peak_day < 5 and 8 <= peak_hour < 18
    business = ((day < 5) & (hour >= 8) & (hour < 18)).mean()
    assert business > 0.75  # UCI: 82.6% of incidents opened Mon-Fri 08-18
    assert ((hour < 6) & (day < 5)).mean() < 0.05
    assert (day >= 5).mean() < 0.08  # UCI: 4.9% at weekends


def test_about_forty_percent_of_tickets_reach_a_second_line_group(desk: SampleDesk) -> None:
    events = desk.events
    beyond = events["assignment_group"] != SPEC.first_line_group
    share = beyond.groupby(events["number"]).any().mean()
    assert share == pytest.approx(0.40, abs=0.04)  # BPIC'13: 39.8% reach L2/L3
    straight = (
        ~events.drop_duplicates("number")["assignment_group"].eq(SPEC.first_line_group)
    ).mean()
    assert straight == pytest.approx(0.11, abs=0.03)  # BPIC'13: 11.3% start at L2/L3


def test_touch_times_are_lognormal_and_resolution_times_right_skewed(desk: SampleDesk) -> None:
    for column in ("generalist_touch_hours", "specialist_touch_hours"):
        touch = desk.tickets[column]
        positive = touch[touch > 0].to_numpy()
        assert stats.skew(positive) > 2
        assert abs(stats.skew(np.log(positive))) < 0.3
    last = desk.events.drop_duplicates("number", keep="last")
    opened = pd.to_datetime(last["opened_at"], format="%Y-%m-%d %H:%M:%S")
    resolved = pd.to_datetime(last["resolved_at"].replace("", None), format="%Y-%m-%d %H:%M:%S")
    hours = ((resolved - opened).dt.total_seconds() / 3600).dropna()
    assert hours.mean() > 3 * hours.median()
    assert stats.skew(hours) > 2


def test_reopens_priorities_waits_and_domains_follow_the_spec(desk: SampleDesk) -> None:
    last = desk.events.drop_duplicates("number", keep="last")
    assert (last["reopen_count"] > 0).mean() == pytest.approx(0.03, abs=0.015)
    priority = last["priority"].value_counts(normalize=True)
    assert set(priority.index) == {
        "1 - Critical",
        "2 - High",
        "3 - Moderate",
        "4 - Low",
        "5 - Planning",
    }
    assert priority["3 - Moderate"] + priority["4 - Low"] > 0.8
    waited = (
        desk.events["incident_state"].eq("Awaiting User Info").groupby(desk.events["number"]).any()
    )
    assert waited.mean() == pytest.approx(0.25, abs=0.03)  # UCI: 22% wait for the user
    mix = desk.tickets["domain"].value_counts(normalize=True)
    for domain, share in SPEC.domain_shares().items():
        assert mix[domain] == pytest.approx(share, abs=0.025)


def test_every_ticket_lives_a_servicenow_life(desk: SampleDesk) -> None:
    events = desk.events
    at = pd.to_datetime(events["sys_updated_at"], format="%Y-%m-%d %H:%M:%S")
    by_ticket = events.assign(at=at).groupby("number", sort=False)
    assert (events.drop_duplicates("number")["incident_state"] == "New").all()
    assert by_ticket["at"].apply(lambda s: s.is_monotonic_increasing and s.is_unique).all()
    assert by_ticket["reassignment_count"].apply(lambda s: s.is_monotonic_increasing).all()
    last = events.drop_duplicates("number", keep="last").set_index("number")
    done = last["incident_state"].isin(["Resolved", "Closed"])
    assert (last.loc[done, "resolved_at"] != "").all()
    assert (last.loc[~done, "resolved_at"] == "").all()
    assert ((last["closed_at"] != "") == (last["incident_state"] == "Closed")).all()
    assert (last.loc[done, "resolved_by"] == last.loc[done, "assigned_to"]).all()
    assert done.mean() > 0.98  # exported two weeks after the last week: nearly all finished


def test_short_descriptions_are_varied_and_match_their_category(desk: SampleDesk) -> None:
    tickets = desk.tickets
    assert tickets["title"].nunique() > 300
    vague = set(SPEC.vague_titles)
    for _, row in tickets.sample(200, random_state=1).iterrows():
        category = SPEC.domains[str(row["domain"])].categories[str(row["category"])]
        templates = [t.split("{")[0] for t in category.titles]
        assert row["title"] in vague or any(str(row["title"]).startswith(t) for t in templates)


def test_the_shipped_mapping_covers_every_category_and_group() -> None:
    with sample_files() as (_, mapping_file):
        mapping = load_mapping(SAMPLE_SOURCE, mapping_file)
    assert mapping.domain is not None and mapping.tier is not None
    assert mapping.tier.by == "group"
    for domain, spec in SPEC.domains.items():
        for category in spec.categories:
            assert mapping.domain.values[category] == domain
    for agent in SPEC.agents:
        expected = "generalist" if agent.group == SPEC.first_line_group else "specialist"
        assert mapping.tier.values[agent.group] == expected
    assert mapping.dates.format == "%Y-%m-%d %H:%M:%S"


def test_the_module_entry_point_writes_plain_or_gzipped_csv(tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path / "desk.csv"), "--seed", "7"]) == 0
    text = (tmp_path / "desk.csv").read_text(encoding="utf-8")
    assert text.startswith(",".join(COLUMNS) + "\n")
    assert main(["--out", str(tmp_path / "desk.csv.gz"), "--seed", "7"]) == 0
    assert gzip.decompress((tmp_path / "desk.csv.gz").read_bytes()).decode() == text


def test_the_generator_follows_an_edited_spec() -> None:
    small = SPEC.model_copy(update={"weeks": 2, "tickets_per_week": 60.0})
    desk = generate(small, seed=3)
    assert 80 <= len(desk.tickets) <= 160
    opened = pd.to_datetime(desk.events["opened_at"], format="%Y-%m-%d %H:%M:%S")
    assert opened.max() < pd.Timestamp(SPEC.start) + pd.Timedelta(weeks=2)

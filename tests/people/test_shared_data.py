"""The skills review on the real public logs: UCI (resolvers x category) and BPIC'13 (resources
x support team, tier from the L1/L2/L3 level of the events they held)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskmix.importers import read_source
from deskmix.importers.servicenow_events import import_servicenow_events
from deskmix.importers.writer import write_import
from deskmix.people.hidden import tiers_for
from deskmix.people.review import ReviewSettings, review_skills
from deskmix.store import Store


def _sane(review_findings: list, fdr: float = 0.01) -> None:  # type: ignore[type-arg]
    assert len(review_findings) <= 20  # few enough to act on
    for f in review_findings:
        assert f.tickets >= 10 and f.q_value <= fdr and f.share >= 2 * (f.group_share or 0)
        assert f.tier == "generalist" and f.effect >= 0.5 and f.next_step_reason
        assert f.group_q_value is not None and f.group_q_value <= fdr


@pytest.mark.shared_data
def test_uci_resolvers_by_category(shared_data: Path, sqlite_store: Store) -> None:
    path = shared_data / "uci-incident-event-log" / "incident_event_log.csv.gz"
    write_import(sqlite_store, import_servicenow_events(path))
    review = review_skills(ReviewSettings(by="category"), store=sqlite_store)
    assert review.history is not None
    work = review.history.work
    assert work["person"].nunique() >= 200 and len(review.matrix.areas) >= 45
    by_area = {a.area: a for a in review.areas}
    biggest = max(review.areas, key=lambda a: a.demand)
    assert biggest.demand > 3000 and biggest.bus_factor >= 10  # the busy categories are shared
    # an area nobody resolved 20 tickets of cannot be covered at level 3 from evidence alone
    for area in review.areas:
        if area.demand < 20:
            assert not area.covered
    assert by_area[biggest.area].covering[0] in set(work["person"])
    fragile = [a for a in review.areas if a.single_point]
    assert fragile and review.single_points
    assert all(a.demand >= 20 for a in fragile)
    assert review.suggestions and all(s.covering_before <= 1 for s in review.suggestions)
    # who is here now: the window ends with the bulk of the log (not its straggling tail),
    # and resolvers who stopped before it are listed, not counted
    presence = review.presence
    assert presence.end is not None and presence.end.year == 2016
    assert presence.gone and len(presence.active) >= 100
    gone = {d.person for d in presence.gone}
    assert all(not set(a.covering) & gone for a in review.areas)
    _sane(review.findings)
    assert review.findings
    # the first finding to act on is a person whose tickets sit mostly in one category
    assert review.findings[0].share > 0.5


@pytest.mark.shared_data
def test_bpic13_resources_by_support_team_and_level(shared_data: Path, sqlite_store: Store) -> None:
    path = shared_data / "bpic2013-volvo-vinst-ibm" / "VINST-new.csv"
    write_import(sqlite_store, read_source("bpic13", path))
    review = review_skills(ReviewSettings(by="group"), store=sqlite_store)
    assert review.history is not None
    tiers = tiers_for(review.history, None)["tier"].value_counts()
    # the level of the lines people held splits them: both first line and L2/L3 are sizeable
    assert tiers["generalist"] > 300 and tiers["specialist"] > 300
    busiest = sorted(review.areas, key=lambda a: -a.demand)[:2]
    assert all(a.demand > 500 and a.bus_factor >= 10 for a in busiest)
    # most teams are small: few resources resolved 20+ of their tickets
    uncovered = [a for a in review.areas if not a.covered]
    assert len(uncovered) > len(review.areas) / 2
    assert all(a.demand < 130 for a in uncovered)
    _sane(review.findings)
    by_product = review_skills(ReviewSettings(by="category"), store=sqlite_store)
    _sane(by_product.findings)
    assert by_product.findings
    top = by_product.findings[0]
    assert top.share > top.peer_share * 5
    # "SE-Annika" and "se-Annika" are one person
    assert review.merges and all(len(v) >= 2 for v in review.merges.values())

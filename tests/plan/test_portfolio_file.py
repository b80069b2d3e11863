"""The portfolio file: defaults, and one line naming file, entry and field for bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from deskmix.errors import ConfigError
from deskmix.projects.portfolio import load_portfolio, parse_portfolio

DOMAINS = ["end_user", "network"]
GOOD = """
rule: reserved
reserved_share: 0.25
projects:
  - name: Core switch refresh
    domains: [network]
    effort_hours: 120
    earliest_start: 2025-01-06
    due: 2025-02-28
    priority: 1
"""


def _entry(**change: object) -> str:
    fields: dict[str, object] = {
        "name": "Wifi survey",
        "domains": "[network]",
        "effort_hours": 40,
        "earliest_start": "2025-01-06",
        "due": "2025-02-01",
    }
    fields.update(change)
    body = "\n".join(f"    {k}: {v}" for k, v in fields.items())
    return (
        f"projects:\n  - name: ok\n    domains: [network]\n    effort_hours: 1\n"
        f"    earliest_start: 2025-01-06\n    due: 2025-01-10\n  -\n{body}\n"
    )


def test_good_file_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "projects.yaml"
    path.write_text(GOOD)
    portfolio = load_portfolio(path, DOMAINS)
    assert portfolio.rule == "reserved" and portfolio.reserved_share == 0.25
    project = portfolio.projects[0]
    assert project.due == dt.date(2025, 2, 28) and project.priority == 1
    plain = parse_portfolio("projects: []\n", "p.yaml")
    assert plain.reserved_share == 0.20 and plain.projects == []


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"due": "2025-01-01"}, "projects.1.due", "before earliest_start"),
        ({"effort_hours": -5}, "projects.1.effort_hours", "greater than 0"),
        ({"effort_hours": 0}, "projects.1.effort_hours", "greater than 0"),
        ({"name": '""'}, "projects.1.name", "needs a name"),
        ({"domains": "[printers]"}, "projects.1.domains", "unknown domain 'printers'"),
    ],
)
def test_bad_entry_is_one_line_naming_file_entry_and_field(
    tmp_path: Path, change: dict[str, object], field: str, words: str
) -> None:
    path = tmp_path / "portfolio.yaml"
    path.write_text(_entry(**change))
    with pytest.raises(ConfigError) as caught:
        load_portfolio(path, DOMAINS)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: '{field}'")
    assert words in message


def test_unknown_rule_and_share_out_of_range() -> None:
    with pytest.raises(ConfigError, match="'rule'"):
        parse_portfolio("rule: whenever\n", "p.yaml")
    assert parse_portfolio("rule: tickets_first\n", "p.yaml").share_out_of_tickets == 0
    with pytest.raises(ConfigError, match="'reserved_share'"):
        parse_portfolio("reserved_share: 1.0\n", "p.yaml")

"""The sample desk's generating spec: shipped valid, and precise about what is wrong when not."""

from __future__ import annotations

import pytest
import yaml

from deskmix.errors import ConfigError
from deskmix.sample.spec import parse_spec, spec_text


def edited(change: str, value: object) -> str:
    data = yaml.safe_load(spec_text())
    target = data
    *path, last = change.split(".")
    for key in path:
        target = target[key]
    target[last] = value
    return yaml.safe_dump(data)


def test_the_shipped_spec_is_valid_and_sums_to_forty_percent_second_line() -> None:
    spec = parse_spec(spec_text())
    assert set(spec.domains) == {
        "end_user",
        "accounts_access",
        "network",
        "security",
        "cloud_infra",
        "data_db",
        "business_apps",
        "procurement_hr",
        "architecture_projects",
    }
    assert sum(spec.domain_shares().values()) == pytest.approx(1.0)
    assert spec.expected_second_line() == pytest.approx(0.40, abs=0.02)
    assert spec.weekly_shape().sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("change", "value", "message"),
    [
        ("start", "2025-01-07", "Monday"),
        ("domains.end_user.specialist_groups", {"Nobody Team": 1}, "groups without agents"),
        ("domains.network.slots", {}, "no values for '{place}'"),
        ("hour_of_week.mon", [1.0] * 23, "24 non-negative weights"),
        ("weeks", 0, "weeks"),
    ],
)
def test_a_broken_spec_names_the_problem(change: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("{", r"\{")):
        parse_spec(edited(change, value))


def test_unknown_domains_and_bad_yaml_are_config_errors() -> None:
    data = yaml.safe_load(spec_text())
    data["domains"]["telepathy"] = data["domains"]["network"]
    with pytest.raises(ConfigError, match="unknown domains"):
        parse_spec(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_spec("name: [unclosed")

"""The self-assessment: personas get the expected verdicts; files and prompts are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from deskmix.cli.app import app
from deskmix.errors import ConfigError, InputError
from deskmix.people.answers import Answers, load_answers, parse_answers
from deskmix.people.assessment import assess
from deskmix.people.career import certification_order
from deskmix.people.catalogue import load_assessment_data
from tests.reports.htmlcheck import Page, light_report

PERSONAS = Path(__file__).parent / "personas"
DATA = load_assessment_data()
runner = CliRunner()


def _persona(name: str) -> Answers:
    return load_answers(PERSONAS / f"{name}.yaml", DATA)


def test_help_desk_all_rounder_is_an_it_support_pro() -> None:
    result = assess(_persona("helpdesk_allrounder"), DATA)
    assert result.verdict == "IT support pro"
    assert result.position.value < 0.38
    fitting = [f.role.id for f in result.fitting]
    over = [f.role.id for f in result.fits if f.overqualified]
    assert "help_desk_technician" in over and "network_engineer" not in fitting
    assert result.profile.breadth >= 5 and result.profile.depth == 3


def test_network_engineer_with_help_desk_title_is_a_hidden_network_specialist() -> None:
    result = assess(_persona("network_engineer_helpdesk_title"), DATA)
    assert result.verdict == "Hidden specialist (network)"
    assert result.profile.top_domain == "network"
    assert result.fits[0].role.family == "network"
    assert "Service desk analyst" in result.reasons[0]
    # the path skips what is held (A+, Network+, CCNA) and goes on to the professional level
    path = [s.certification.id for s in result.path.certifications]
    assert path and not {"comptia_a_plus", "comptia_network_plus", "ccna"} & set(path)
    assert "ccnp_enterprise" in path


def test_sysadmin_sits_in_between() -> None:
    result = assess(_persona("sysadmin_in_between"), DATA)
    assert result.position.band == "t_shaped"
    assert 0.38 <= result.position.value < 0.58
    assert "systems_administrator" in [f.role.id for f in result.fitting]


def test_the_same_persona_as_json_gives_the_same_result(tmp_path: Path) -> None:
    raw = yaml.safe_load((PERSONAS / "sysadmin_in_between.yaml").read_text())
    path = tmp_path / "kai.json"
    path.write_text(json.dumps(raw))
    from_json = assess(load_answers(path, DATA), DATA).to_dict()
    assert from_json == assess(_persona("sysadmin_in_between"), DATA).to_dict()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"experience": {"netwrok": 3}}, "experience.netwrok", "unknown skill domain"),
        ({"experience": {"network": 7}}, "experience.network", "0..5"),
        ({"experience": {"network": "lots"}}, "experience.network", "whole number"),
        ({"certifications": ["comptia_z"]}, "certifications.0", "unknown certification"),
        ({"enjoyed_tasks": ["naps"]}, "enjoyed_tasks.0", "unknown task"),
        ({"current_role": "wizard"}, "current_role", "unknown role"),
        ({"feedback": {"peers": 9}}, "feedback.peers", "less than or equal"),
        ({"years_in_it": -1}, "years_in_it", "greater than or equal"),
        ({"favourite_colour": "blue"}, "favourite_colour", "only the fields"),
        ({"projects": [{"domain": "space"}]}, "projects.0.domain", "unknown skill domain"),
    ],
)
def test_bad_answers_name_the_field_and_what_was_expected(
    change: dict[str, object], field: str, words: str, tmp_path: Path
) -> None:
    raw = yaml.safe_load((PERSONAS / "helpdesk_allrounder.yaml").read_text()) | change
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(InputError) as caught:
        load_answers(path, DATA)
    assert caught.value.field == field and words in str(caught.value)
    result = runner.invoke(app, ["assess", "--answers", str(path)])
    assert result.exit_code == 2
    assert field in result.stderr and "Traceback" not in result.output


def test_cli_prints_the_verdict_and_writes_the_radar_page(tmp_path: Path) -> None:
    out = tmp_path / "ines.html"
    answers = PERSONAS / "network_engineer_helpdesk_title.yaml"
    result = runner.invoke(app, ["assess", "--answers", str(answers), "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert "Hidden specialist (network)" in result.stdout
    assert "Cisco CCNP Enterprise" in result.stdout
    html = out.read_text()
    assert "Hidden specialist (network)" in html
    (radar,) = light_report(html)  # under 1.5 MB, the light plotly.js, the radar's data inside
    you = radar.traces[-1]
    assert you["fill"] == "toself" and len(you["customdata"]) == len(you["x"]) > 3
    assert "network" in you["customdata"]
    page = Page(html)
    assert page.problems == [] and page.references == []  # self-contained: no CDN, no files
    assert "Path to Senior network engineer: certifications, in order" in page.headings
    as_json = runner.invoke(app, ["assess", "--answers", str(answers), "--json"])
    data = json.loads(as_json.stdout)
    assert data["verdict"] == "Hidden specialist (network)"
    assert data["profile"]["top_domain"] == "network"


def _typed_answers(levels: dict[str, int]) -> str:
    """What a person types, question by question, in questionnaire.yaml's order."""
    lines = [
        "Ines",
        "service desk analyst",
        "senior network engineer",
        "6",
        "7,8,9",
        *[str(levels.get(d, 0)) for d in DATA.taxonomy.names],
    ]
    cert_ids = list(DATA.certifications)
    lines.append(",".join(str(cert_ids.index(c) + 1) for c in ("comptia_a_plus", "ccna")))
    lines += ["network, network", "5", "4", "network"]
    return "\n".join(lines) + "\n"


def test_interactive_assessment_reads_stdin_and_re_asks_bad_answers(tmp_path: Path) -> None:
    typed = _typed_answers({"end_user": 3, "network": 5, "security": 3, "accounts_access": 2})
    typed = typed.replace("\n6\n", "\nsix\n6\n", 1)  # a bad number is re-asked, not fatal
    saved, page = tmp_path / "ines.yaml", tmp_path / "ines.html"
    typed += f"{saved}\n{page}\n"  # save the answers, and take the report
    result = runner.invoke(app, ["assess", "--json"], input=typed)
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["assess", "--answers", str(saved), "--json"])
    assert json.loads(again.stdout) == json.loads(result.stdout[result.stdout.index("{") :])
    assert "scatterpolar" in page.read_text()
    data = json.loads(result.stdout[result.stdout.index("{") :])
    assert data["name"] == "Ines"
    assert data["verdict"] == "Hidden specialist (network)"
    assert "expected a whole number" in result.stdout
    # free text: the title is matched to a role and kept; the goal is matched to its role
    assert data["goal"] == "senior_network_engineer" and data["recommended"] == "goal"
    assert data["routes"][0]["steps"][-1]["role"] == "senior_network_engineer"


def test_interactive_without_saving_or_a_report() -> None:
    typed = _typed_answers({"end_user": 2}) + "\n\n"
    result = runner.invoke(app, ["assess"], input=typed, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Verdict:" in result.stdout and "Answers saved" not in result.stdout


def test_interactive_gives_up_after_three_bad_answers() -> None:
    result = runner.invoke(app, ["assess"], input="Sam\nwizard\nwizard\nwizard\n")
    assert result.exit_code == 2
    assert "no valid answer" in result.stderr


def test_unknown_target_role_is_a_clear_error() -> None:
    answers = PERSONAS / "sysadmin_in_between.yaml"
    result = runner.invoke(app, ["assess", "--answers", str(answers), "--target", "pilot"])
    assert result.exit_code == 2 and "--goal" in result.stderr
    assert "no role matches" in result.stderr


def test_a_catalogue_with_a_prerequisite_cycle_is_refused(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "src" / "deskmix" / "data" / "people"
    for name in ("questionnaire.yaml", "roles.yaml"):
        (tmp_path / name).write_text((shipped / name).read_text())
    text = (shipped / "certifications.yaml").read_text()
    text = text.replace(
        "domain: end_user, exam_usd",
        "domain: end_user, recommended: [comptia_network_plus], exam_usd",
        1,
    )
    (tmp_path / "certifications.yaml").write_text(text)
    with pytest.raises(ConfigError, match="cycle"):
        load_assessment_data(tmp_path)


levels = st.integers(min_value=0, max_value=5)
domain_levels = st.fixed_dictionaries(dict.fromkeys(DATA.taxonomy.names, levels))


@settings(max_examples=60, deadline=None)
@given(
    wanted=st.lists(st.sampled_from(list(DATA.certifications)), max_size=6),
    held=st.sets(st.sampled_from(list(DATA.certifications)), max_size=6),
)
def test_certification_path_puts_prerequisites_first_and_skips_held(
    wanted: list[str], held: set[str]
) -> None:
    order = [c.id for c in certification_order(wanted, held, DATA)]
    assert not set(order) & held
    assert len(order) == len(set(order))
    assert {w for w in wanted if w not in held} <= set(order)
    for position, cid in enumerate(order):
        for pre in DATA.certifications[cid].prerequisites:
            assert pre in held or (pre in order and order.index(pre) < position)


@settings(max_examples=80, deadline=None)
@given(experience=domain_levels, bump=st.sampled_from(DATA.taxonomy.names))
def test_scores_stay_in_range_and_more_depth_never_moves_towards_support_pro(
    experience: dict[str, int], bump: str
) -> None:
    answers = parse_answers({"experience": experience}, DATA)
    result = assess(answers, DATA)
    assert 0 <= result.position.value <= 1
    assert all(0 <= f.fit <= 1 for f in result.fits)
    assert result.profile.breadth == sum(v >= 2 for v in experience.values())
    top = result.profile.top_domain
    if experience[top] < 5:
        deeper = parse_answers({"experience": experience | {top: experience[top] + 1}}, DATA)
        assert assess(deeper, DATA).position.value >= result.position.value - 1e-12

"""Every shipped workflow file loads and makes sense, so a broken path fails CI, not a click."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.workflow import guards
from app.workflow import roles
from app.workflow.catalog import check_files
from app.workflow.definition import FINAL_STATUSES
from app.workflow.definition import WorkflowDefinition
from app.workflow.engine import Engine
from app.workflow.labels import labels_of
from app.workflow.loader import load_file
from config import Config

WORKFLOWS_DIR = Path(Config.WORKFLOWS_DIR)
SHIPPED = sorted(WORKFLOWS_DIR.glob("*.y*ml"))


@pytest.fixture(params=SHIPPED, ids=[path.name for path in SHIPPED])
def definition(request) -> WorkflowDefinition:
    return load_file(request.param)


def reachable_stages(definition: WorkflowDefinition) -> set[str]:
    seen = {definition.initial}
    frontier = [definition.initial]
    while frontier:
        stage = frontier.pop()
        for transition in definition.transitions:
            if stage in transition.sources and transition.dest and transition.dest not in seen:
                seen.add(transition.dest)
                frontier.append(transition.dest)
    return seen


def test_workflows_directory_ships_the_default_path():
    assert WORKFLOWS_DIR.joinpath("innovation_path.yaml") in SHIPPED


def test_shipped_files_pass_the_check_command_together():
    # check_files also catches two files claiming the same workflow name.
    assert check_files(SHIPPED) == []


def test_definition_has_stages_and_a_valid_initial_stage(definition):
    assert definition.stages
    assert definition.initial in definition.stage_names
    assert definition.version >= 1
    assert len(definition.checksum) == 64


def test_every_stage_is_reachable_from_the_initial_stage(definition):
    assert reachable_stages(definition) == set(definition.stage_names)


def test_every_trigger_has_an_event_with_known_roles_and_guards(definition):
    triggers = {t.trigger for t in definition.transitions}
    assert triggers == set(definition.events)
    for event in definition.events.values():
        assert event.roles, event.name
        assert set(event.roles) <= roles.ROLE_NAMES
        assert set(event.override_roles) <= roles.ROLE_NAMES
        assert set(event.gates) <= guards.names()


def test_a_project_can_finish_the_path(definition):
    final_events = [e for e in definition.events.values() if e.to_status in FINAL_STATUSES]
    assert any(e.to_status == "graduated" for e in final_events)
    assert any(e.to_status == "abandoned" for e in final_events)


def test_a_status_set_by_an_event_can_be_left_unless_final(definition):
    set_statuses = {e.to_status for e in definition.events.values() if e.to_status} - FINAL_STATUSES
    for status in set_statuses:
        assert any(status in e.from_statuses for e in definition.events.values()), status


def test_every_text_is_translated_into_every_language(definition):
    missing = {where: sorted(set(Config.LANGUAGES) - {k for k, v in text.items() if v})
               for where, text in labels_of(definition).items()}
    missing = {where: languages for where, languages in missing.items() if languages}
    assert not missing, f"{len(missing)} texts lack a shipped language, such as: {list(missing.items())[:10]}"


def test_the_texts_of_a_definition_include_kpis_readiness_and_history():
    where = set(labels_of(load_file(WORKFLOWS_DIR / "innovation_path.yaml")))

    assert {"label", "states.idea.label", "events.advance.label", "readiness.dimensions.technology.label",
            "readiness.dimensions.technology.levels[0]"} <= where
    assert any(".kpis.metrics." in w for w in where)
    assert any(".deliverables." in w for w in where)
    assert any(w.endswith(".history") for w in where)


def test_engine_builds_a_machine_without_auto_transitions(definition):
    engine = Engine(definition)
    assert set(engine.machine.events) == set(definition.events)
    assert list(engine.machine.states) == list(definition.stage_names)
    assert engine.machine.models == []


def test_innovation_path_stages_follow_the_documented_order():
    definition = load_file(WORKFLOWS_DIR / "innovation_path.yaml")
    assert definition.stage_names == (
        "idea", "project", "industrialisation", "commercialisation", "internationalisation",
    )
    assert definition.initial == "idea"


@pytest.mark.parametrize(
    ("event", "who", "comment_required", "to_status"),
    [
        ("approve_gate", {"assigned_mentor", "manager"}, False, None),
        ("advance", {"member", "assigned_mentor", "manager"}, False, None),
        ("send_back", {"assigned_mentor", "manager"}, True, None),
        ("hold", {"member", "manager"}, True, "on_hold"),
        ("resume", {"member", "manager"}, False, "active"),
        ("abandon", {"member", "manager"}, True, "abandoned"),
        ("graduate", {"manager"}, False, "graduated"),
    ],
)
def test_innovation_path_events_match_the_public_contract(event, who, comment_required, to_status):
    definition = load_file(WORKFLOWS_DIR / "innovation_path.yaml")
    rules = definition.events[event]
    assert set(rules.roles) == who
    assert rules.comment_required is comment_required
    assert rules.to_status == to_status


def test_innovation_path_only_managers_override_advance():
    definition = load_file(WORKFLOWS_DIR / "innovation_path.yaml")
    assert definition.events["advance"].override_roles == ("manager",)
    assert set(definition.events["advance"].gates) == {"all_deliverables_done", "gate_approved"}
    assert definition.events["graduate"].override_roles == ()

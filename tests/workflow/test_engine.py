"""The engine alone: a definition, a guard context and a plain flow, no database and no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.errors import GateAlreadyApproved
from app.core.errors import TransitionNotAllowed
from app.workflow.definition import FINAL_STATUSES
from app.workflow.definition import WorkflowDefinition
from app.workflow.engine import Engine
from app.workflow.guards import GuardContext
from app.workflow.loader import load_file
from config import Config

STAGES = ("idea", "project", "industrialisation", "commercialisation", "internationalisation")
ROLES = ("member", "assigned_mentor", "manager")
EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
#: Who fires what, as the public contract (API.md) states it.
ALLOWED = {
    "approve_gate": {"assigned_mentor", "manager"},
    "advance": {"member", "assigned_mentor", "manager"},
    "send_back": {"assigned_mentor", "manager"},
    "hold": {"member", "manager"},
    "resume": {"member", "manager"},
    "abandon": {"member", "manager"},
    "graduate": {"manager"},
}
#: A situation in which each event passes every rule but the role: stage, status, gate approved.
READY = {
    "approve_gate": ("project", "active", False),
    "advance": ("project", "active", True),
    "send_back": ("project", "active", False),
    "hold": ("project", "active", False),
    "resume": ("project", "on_hold", False),
    "abandon": ("project", "active", False),
    "graduate": ("internationalisation", "active", True),
}
#: Where each event then leaves the project: (stage, status).
OUTCOME = {
    "approve_gate": ("project", "active"),
    "advance": ("industrialisation", "active"),
    "send_back": ("idea", "active"),
    "hold": ("project", "on_hold"),
    "resume": ("project", "active"),
    "abandon": ("project", "abandoned"),
    "graduate": ("internationalisation", "graduated"),
}
COMMENT_REQUIRED = ("send_back", "hold", "abandon")


@dataclass
class Flow:
    """The smallest thing the engine moves: a stage (`state`) and a status."""

    state: str
    status: str = "active"


@pytest.fixture(scope="module")
def definition() -> WorkflowDefinition:
    return load_file(Path(Config.WORKFLOWS_DIR) / "innovation_path.yaml")


@pytest.fixture(scope="module")
def path_engine(definition) -> Engine:
    return Engine(definition)


@pytest.fixture
def context(definition):
    """Build a GuardContext; `done="all"` ticks every deliverable of the stage."""

    def make(stage: str = "idea", status: str = "active", *, done: tuple[str, ...] | str = (),
             gate_approved: bool = False, mentor_count: int = 0) -> GuardContext:
        stage_def = definition.stage(stage)
        keys = {d.key for d in stage_def.deliverables} if done == "all" else set(done)
        return GuardContext(stage=stage_def, status=status, done_deliverables=frozenset(keys),
                            gate_approved=gate_approved, mentor_count=mentor_count)

    return make


@pytest.fixture
def fire(path_engine, context):
    """Fire `event` on `flow` (default: a fresh one at `stage` and `status`) and return the flow."""

    def fire_event(event: str, roles: frozenset[str], *, stage: str = "idea", status: str = "active",
                   done: tuple[str, ...] | str = "all", gate_approved: bool = True, override: bool = False,
                   comment: str = "Because.", flow: Flow | None = None) -> Flow:
        flow = flow or Flow(stage, status)
        ctx = context(stage, status, done=done, gate_approved=gate_approved)
        path_engine.fire(flow, event, ctx, roles, override=override, comment=comment)
        return flow

    return fire_event


def refusal(fire, event: str, roles: frozenset[str], **kwargs) -> tuple[list[str], Flow]:
    """Fire expecting a refusal; return the reasons and the untouched flow."""
    flow = Flow(kwargs.pop("stage", "idea"), kwargs.pop("status", "active"))
    with pytest.raises(TransitionNotAllowed) as caught:
        fire(event, roles, stage=flow.state, status=flow.status, flow=flow, **kwargs)
    return caught.value.reasons, flow


def ready(event: str) -> dict:
    stage, status, gate = READY[event]
    return {"stage": stage, "status": status, "gate_approved": gate}


@pytest.mark.parametrize(
    ("event", "role"),
    [(event, role) for event, allowed in ALLOWED.items() for role in ROLES if role not in allowed],
)
def test_event_refused_to_a_role_the_workflow_does_not_list(fire, event, role):
    reasons, flow = refusal(fire, event, frozenset({role}), **ready(event))
    assert len(reasons) == 1
    assert reasons[0].startswith("Your role does not allow")
    assert (flow.state, flow.status) == READY[event][:2]


@pytest.mark.parametrize("event", sorted(ALLOWED))
def test_event_refused_to_someone_with_no_relation_to_the_project(fire, event):
    reasons, flow = refusal(fire, event, NOBODY, **ready(event))
    assert reasons[0].startswith("Your role does not allow")
    assert (flow.state, flow.status) == READY[event][:2]


@pytest.mark.parametrize(
    ("event", "role"), [(event, role) for event, allowed in ALLOWED.items() for role in sorted(allowed)]
)
def test_event_fires_for_every_role_the_workflow_lists(fire, event, role):
    flow = fire(event, frozenset({role}), **ready(event))
    assert (flow.state, flow.status) == OUTCOME[event]


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
@pytest.mark.parametrize("event", sorted(ALLOWED))
def test_nothing_fires_once_the_status_is_final(fire, event, status):
    stage = READY[event][0]
    reasons, flow = refusal(fire, event, EVERYONE, stage=stage, status=status, override=True)
    assert reasons[0] == f"The project is {status}; nothing more can happen to it."
    assert (flow.state, flow.status) == (stage, status)


@pytest.mark.parametrize(
    ("event", "status", "reason"),
    [
        ("resume", "active", "Not possible while the project is active."),
        ("hold", "on_hold", "Not possible while the project is on hold."),
        ("advance", "on_hold", "Not possible while the project is on hold."),
        ("approve_gate", "on_hold", "Not possible while the project is on hold."),
        ("send_back", "on_hold", "Not possible while the project is on hold."),
        ("graduate", "on_hold", "Not possible while the project is on hold."),
    ],
)
def test_event_refused_in_a_status_it_does_not_apply_to(fire, event, status, reason):
    reasons, flow = refusal(fire, event, EVERYONE, **{**ready(event), "status": status})
    assert reasons == [reason]
    assert flow.status == status


@pytest.mark.parametrize(
    ("event", "stage"),
    [("advance", "internationalisation"), ("send_back", "idea")] + [("graduate", stage) for stage in STAGES[:-1]],
)
def test_event_refused_from_a_stage_without_its_transition(fire, definition, event, stage):
    reasons, flow = refusal(fire, event, EVERYONE, stage=stage)
    assert f"Not possible from stage “{definition.stage(stage).label}”." in reasons
    assert flow.state == stage


@pytest.mark.parametrize("comment", ["", "   \n"], ids=["empty", "blank"])
@pytest.mark.parametrize("event", COMMENT_REQUIRED)
def test_event_refused_without_a_required_comment(fire, event, comment):
    reasons, flow = refusal(fire, event, EVERYONE, comment=comment, **ready(event))
    assert reasons == ["A comment is required."]
    assert (flow.state, flow.status) == READY[event][:2]


@pytest.mark.parametrize("event", sorted(set(ALLOWED) - set(COMMENT_REQUIRED)))
def test_event_with_an_optional_comment_fires_without_one(fire, event):
    flow = fire(event, EVERYONE, comment="", **ready(event))
    assert (flow.state, flow.status) == OUTCOME[event]


@pytest.mark.parametrize("stage", STAGES[:-1])
def test_gate_reasons_name_each_missing_required_deliverable_by_title(fire, definition, stage):
    stage_def = definition.stage(stage)
    reasons, flow = refusal(fire, "advance", frozenset({"member"}), stage=stage, done=(), gate_approved=False)
    assert reasons == [
        *(f"Deliverable “{d.label}” is not done." for d in stage_def.deliverables if d.required),
        f"The gate of stage “{stage_def.label}” has not been approved.",
    ]
    optional = [d for d in stage_def.deliverables if not d.required]
    assert not any(d.label in reason for d in optional for reason in reasons)
    assert flow.state == stage


def test_gate_reasons_are_sentences_for_people_not_keys(fire):
    reasons, _ = refusal(fire, "advance", frozenset({"member"}), stage="project", done=("business_plan",),
                         gate_approved=False)
    assert reasons == [
        "Deliverable “Working prototype” is not done.",
        "The gate of stage “Project” has not been approved.",
    ]
    for reason in reasons:
        assert reason[0].isupper() and reason.endswith(".")
        assert "_" not in reason


def test_approving_a_gate_needs_the_required_deliverables(fire):
    reasons, flow = refusal(fire, "approve_gate", frozenset({"assigned_mentor"}), stage="idea",
                            done=("problem_statement", "market_sketch"), gate_approved=False)
    assert reasons == ["Deliverable “Founding team formed” is not done."]
    assert flow.state == "idea"


@pytest.mark.parametrize("override", [False, True])
def test_an_approved_gate_is_not_approved_again(fire, path_engine, context, override):
    with pytest.raises(GateAlreadyApproved) as caught:
        fire("approve_gate", frozenset({"manager"}), stage="project", gate_approved=True, override=override)
    assert caught.value.reasons == ["The gate of stage “Project” was already approved; it is approved once per "
                                    "stay in the stage."]
    options = options_by_event(path_engine, context("project", done="all", gate_approved=True),
                               frozenset({"manager"}))
    assert "approve_gate" not in options and options["advance"].allowed


def test_graduating_needs_the_gate_approved(fire):
    reasons, flow = refusal(fire, "graduate", frozenset({"manager"}), stage="internationalisation",
                            gate_approved=False)
    assert reasons == ["The gate of stage “Internationalisation” has not been approved."]
    assert flow.status == "active"


@pytest.mark.parametrize("event", ["advance", "approve_gate"])
def test_manager_overrides_failing_gates_with_a_comment(fire, event):
    flow = fire(event, frozenset({"manager"}), stage="project", done=(), gate_approved=False, override=True,
                comment="The board decided.")
    assert flow.state == ("industrialisation" if event == "advance" else "project")


def test_override_without_a_comment_is_refused(fire):
    reasons, flow = refusal(fire, "advance", frozenset({"manager"}), stage="project", done=(),
                            gate_approved=False, override=True, comment=" ")
    assert reasons == ["An override needs a comment."]
    assert flow.state == "project"


@pytest.mark.parametrize("role", ["member", "assigned_mentor"])
def test_override_refused_to_a_role_without_the_override_right(fire, role):
    reasons, flow = refusal(fire, "advance", frozenset({role}), stage="project", done=(), gate_approved=False,
                            override=True)
    assert reasons == ["Your role cannot override the gates of “Move to the next stage”."]
    assert flow.state == "project"


def test_graduation_gate_cannot_be_overridden_even_by_a_manager(fire):
    reasons, flow = refusal(fire, "graduate", frozenset({"manager"}), stage="internationalisation",
                            gate_approved=False, override=True)
    assert reasons == ["Your role cannot override the gates of “Graduate”."]
    assert flow.status == "active"


def test_override_is_harmless_when_the_gates_pass(fire):
    flow = fire("advance", frozenset({"member"}), stage="project", override=True, comment="")
    assert flow.state == "industrialisation"


def test_machine_refuses_failing_gates_even_when_called_directly(path_engine, definition, context):
    # The service explains refusals; the machine's own condition is the second line of defence.
    flow = Flow("idea")
    fired = path_engine.machine.events["advance"].trigger(
        flow, ctx=context("idea"), event=definition.events["advance"], override=False)
    assert fired is False
    assert flow.state == "idea"


@pytest.mark.parametrize(("before", "after"), list(zip(STAGES, STAGES[1:], strict=False)))
def test_advance_moves_exactly_one_stage_forward(fire, before, after):
    assert fire("advance", EVERYONE, stage=before).state == after


@pytest.mark.parametrize(("before", "after"), list(zip(STAGES[1:], STAGES, strict=False)))
def test_send_back_moves_exactly_one_stage_back(fire, before, after):
    assert fire("send_back", EVERYONE, stage=before).state == after


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(
    ("event", "status_before", "status_after"),
    [
        ("approve_gate", "active", "active"),
        ("hold", "active", "on_hold"),
        ("resume", "on_hold", "active"),
        ("abandon", "active", "abandoned"),
        ("abandon", "on_hold", "abandoned"),
    ],
)
def test_internal_event_keeps_the_stage_and_sets_the_status(fire, stage, event, status_before, status_after):
    # A gate is approved once per stage visit: approving needs a gate not approved yet.
    flow = fire(event, EVERYONE, stage=stage, status=status_before, gate_approved=event != "approve_gate")
    assert (flow.state, flow.status) == (stage, status_after)


def test_graduate_keeps_the_last_stage(fire):
    flow = fire("graduate", EVERYONE, stage="internationalisation")
    assert (flow.state, flow.status) == ("internationalisation", "graduated")


def test_unknown_event_is_refused(fire):
    reasons, flow = refusal(fire, "teleport", EVERYONE)
    assert reasons == ["This workflow has no event “teleport”."]
    assert flow.state == "idea"


def test_engine_has_no_back_doors(path_engine, fire):
    assert not any(name.startswith("to_") for name in path_engine.machine.events)
    flow = fire("advance", EVERYONE, stage="idea")
    # The machine is shared: it never attaches triggers to the objects it moves.
    assert not hasattr(flow, "advance")
    assert path_engine.machine.models == []


def options_by_event(path_engine, ctx, roles) -> dict:
    return {option.event.name: option for option in path_engine.options(ctx, roles)}


def test_options_list_blocked_events_with_their_reasons(path_engine, context):
    options = options_by_event(path_engine, context("idea"), frozenset({"member"}))
    assert set(options) == {"request_review", "advance", "hold", "abandon"}
    advance = options["advance"]
    assert advance.allowed is False
    assert advance.reasons == (
        "Deliverable “Problem statement” is not done.",
        "Deliverable “Founding team formed” is not done.",
        "The gate of stage “Idea” has not been approved.",
    )
    assert advance.overridable is False
    assert options["hold"].allowed and options["hold"].reasons == ()


def test_options_give_the_same_reasons_as_firing(path_engine, context, fire):
    ctx = context("project", done=("prototype",))
    [option] = [o for o in path_engine.options(ctx, frozenset({"member"})) if o.event.name == "advance"]
    reasons, _ = refusal(fire, "advance", frozenset({"member"}), stage="project", done=("prototype",),
                         gate_approved=False)
    assert list(option.reasons) == reasons


def test_options_mark_failing_gates_overridable_for_a_manager(path_engine, context):
    options = options_by_event(path_engine, context("idea"), frozenset({"manager"}))
    assert set(options) == {"approve_gate", "advance", "hold", "abandon"}
    assert options["advance"].overridable and not options["advance"].allowed
    assert options["approve_gate"].overridable
    assert not options["hold"].overridable


def test_options_show_an_assigned_mentor_the_mentor_events(path_engine, context):
    options = options_by_event(path_engine, context("project", done="all"), frozenset({"assigned_mentor"}))
    assert set(options) == {"approve_gate", "advance", "send_back"}
    assert options["approve_gate"].allowed and options["send_back"].allowed
    assert options["advance"].reasons == ("The gate of stage “Project” has not been approved.",)


@pytest.mark.parametrize("stage", STAGES)
def test_options_while_on_hold_offer_only_resume_and_abandon(path_engine, context, stage):
    options = options_by_event(path_engine, context(stage, "on_hold"), EVERYONE)
    assert set(options) == {"resume", "abandon"}
    assert all(option.allowed for option in options.values())


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_options_are_empty_once_final(path_engine, context, status):
    assert path_engine.options(context("internationalisation", status, done="all", gate_approved=True),
                               EVERYONE) == []


def test_options_omit_events_with_no_transition_from_the_stage(path_engine, context):
    first = options_by_event(path_engine, context("idea"), EVERYONE)
    last = options_by_event(path_engine, context("internationalisation", gate_approved=True), EVERYONE)
    assert "send_back" not in first and "graduate" not in first
    assert "advance" not in last
    assert last["graduate"].allowed


def test_options_are_empty_for_someone_with_no_relation(path_engine, context):
    assert path_engine.options(context("project"), NOBODY) == []

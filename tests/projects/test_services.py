"""Project services against a session, no client: `create_project` (the one way projects come to be: the
form, the API, a call's label), gates, overrides, refusals and the history they write."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.errors import ConcurrentEdit
from app.core.errors import EventForbidden
from app.core.errors import Forbidden
from app.core.errors import NotFound
from app.core.errors import TransitionNotAllowed
from app.core.errors import ValidationFailed
from app.projects import services
from app.projects.models import GateDecision
from app.projects.models import Project
from app.projects.models import ProjectEvent

IDEA_REQUIRED = ("problem_statement", "team_formed")


def fire(session, project, event, actor, now, **kw):
    record = services.fire_event(session, project, event, actor=actor, now=now, version=project.version, **kw)
    session.commit()
    return record


def history(session, project) -> list[tuple[str, str | None, str]]:
    rows = session.scalars(select(ProjectEvent).where(ProjectEvent.project_id == project.id).order_by(ProjectEvent.id))
    return [(r.event, r.from_stage, r.to_stage) for r in rows]


def test_a_new_project_starts_at_the_first_stage_with_its_founder_and_a_create_event(session, make_project,
                                                                                    founder):
    project = make_project()

    assert (project.stage, project.status, project.workflow_key) == ("idea", "active", "innovation_path")
    assert [m.user_id for m in project.members] == [founder.id]
    assert history(session, project) == [("create", None, "idea")]


def test_a_mentor_may_not_create_a_project(session, mentor, now):
    with pytest.raises(Forbidden):
        services.create_project(session, name="Nope", summary="s", pole="multimedia", workflow=None,
                                default_workflow="innovation_path", actor=mentor, now=now)


def test_advance_is_refused_while_a_required_deliverable_is_open(session, make_project, founder, now):
    project = make_project()
    services.set_deliverable(session, project, "problem_statement", done=True, actor=founder, now=now)

    with pytest.raises(TransitionNotAllowed) as refused:
        fire(session, project, "advance", founder, now)

    assert any("Founding team formed" in reason for reason in refused.value.reasons)
    session.rollback()
    assert project.stage == "idea"
    assert history(session, project) == [("create", None, "idea")]


def test_advance_needs_the_gate_approved_even_with_every_deliverable_done(session, make_project, tick_all, founder,
                                                                         now):
    project = make_project()
    tick_all(project, founder)

    with pytest.raises(TransitionNotAllowed) as refused:
        fire(session, project, "advance", founder, now)

    assert refused.value.reasons  # the gate is named
    assert project.stage == "idea"


def test_an_assigned_mentor_approves_the_gate_then_the_founder_advances(session, make_project, tick_all, assign,
                                                                       founder, mentor, now):
    project = make_project()
    assign(project, mentor)
    tick_all(project, founder)

    fire(session, project, "approve_gate", mentor, now)
    fire(session, project, "advance", founder, now)

    assert project.stage == "project"
    assert history(session, project)[-2:] == [("approve_gate", "idea", "idea"), ("advance", "idea", "project")]
    [decision] = session.scalars(select(GateDecision).where(GateDecision.project_id == project.id))
    assert (decision.stage, decision.decision) == ("idea", "go")


def test_a_founder_may_not_approve_their_own_gate(session, make_project, tick_all, founder, now):
    project = make_project()
    tick_all(project, founder)

    with pytest.raises(EventForbidden):
        fire(session, project, "approve_gate", founder, now)


def test_a_mentor_of_another_project_may_not_approve(session, make_project, make_user, assign, tick_all, founder,
                                                     now):
    project, elsewhere = make_project(), make_project(name="Elsewhere")
    other_mentor = make_user("mentor")
    assign(elsewhere, other_mentor)
    tick_all(project, founder)

    with pytest.raises(EventForbidden):
        fire(session, project, "approve_gate", other_mentor, now)


def test_a_manager_overrides_the_gates_with_a_comment_and_the_history_says_so(session, make_project, manager, now):
    project = make_project()

    record = fire(session, project, "advance", manager, now, override=True, comment="Fast track: prior incubator")

    assert project.stage == "project"
    assert record.is_override
    assert record.comment == "Fast track: prior incubator"


def test_an_override_without_a_comment_is_refused(session, make_project, manager, now):
    project = make_project()

    with pytest.raises(TransitionNotAllowed) as refused:
        fire(session, project, "advance", manager, now, override=True)

    assert any("comment" in reason for reason in refused.value.reasons)


def test_a_founder_cannot_override(session, make_project, founder, now):
    project = make_project()

    with pytest.raises(TransitionNotAllowed) as refused:
        fire(session, project, "advance", founder, now, override=True, comment="please")

    assert any("cannot override" in reason for reason in refused.value.reasons)
    assert project.stage == "idea"


@pytest.mark.parametrize("event", ["hold", "abandon"])
def test_events_that_need_a_comment_refuse_without_one(session, make_project, founder, now, event):
    project = make_project()

    with pytest.raises(TransitionNotAllowed) as refused:
        fire(session, project, event, founder, now)

    assert any("comment is required" in reason for reason in refused.value.reasons)
    assert project.status == "active"


def test_a_stale_version_is_refused_before_anything_changes(session, make_project, founder, now):
    project = make_project()
    stale = project.version
    services.set_deliverable(session, project, "problem_statement", done=True, actor=founder, now=now)
    session.commit()

    with pytest.raises(ConcurrentEdit):
        services.fire_event(session, project, "hold", actor=founder, now=now, version=stale, comment="pause")
    assert project.status == "active"


def test_a_closed_project_takes_no_more_events_or_ticks(session, make_project, founder, now):
    project = make_project()
    fire(session, project, "abandon", founder, now, comment="The team split up")

    with pytest.raises(TransitionNotAllowed) as refused:
        fire(session, project, "resume", founder, now)
    assert refused.value.reasons
    with pytest.raises(ValidationFailed):
        services.set_deliverable(session, project, "problem_statement", done=True, actor=founder, now=now)
    assert project.status == "abandoned"


def test_ticking_an_unknown_deliverable_is_not_found(session, make_project, founder, now):
    project = make_project()

    with pytest.raises(NotFound):
        services.set_deliverable(session, project, "no_such_thing", done=True, actor=founder, now=now)


def test_only_the_team_and_managers_tick(session, make_project, other_founder, now):
    project = make_project()

    with pytest.raises(Forbidden):
        services.set_deliverable(session, project, IDEA_REQUIRED[0], done=True, actor=other_founder, now=now)


def test_send_back_records_a_recycle_decision(session, make_project, manager, now):
    project = make_project(stage="project")

    fire(session, project, "send_back", manager, now, comment="The prototype is not ready")

    assert project.stage == "idea"
    decisions = session.scalars(select(GateDecision.decision).where(GateDecision.project_id == project.id)).all()
    assert decisions == ["recycle"]


# Creating and placing projects ---------------------------------------------------------------

def create(session, actor, now, **extra) -> Project:
    return services.create_project(session, name="Atlas", summary="", pole="multimedia", workflow="innovation_path",
                                   default_workflow="innovation_path", actor=actor, now=now, **extra)


def history_with_comments(session, project) -> list[tuple]:
    return [(e.event, e.from_stage, e.to_stage, e.comment) for e in session.scalars(
        select(ProjectEvent).where(ProjectEvent.project_id == project.id).order_by(ProjectEvent.id))]


def test_a_placed_project_starts_at_its_stage_with_the_move_in_its_history(session, manager, founder, now):
    project = create(session, manager, now, members=[founder.id], comment="Application to “Call”.",
                     placement=services.Placement("industrialisation", "label", "Strong team."))

    assert (project.stage, project.status, project.stage_entered_at) == ("industrialisation", "active", now)
    assert [m.user_id for m in project.members] == [founder.id]
    assert history_with_comments(session, project) == [("create", None, "idea", "Application to “Call”."),
                                         ("label", "idea", "industrialisation", "Strong team.")]


def test_a_placement_at_the_first_stage_writes_only_the_creation(session, manager, now):
    project = create(session, manager, now, placement=services.Placement("idea", "label"))

    assert project.stage == "idea"
    assert [h[0] for h in history_with_comments(session, project)] == ["create"]


def test_a_placement_at_a_stage_the_path_lacks_is_refused(session, manager, now):
    with pytest.raises(ValidationFailed) as refused:
        create(session, manager, now, placement=services.Placement("moon", "label"))

    assert set(refused.value.errors) == {"stage"}
    assert session.scalar(select(Project.id).where(Project.name == "Atlas")) is None


def test_a_founder_creator_joins_once_even_when_named_among_the_members(session, founder, make_user, now):
    partner = make_user("founder")

    project = create(session, founder, now, members=[founder.id, partner.id, partner.id])

    assert [m.user_id for m in project.members] == [founder.id, partner.id]
    assert project.stage == "idea" and history_with_comments(session, project)[0][:3] == ("create", None, "idea")

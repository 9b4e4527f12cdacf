"""`create_project`, the one way projects come to be (the form, the API, a call's label), against
a session: no client."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.errors import ValidationFailed
from app.projects import services
from app.projects.models import Project
from app.projects.models import ProjectEvent


def create(session, actor, now, **extra) -> Project:
    return services.create_project(session, name="Atlas", summary="", pole="multimedia", workflow="innovation_path",
                                   default_workflow="innovation_path", actor=actor, now=now, **extra)


def history(session, project) -> list[tuple]:
    return [(e.event, e.from_stage, e.to_stage, e.comment) for e in session.scalars(
        select(ProjectEvent).where(ProjectEvent.project_id == project.id).order_by(ProjectEvent.id))]


def test_a_placed_project_starts_at_its_stage_with_the_move_in_its_history(session, manager, founder, now):
    project = create(session, manager, now, members=[founder.id], comment="Application to “Call”.",
                     placement=services.Placement("industrialisation", "label", "Strong team."))

    assert (project.stage, project.status, project.stage_entered_at) == ("industrialisation", "active", now)
    assert [m.user_id for m in project.members] == [founder.id]
    assert history(session, project) == [("create", None, "idea", "Application to “Call”."),
                                         ("label", "idea", "industrialisation", "Strong team.")]


def test_a_placement_at_the_first_stage_writes_only_the_creation(session, manager, now):
    project = create(session, manager, now, placement=services.Placement("idea", "label"))

    assert project.stage == "idea"
    assert [h[0] for h in history(session, project)] == ["create"]


def test_a_placement_at_a_stage_the_path_lacks_is_refused(session, manager, now):
    with pytest.raises(ValidationFailed) as refused:
        create(session, manager, now, placement=services.Placement("moon", "label"))

    assert set(refused.value.errors) == {"stage"}
    assert session.scalar(select(Project.id).where(Project.name == "Atlas")) is None


def test_a_founder_creator_joins_once_even_when_named_among_the_members(session, founder, make_user, now):
    partner = make_user("founder")

    project = create(session, founder, now, members=[founder.id, partner.id, partner.id])

    assert [m.user_id for m in project.members] == [founder.id, partner.id]
    assert project.stage == "idea" and history(session, project)[0][:3] == ("create", None, "idea")

"""The areas take part in a project's rules through `app.projects.hooks`, wired by `app.areas`:
projects imports none of them, and each rule still holds (tested against a session)."""

from __future__ import annotations

from sqlalchemy import select

from app.checkins.models import CheckIn
from app.mentoring import services as mentoring_services
from app.mentoring.models import MentorAssignment
from app.projects import hooks
from app.projects import queries
from app.projects import services


def test_a_subscription_is_kept_once(app):
    before = len(hooks.visibility_rules(_Nobody()))
    from app import areas

    areas.connect()  # a second app in the same process wires the same rules

    assert len(hooks.visibility_rules(_Nobody())) == before == 2


def test_an_assigned_mentor_sees_the_project_and_holds_the_role(app, session, make_project, mentor, assign):
    project = make_project()
    assert queries.relations(session, project, mentor) == frozenset()
    assign(project, mentor)

    assert session.scalar(select(queries.visible_to(mentor)).where(queries.Project.id == project.id))
    assert queries.relations(session, project, mentor) == frozenset({"assigned_mentor"})


def test_a_stage_change_ends_the_stage_assignments_and_follows_check_ins(app, session, make_project, mentor,
                                                                          manager, now):
    project = make_project()
    mentoring_services.assign_mentor(session, project, mentor, actor=manager, now=now, override=True)
    session.commit()
    assert [c.status for c in _checkins(session, project)] == ["scheduled"]  # planned for the new mentor

    services.fire_event(session, project, "advance", actor=manager, now=now, version=project.version,
                        comment="moving on", override=True)
    session.commit()

    ended = session.scalars(select(MentorAssignment).where(MentorAssignment.project_id == project.id)).all()
    assert [(a.ended_at is not None, a.end_reason) for a in ended] == [(True, "stage_change")]
    assert [(c.status, c.cancel_reason) for c in _checkins(session, project)] == [("cancelled", "stage_change")]


def _checkins(session, project) -> list[CheckIn]:
    return list(session.scalars(select(CheckIn).where(CheckIn.project_id == project.id).order_by(CheckIn.id)))


class _Nobody:
    id = 0
    is_manager = False

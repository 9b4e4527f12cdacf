"""Mentoring through the API: mentors, assignments, suggestions, sessions, action items."""

from __future__ import annotations

from app.api import bp
from app.api import params
from app.api import schemas
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import paginated
from app.api.auth import roles
from app.api.params import page_args
from app.api.projects import person
from app.api.projects import visible
from app.api.spec import doc
from app.core.errors import Forbidden
from app.core.time import utcnow
from app.extensions import db
from app.mentoring import permissions
from app.mentoring import queries
from app.mentoring import services
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.mentoring.queries import MentorLoad
from app.mentoring.suggestions import suggest_for
from app.projects import queries as project_queries
from app.projects.services import definition_of
from app.workflow.catalog import catalog_of


def mentor_out(load: MentorLoad) -> dict:
    return schemas.MentorOut(
        id=load.mentor.id, name=load.mentor.name, poles=load.poles, stages=load.stages, capacity=load.capacity,
        languages=load.languages, bio=load.bio, active_assignments=load.active, average_rating=load.average_rating,
    ).model_dump(mode="json")


def assignment_out(a: MentorAssignment) -> dict:
    return schemas.AssignmentOut(
        assignment_id=a.id, mentor=person(a.mentor), stage=a.stage, started_at=a.started_at, ended_at=a.ended_at,
        end_reason=a.end_reason, over_capacity=a.is_over_capacity,
    ).model_dump(mode="json")


def session_out(s: AdviceSession, *, relations: frozenset[str]) -> dict:
    user = current_user()
    side = permissions.rating_side(user, relations, s)
    today = utcnow().date()
    return schemas.SessionOut(
        id=s.id, project_id=s.project_id, mentor=person(s.mentor), stage=s.stage, held_at=s.held_at,
        duration_minutes=s.duration_minutes, summary=s.summary,
        notes=s.notes if permissions.can_see_notes(user, s) else None, checkin_id=s.checkin_id,
        action_items=[{"id": i.id, "title": i.title, "owner": person(i.owner), "due_on": i.due_on, "done": i.is_done,
                       "overdue": i.is_overdue(today)} for i in s.action_items],
        ratings=[{"side": r.side, "rater": person(r.rater), "usefulness": r.usefulness, "comment": r.comment}
                 for r in queries.visible_ratings(s, side, now=utcnow(), is_manager=user.is_manager)],
    ).model_dump(mode="json")


def all_stage_names() -> set[str]:
    return {s for d in catalog_of(db.session).all_latest() for s in d.stage_names}


@bp.get("/mentors")
@doc("Mentor profiles with their load", list_response=schemas.Page, errors=(403,),
     query=params.PageQuery, tag="mentoring")
@roles("manager", "mentor")
def list_mentors():
    loads = queries.list_mentors(db.session)
    return paged_list([mentor_out(load) for load in loads])


@bp.patch("/mentors/<int:mentor_id>")
@doc("Edit a mentor profile (managers, or the mentor themself)", body=schemas.MentorPatch,
     response=schemas.MentorOut, errors=(403, 404, 409), tag="mentoring")
@authenticated
def patch_mentor(mentor_id: int):
    mentor = queries.get_mentor(db.session, mentor_id)
    data = json_body(schemas.MentorPatch)
    services.update_profile(
        db.session, mentor, actor=current_user(), now=utcnow(),
        known_poles={p.key for p in project_queries.list_poles(db.session)}, known_stages=all_stage_names(),
        poles=data.poles, stages=data.stages, capacity=data.capacity, languages=data.languages, bio=data.bio,
        dimensions=data.dimensions,
        known_dimensions={x.key for d in catalog_of(db.session).all_latest() for x in d.readiness.dimensions})
    db.session.commit()
    return mentor_out(queries.list_mentors(db.session, [mentor.id])[0])


@bp.get("/projects/<int:project_id>/mentors")
@doc("The project's mentor assignments, current and ended", list_response=schemas.Page, errors=(404,),
     tag="mentoring", query=params.PageQuery)
@authenticated
def list_assignments(project_id: int):
    project = visible(project_id)
    return paged_list([assignment_out(a) for a in queries.list_assignment_history(db.session, project)])


@bp.post("/projects/<int:project_id>/mentors")
@doc("Assign a mentor for the current stage", body=schemas.AssignmentIn, response=schemas.AssignmentOut,
     status=201, errors=(403, 404, 409), tag="mentoring")
@roles("manager")
def assign_mentor(project_id: int):
    project = visible(project_id)
    data = json_body(schemas.AssignmentIn)
    mentor = queries.get_mentor(db.session, data.mentor_id)
    assignment = services.assign_mentor(db.session, project, mentor, actor=current_user(), now=utcnow(),
                                        stage=data.stage, override=data.override)
    db.session.commit()
    return assignment_out(assignment), 201


@bp.delete("/projects/<int:project_id>/mentors/<int:assignment_id>")
@doc("End an assignment (it stays in the history)", status=204, errors=(403, 404, 409), tag="mentoring")
@roles("manager")
def end_assignment(project_id: int, assignment_id: int):
    project = visible(project_id)
    assignment = queries.get_assignment(db.session, project, assignment_id)
    services.end_assignment(db.session, assignment, actor=current_user(), now=utcnow())
    db.session.commit()
    return "", 204


@bp.get("/projects/<int:project_id>/mentor-suggestions")
@doc("Mentors ranked for this project, with the reasons", list_response=schemas.Page, errors=(403, 404),
     query=params.PageQuery, tag="mentoring")
@roles("manager")
def mentor_suggestions(project_id: int):
    project = visible(project_id)
    return paged_list([
        schemas.SuggestionOut(mentor=person(s.load.mentor), score=s.score, reasons=list(s.reasons),
                              active_assignments=s.load.active, capacity=s.load.capacity,
                              full=s.is_full).model_dump(mode="json")
        for s in suggest_for(db.session, project, definition_of(db.session, project).stage(project.stage))
    ])


@bp.get("/projects/<int:project_id>/sessions")
@doc("The project's advice sessions, newest first", list_response=schemas.SessionPage, errors=(404,),
     query=params.PageQuery, tag="mentoring")
@authenticated
def list_sessions(project_id: int):
    project = visible(project_id)
    relations = project_queries.relations(db.session, project, current_user())
    return paginated(queries.select_sessions(project), lambda s: session_out(s, relations=relations))


@bp.post("/projects/<int:project_id>/sessions")
@doc("Log an advice session (assigned mentors)", body=schemas.SessionIn, response=schemas.SessionOut, status=201,
     errors=(403, 404), tag="mentoring")
@authenticated
def log_session(project_id: int):
    project = visible(project_id)
    if not permissions.can_log_session(project_queries.relations(db.session, project, current_user())):
        raise Forbidden("Only a mentor assigned to the project logs its sessions.")  # before reading the body
    data = json_body(schemas.SessionIn)
    record = services.log_session(
        db.session, project, actor=current_user(), now=utcnow(), held_at=data.held_at,
        duration_minutes=data.duration_minutes, summary=data.summary, notes=data.notes, checkin_id=data.checkin_id,
        action_items=[services.ActionItemInput(i.title, i.owner_id, i.due_on) for i in data.action_items])
    db.session.commit()
    relations = project_queries.relations(db.session, project, current_user())
    return session_out(record, relations=relations), 201


@bp.patch("/action-items/<int:item_id>")
@doc("Tick or untick an action item", body=schemas.ActionItemPatch, response=schemas.ActionItemOut,
     errors=(403, 404), tag="mentoring")
@authenticated
def patch_action_item(item_id: int):
    item = queries.get_action_item(db.session, item_id)
    project = visible(item.project_id)
    data = json_body(schemas.ActionItemPatch)
    relations = project_queries.relations(db.session, project, current_user())
    services.set_action_item(db.session, item, done=data.done, actor=current_user(), relations=relations,
                             now=utcnow())
    db.session.commit()
    return schemas.ActionItemOut(id=item.id, title=item.title, owner=person(item.owner), due_on=item.due_on,
                                 done=item.is_done, overdue=item.is_overdue(utcnow().date())).model_dump(mode="json")


@bp.post("/sessions/<int:session_id>/ratings")
@doc("Rate a session once (its mentor, or a founder of the project)", body=schemas.RatingIn,
     response=schemas.RatingOut, status=201, errors=(403, 404, 409), tag="mentoring")
@authenticated
def rate_session(session_id: int):
    record = queries.get_session(db.session, session_id)
    project = visible(record.project_id)
    data = json_body(schemas.RatingIn)
    relations = project_queries.relations(db.session, project, current_user())
    rating = services.rate_session(db.session, record, actor=current_user(), relations=relations,
                                   usefulness=data.usefulness, comment=data.comment, now=utcnow())
    db.session.commit()
    return schemas.RatingOut(side=rating.side, rater=person(rating.rater), usefulness=rating.usefulness,
                             comment=rating.comment).model_dump(mode="json"), 201


def paged_list(items: list[dict]) -> dict:
    """Page through an already-built list in the contract's list shape."""
    page, per_page = page_args()
    start = (page - 1) * per_page
    return {"items": items[start:start + per_page], "total": len(items), "page": page, "per_page": per_page}

"""Calls for projects through the API: calls, applications, pitch decks, reviews, decisions, ranking."""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _

from app.api import bp
from app.api import call_schemas as schemas
from app.api import params
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import paginated
from app.api.auth import roles
from app.api.projects import person
from app.api.spec import doc
from app.calls import decks
from app.calls import evaluation
from app.calls import lifecycle
from app.calls import permissions
from app.calls import queries
from app.calls import services
from app.calls.models import Application
from app.calls.models import Call
from app.calls.models import Review
from app.calls.notify import call_changed_messages
from app.calls.notify import outcome_message
from app.calls.params import deck_directory
from app.calls.params import deck_max_bytes
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.core.time import utcnow
from app.extensions import db
from app.notifications import services as notifications

APPLICATION_ERRORS = (403, 404, 409)


def call_out(call: Call) -> dict:
    user = g.get("api_user")
    events = [{"kind": e.kind, "actor": person(e.actor) if e.actor else None, "at": e.at, "reason": e.reason,
               "closes_on_before": e.closes_on_before, "closes_on_after": e.closes_on_after}
              for e in call.events] if user is not None and permissions.can_manage_calls(user) else []
    return schemas.CallOut(
        id=call.id, title=call.title, description=call.description, poles=call.pole_keys, opens_on=call.opens_on,
        closes_on=call.closes_on, timezone=call.timezone, closes_at=call.closes_at, is_open=call.is_open(utcnow()),
        criteria=[{"key": c.key, "title": c.title, "weight": c.weight, "descriptors": c.descriptors,
                   "help": c.help_text} for c in call.criteria],
        questions=call.questions, workflow=call.workflow_key, stage=call.stage, requires_deck=call.requires_deck,
        cohort_id=call.cohort_id,
        status=call.status(utcnow()), version=call.version, events=events,
    ).model_dump(mode="json")


def criterion_inputs(criteria) -> list[services.CriterionInput]:
    return [services.CriterionInput(c.key, c.title, c.weight, tuple(c.descriptors), c.help) for c in criteria]


def question_inputs(questions) -> list[services.QuestionInput]:
    return [services.QuestionInput(q.key, q.text, q.kind, q.help, tuple(q.options)) for q in questions]


def application_out(application: Application) -> dict:
    relations = queries.relations(db.session, application, current_user())
    deck = application.deck
    label = queries.label_of_project(db.session, application.project_id) if application.project_id else None
    return schemas.ApplicationOut(
        id=application.id, call_id=application.call_id, call_title=application.call.title, title=application.title,
        summary=application.summary, pole=application.pole_key, answers=application.answers,
        status=application.status, version=application.version, applicant=person(application.applicant),
        partners=[{"organisation_id": p.organisation_id, "name": p.organisation.name, "role": p.role}
                  for p in application.partners],
        deck={"filename": deck.filename, "size_bytes": deck.size_bytes, "sha256": deck.sha256,
              "uploaded_at": deck.uploaded_at,
              "url": url_for("api.download_deck", application_id=application.id)} if deck else None,
        created_at=application.created_at, submitted_at=application.submitted_at,
        more_info_requested_at=application.more_info_requested_at, decided_at=application.decided_at,
        decision_comment=application.decision_comment, project_id=application.project_id,
        label=label.number if label else None, can_edit=permissions.can_edit(relations, application, utcnow()),
        can_review=permissions.can_review(relations, application),
        can_decide=permissions.can_decide(relations, application),
    ).model_dump(mode="json")


def review_out(review: Review) -> dict:
    return schemas.ReviewOut(
        id=review.id, reviewer=person(review.reviewer), conflict=review.is_conflict,
        scores={s.criterion.key: s.score for s in review.scores},
        comments={s.criterion.key: s.comment for s in review.scores if s.comment}, comment=review.comment,
        submitted_at=review.submitted_at,
    ).model_dump(mode="json")


def visible_call(call_id: int) -> Call:
    return queries.get_visible_call(db.session, call_id, g.get("api_user"), utcnow())


def visible_application(application_id: int) -> Application:
    return queries.get_visible_application(db.session, application_id, current_user())


def partner_inputs(partners) -> list[services.PartnerInput] | None:
    return None if partners is None else [services.PartnerInput(p.organisation_id, p.role) for p in partners]


@bp.get("/calls")
@doc("Calls for projects: open ones for anyone; `?all=true` adds those a signed-in user follows",
     list_response=schemas.CallPage, auth=False, query=params.CallListQuery,
     errors=(400,), tag="calls")
def list_calls():
    user = g.get("api_user")
    show_all = params.query_args().all and user is not None
    return paginated(queries.select_calls(user, utcnow(), open_only=not show_all), call_out)


@bp.post("/calls")
@doc("Open a call for projects", body=schemas.CallIn, response=schemas.CallOut, status=201, errors=(403,),
     tag="calls")
@roles("manager")
def create_call():
    data = json_body(schemas.CallIn)
    call = services.create_call(
        db.session, actor=current_user(), now=utcnow(), title=data.title, description=data.description,
        poles=data.poles, opens_on=data.opens_on, closes_on=data.closes_on,
        criteria=criterion_inputs(data.criteria), questions=question_inputs(data.questions), workflow=data.workflow,
        stage=data.stage, timezone=data.timezone or current_app.config["BABEL_DEFAULT_TIMEZONE"],
        requires_deck=data.requires_deck, cohort_id=data.cohort_id)
    db.session.commit()
    return call_out(call), 201


@bp.get("/calls/<int:call_id>")
@doc("One call for projects", response=schemas.CallOut, auth=False, errors=(404,), tag="calls")
def get_call(call_id: int):
    return call_out(visible_call(call_id))


@bp.patch("/calls/<int:call_id>")
@doc("Edit a draft call (managers; a call that is not open yet); fields left out keep their value",
     body=schemas.CallPatch, response=schemas.CallOut, errors=(403, 404, 409), tag="calls")
@roles("manager")
def patch_call(call_id: int):
    call = visible_call(call_id)
    data = json_body(schemas.CallPatch)
    current = {"title": call.title, "description": call.description, "poles": call.pole_keys,
               "opens_on": call.opens_on, "closes_on": call.closes_on, "workflow": call.workflow_key,
               "stage": call.stage, "requires_deck": call.requires_deck}
    given = data.model_dump(exclude_unset=True, exclude={"criteria", "questions", "version"})
    criteria, questions = lifecycle.grid_of(call)
    lifecycle.update_call(
        db.session, call, actor=current_user(), now=utcnow(), version=data.version, **{**current, **given},
        criteria=criteria if data.criteria is None else criterion_inputs(data.criteria),
        questions=questions if data.questions is None else question_inputs(data.questions))
    db.session.commit()
    return call_out(call)


@bp.post("/calls/<int:call_id>/events")
@doc("Run an open call (managers): extend it to a later `closes_on`, close it early or withdraw it, with a "
     "reason; the applicants holding a draft are told", body=schemas.CallEventIn, response=schemas.CallOut,
     errors=(403, 404, 409), tag="calls")
@roles("manager")
def call_event(call_id: int):
    call = visible_call(call_id)
    data = json_body(schemas.CallEventIn)
    now = utcnow()
    if data.event == "extend":
        if data.closes_on is None:
            raise ValidationFailed(_l("Give the new last day."), closes_on=[_l("Give the new last day.")])
        event = lifecycle.extend_call(db.session, call, actor=current_user(), now=now, closes_on=data.closes_on,
                                      reason=data.reason, version=data.version)
    else:
        change = lifecycle.close_call if data.event == "close" else lifecycle.withdraw_call
        event = change(db.session, call, actor=current_user(), now=now, reason=data.reason, version=data.version)
    notifications.queue(db.session, call_changed_messages(db.session, call, event), now=now)
    db.session.commit()
    return call_out(call)


@bp.get("/calls/<int:call_id>/applications")
@doc("Applications to a call: an applicant's own, a reviewer's pole's, a manager's all",
     list_response=schemas.ApplicationPage, errors=(400, 404),
     query=params.ApplicationListQuery, tag="calls")
@authenticated
def list_applications(call_id: int):
    call = visible_call(call_id)
    return paginated(queries.select_applications(current_user(), call=call, status=params.query_args().status),
                     application_out)


@bp.post("/calls/<int:call_id>/applications")
@doc("Start a draft application (founders with a confirmed address)", body=schemas.ApplicationIn,
     response=schemas.ApplicationOut, status=201, errors=(403, 404), tag="calls")
@authenticated
def create_application(call_id: int):
    call = visible_call(call_id)
    services.ensure_can_apply(current_user())  # rights before the body: 403, not 422
    data = json_body(schemas.ApplicationIn)
    application = services.create_application(
        db.session, call, actor=current_user(), now=utcnow(), title=data.title, summary=data.summary,
        pole=data.pole, answers=data.answers, partners=partner_inputs(data.partners))
    db.session.commit()
    return application_out(application), 201


@bp.get("/applications/<int:application_id>")
@doc("One application", response=schemas.ApplicationOut, errors=(404,), tag="calls")
@authenticated
def get_application(application_id: int):
    return application_out(visible_application(application_id))


@bp.patch("/applications/<int:application_id>")
@doc("Save changes to a draft (its applicant)", body=schemas.ApplicationPatch, response=schemas.ApplicationOut,
     errors=APPLICATION_ERRORS, tag="calls")
@authenticated
def patch_application(application_id: int):
    application = visible_application(application_id)
    data = json_body(schemas.ApplicationPatch)
    services.update_application(db.session, application, actor=current_user(), now=utcnow(), version=data.version,
                                title=data.title, summary=data.summary, pole=data.pole, answers=data.answers,
                                partners=partner_inputs(data.partners))
    db.session.commit()
    return application_out(application)


@bp.put("/applications/<int:application_id>/deck")
@doc("Attach the pitch deck: the PDF itself as the body (Content-Type: application/pdf; "
     "`?filename=` names it); checked by content and size", response=schemas.ApplicationOut,
     query=params.DeckQuery, errors=(400, 403, 404, 413, 422), tag="calls")
@authenticated
def upload_deck(application_id: int):
    application = visible_application(application_id)
    request.max_content_length = deck_max_bytes()
    checked = decks.check_deck(request.get_data(cache=False), params.query_args().filename,
                               max_bytes=deck_max_bytes())
    replaced = services.attach_deck(db.session, application, checked, actor=current_user(), now=utcnow(),
                                    directory=deck_directory())
    db.session.commit()
    decks.discard(deck_directory(), replaced)
    return application_out(application)


@bp.get("/applications/<int:application_id>/deck")
@doc("Download the pitch deck (application/pdf)", errors=(404,), tag="calls")
@authenticated
def download_deck(application_id: int):
    application = visible_application(application_id)
    if application.deck is None:
        abort(404, _("This application has no pitch deck."))
    path = decks.path_of(deck_directory(), application.deck.storage_name)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=application.deck.filename,
                     max_age=0, etag=False)


@bp.post("/applications/<int:application_id>/submit")
@doc("Submit the application (its applicant); refused after the call's deadline", response=schemas.ApplicationOut,
     errors=(400, 403, 404, 409, 422), tag="calls")
@authenticated
def submit_application(application_id: int):
    application = visible_application(application_id)
    version = json_body(schemas.SubmitIn).version if request.get_data(cache=True) else None
    services.submit_application(db.session, application, actor=current_user(), now=utcnow(), version=version)
    db.session.commit()
    return application_out(application)


@bp.get("/applications/<int:application_id>/reviews")
@doc("The reviews: managers always; a reviewer once theirs is sent or the decision taken", response=schemas.ReviewList,
     errors=(403, 404), tag="calls")
@authenticated
def list_reviews(application_id: int):
    application = visible_application(application_id)
    if not permissions.can_see_reviews(queries.relations(db.session, application, current_user()), application):
        abort(403, _("Reviews are shown to a reviewer once their own is sent, and to managers."))
    return {"items": [review_out(r) for r in queries.list_reviews(db.session, application)]}


@bp.post("/applications/<int:application_id>/reviews")
@doc("Review an application (reviewers of its pole, managers): a 1–5 score per criterion and a comment, "
     "or a declared conflict of interest", body=schemas.ReviewIn, response=schemas.ReviewOut, status=201,
     errors=APPLICATION_ERRORS, tag="calls")
@authenticated
def create_review(application_id: int):
    application = visible_application(application_id)
    data = json_body(schemas.ReviewIn)
    review = evaluation.submit_review(db.session, application, actor=current_user(), now=utcnow(),
                                      scores=data.scores, comment=data.comment, comments=data.comments,
                                      conflict=data.conflict)
    db.session.commit()
    return review_out(review), 201


@bp.post("/applications/<int:application_id>/decision")
@doc("Decide (managers): labelled (a project and a label), rejected, or more_info (once)",
     body=schemas.DecisionIn, response=schemas.DecisionOut, errors=APPLICATION_ERRORS, tag="calls")
@roles("manager")
def decide(application_id: int):
    application = visible_application(application_id)
    data = json_body(schemas.DecisionIn)
    now = utcnow()
    decision = evaluation.decide(db.session, application, data.decision, actor=current_user(), now=now,
                                 comment=data.comment, version=data.version)
    notifications.queue(db.session, [outcome_message(decision)], now=now)
    db.session.commit()
    return schemas.DecisionOut(
        application_id=application.id, decision=decision.decision, status=application.status,
        version=application.version, project_id=decision.project.id if decision.project else None,
        label=decision.label.number if decision.label else None).model_dump(mode="json")


@bp.get("/calls/<int:call_id>/ranking")
@doc("The call's applications ranked by weighted average score, with the spread and missing reviews",
     response=schemas.RankingOut, errors=(403, 404), tag="calls")
@roles("manager")
def ranking(call_id: int):
    call = visible_call(call_id)
    rows = queries.ranking(db.session, call)
    return schemas.RankingOut(call_id=call.id, items=[{
        "rank": r.rank, "application_id": r.application.id, "title": r.application.title,
        "applicant": person(r.application.applicant), "pole": r.application.pole_key, "status": r.application.status,
        "score": r.score, "low": r.low, "high": r.high, "reviews": r.reviews, "missing": r.missing,
        "conflicts": r.conflicts, "eligible": r.eligible, "needs_reviewer": r.needs_reviewer}
        for r in rows]).model_dump(mode="json")

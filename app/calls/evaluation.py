"""Evaluating applications: reviews by the pole's commission, the manager's decision, the label.

A labelled application becomes a project on the call's path, at the call's stage, with the
applicant on its team and the named partners attached. Domain code (no Flask), like
`services.py`: permissions checked here, add and flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import User
from app.calls import permissions
from app.calls import queries
from app.calls.models import DECISIONS
from app.calls.models import SCORE_MAX
from app.calls.models import SCORE_MIN
from app.calls.models import Application
from app.calls.models import Label
from app.calls.models import Review
from app.calls.models import ReviewerAssignment
from app.calls.models import ReviewScore
from app.calls.services import check_version
from app.calls.services import flush_application
from app.calls.services import review_requests
from app.cluster.models import ProjectPartner
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.notifications import services as notifications
from app.projects import services as project_services
from app.projects.models import Project

COMMENT_MAX = 5000
LABEL_PREFIX = "PC"


@dataclass(frozen=True)
class Decision:
    application: Application
    decision: str
    project: Project | None = None
    label: Label | None = None


def _refuse_review(relations: frozenset[str], application: Application) -> None:
    if "conflicted" in relations:
        raise Forbidden(_l("You have a conflict of interest with this application: you cannot evaluate it."))
    if "reviewed" in relations:
        raise Conflict(_l("You have already sent your review of this application."))
    if not relations & {"manager", "reviewer"} or application.status == "draft":
        raise Forbidden(_l("Only the pole's commission and managers review submitted applications."))
    raise ValidationFailed(_l("This application is not awaiting reviews."), status=[application.status])


def _check_scores(application: Application, scores: dict[str, int], comments: dict[str, str],
                  comment: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    keys = {c.key for c in application.call.criteria}
    if set(scores) != keys:
        errors["scores"] = [_l("Score every criterion, and only those: %(keys)s.", keys=", ".join(sorted(keys)))]
    elif any(isinstance(v, bool) or not isinstance(v, int) or not SCORE_MIN <= v <= SCORE_MAX
             for v in scores.values()):
        errors["scores"] = [_l("Scores are whole numbers from 1 to 5.")]
    if set(comments) - keys or any(len(v or "") > COMMENT_MAX for v in comments.values()):
        errors["comments"] = [_l("Comments belong to the criteria, at most %(n)s characters each.",
                                 n=COMMENT_MAX)]
    if not comment.strip() or len(comment) > COMMENT_MAX:
        errors["comment"] = [_l("Write a comment of 1 to %(n)s characters.", n=COMMENT_MAX)]
    return errors


def submit_review(session: Session, application: Application, *, actor: User, now: dt.datetime,
                  scores: dict[str, int] | None = None, comment: str = "", comments: dict[str, str] | None = None,
                  conflict: bool = False) -> Review:
    """Record a reviewer's scores (1–5 per criterion) and comments, or their conflict of interest.

    Once sent, a review is final: reviewers see the others' only after sending their own, so a
    second look must not let them move towards the rest.
    """
    relations = queries.relations(session, application, actor)
    if not permissions.can_review(relations, application):
        _refuse_review(relations, application)
    comments = {k: v for k, v in (comments or {}).items() if (v or "").strip()}
    if conflict:
        if len(comment) > COMMENT_MAX:
            raise ValidationFailed(_l("The comment is too long."),
                                   comment=[_l("At most %(n)s characters.", n=COMMENT_MAX)])
        review = Review(application_id=application.id, reviewer_id=actor.id, is_conflict=True,
                        comment=comment.strip(), submitted_at=now)
    else:
        errors = _check_scores(application, scores or {}, comments, comment)
        if errors:
            raise ValidationFailed(_l("The review has invalid fields."), **errors)
        criteria = {c.key: c for c in application.call.criteria}
        review = Review(application_id=application.id, reviewer_id=actor.id, is_conflict=False,
                        comment=comment.strip(), submitted_at=now,
                        scores=[ReviewScore(criterion_id=criteria[k].id, score=v, comment=comments.get(k, "").strip())
                                for k, v in sorted(scores.items())])
    try:
        with session.begin_nested():
            session.add(review)
    except IntegrityError:
        raise Conflict(_l("You have already sent your review of this application.")) from None
    return review


def assign_reviewer(session: Session, application: Application, reviewer: User, *, actor: User,
                    now: dt.datetime) -> ReviewerAssignment:
    """Add a reviewer to one application (managers), e.g. when conflicts exclude its commission.

    :raises Forbidden: the actor is no manager.
    :raises ValidationFailed: the application is not awaiting reviews, or the person cannot review
        (not a mentor or manager, disabled, or a conflict of interest with it).
    :raises Conflict: the person already reviews it.
    """
    if not actor.is_manager:
        raise Forbidden(_l("Only managers assign reviewers."))
    if application.status != "submitted":
        raise ValidationFailed(_l("This application is not awaiting reviews."), status=[application.status])
    if reviewer.role not in ("mentor", "manager", "admin") or reviewer.is_disabled:
        raise ValidationFailed(_l("Only mentors and managers review applications."),
                               reviewer=[_l("Choose a mentor or a manager.")])
    relations = queries.relations(session, application, reviewer)
    if "conflicted" in relations:
        message = str(_l("%(name)s has a conflict of interest with this application.", name=reviewer.name))
        raise ValidationFailed(message, reviewer=[message])
    if "reviewer" in relations:
        raise Conflict(_l("%(name)s already reviews this application.", name=reviewer.name))
    assignment = ReviewerAssignment(application_id=application.id, user_id=reviewer.id, assigned_by_id=actor.id,
                                    assigned_at=now)
    try:
        with session.begin_nested():
            session.add(assignment)
    except IntegrityError:
        raise Conflict(_l("%(name)s already reviews this application.", name=reviewer.name)) from None
    notifications.queue(session, review_requests(application, [reviewer]), now=now)
    return assignment


def decide(session: Session, application: Application, decision: str, *, actor: User, now: dt.datetime,
           comment: str = "", version: int | None = None) -> Decision:
    """Label, reject, or ask once for more information (which reopens the application to its applicant)."""
    relations = queries.relations(session, application, actor)
    if "manager" not in relations:
        raise Forbidden(_l("Only managers decide on applications."))
    check_version(application, version)
    if application.status in permissions.DECIDED:
        # Another manager decided first (a double click, two tabs): a conflict with that decision.
        raise Conflict(_l("This application has already been decided."), status=[application.status])
    if not permissions.can_decide(relations, application):
        raise ValidationFailed(_l("Only a submitted application awaiting its decision can be decided."),
                               status=[application.status])
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [_l("Decide one of: %(values)s.", values=", ".join(DECISIONS))]
    elif decision == "more_info" and application.more_info_requested_at is not None:
        errors["decision"] = [_l("More information was already asked for once: label or reject it now.")]
    elif decision == "more_info" and not comment:
        errors["comment"] = [_l("Say what information is missing.")]
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_l("At most %(n)s characters.", n=COMMENT_MAX)]
    if errors:
        raise ValidationFailed(_l("The decision has invalid fields."), **errors)
    application.decision_comment, application.decided_by_id, application.updated_at = comment, actor.id, now
    if decision == "more_info":
        application.status, application.more_info_requested_at = "more_info", now
        flush_application(session)
        return Decision(application, decision)
    application.status, application.decided_at = decision, now
    # Claim the decision before building anything: of managers deciding at once, the versioned
    # UPDATE lets one through and the others fail here as ConcurrentEdit (409). Left to a later
    # autoflush (the workflow lookup in `create_labelled_project`), the loss was a StaleDataError: a 500.
    flush_application(session)
    if decision != "labelled":
        return Decision(application, decision)
    project = create_labelled_project(session, application, actor=actor, now=now)
    application.project_id = project.id
    flush_application(session)
    return Decision(application, decision, project, _award_label(session, application, project, now=now))


def create_labelled_project(session: Session, application: Application, *, actor: User,
                            now: dt.datetime) -> Project:
    """Put the application on the path: a project at the call's stage, its applicant a founder member,
    its partners attached; the history says it was created, then labelled into that stage."""
    call = application.call
    project = project_services.create_project(
        session, name=application.title, summary=application.summary, pole=application.pole_key,
        workflow=call.workflow_key, default_workflow=call.workflow_key, actor=actor, now=now,
        members=[application.applicant_id], comment=str(_l("Application to “%(call)s”.", call=call.title)),
        placement=project_services.Placement(call.stage, "label", application.decision_comment, call.cohort_id))
    if application.applicant.role == "applicant":
        application.applicant.role = "founder"  # a member of a labelled project: a founder from now on
    for partner in application.partners:
        session.add(ProjectPartner(project_id=project.id, organisation_id=partner.organisation_id, role=partner.role,
                                   added_at=now))
    session.flush()
    return project


def _award_label(session: Session, application: Application, project: Project, *, now: dt.datetime) -> Label:
    """Number the label `PC-<year>-<nnnn>`, the next free number of the year (retried if another took it)."""
    today = now.astimezone(ZoneInfo(application.call.timezone)).date()
    prefix = f"{LABEL_PREFIX}-{today.year}-"
    start = queries.count_labels(session, prefix) + 1
    for number in range(start, start + 20):
        label = Label(number=f"{prefix}{number:04d}", call_id=application.call_id, application_id=application.id,
                      project_id=project.id, labelled_on=today, created_at=now)
        try:
            with session.begin_nested():
                session.add(label)
            return label
        except IntegrityError:
            continue
    raise Conflict(_l("Could not number the label; try again."))

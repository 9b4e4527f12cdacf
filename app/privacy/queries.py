"""Reads about personal data: what the cluster holds about a person, and the deletion requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Select
from sqlalchemy import inspect
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.calls.models import Application
from app.calls.models import Review
from app.cluster.models import Funding
from app.cluster.models import OrganisationMember
from app.cluster.models import SupportRequest
from app.core.errors import NotFound
from app.core.i18n import _l
from app.kpis.models import KpiReport
from app.mentoring.models import ActionItem
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.mentoring.models import MentorProfile
from app.mentoring.models import SessionRating
from app.notifications.models import Notification
from app.privacy.models import DeletionRequest
from app.projects.models import GateDecision
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.projects.models import ProjectMember
from app.readiness.models import Assessment

#: Never part of an export: secrets that would let the file's reader act as the person.
SECRET_COLUMNS = {"password_hash", "calendar_token", "token_hash", "session_epoch"}
FORMAT_VERSION = 1


def select_deletion_requests(*, status: str | None = None) -> Select:
    """Deletion requests, the oldest pending first."""
    stmt = select(DeletionRequest).order_by(DeletionRequest.requested_at, DeletionRequest.id)
    return stmt.where(DeletionRequest.status == status) if status else stmt


def get_deletion_request(session: Session, request_id: int) -> DeletionRequest:
    found = session.get(DeletionRequest, request_id)
    if found is None:
        raise NotFound(_l("No such deletion request."))
    return found


def latest_deletion_request(session: Session, user: User) -> DeletionRequest | None:
    """The person's latest request (pending, done or refused), for their account page."""
    return session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user.id)
                          .order_by(DeletionRequest.id.desc()).limit(1))


def _json(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rows(session: Session, model, condition, order_by=None) -> list[dict]:
    """Every row of `model` matching `condition`, every column but secrets, JSON-ready."""
    columns = [c.key for c in inspect(model).column_attrs if c.key not in SECRET_COLUMNS]
    stmt = select(model).where(condition).order_by(*(order_by or inspect(model).primary_key))
    return [{key: _json(getattr(row, key)) for key in columns} for row in session.scalars(stmt)]


def personal_data(session: Session, user: User, *, now: dt.datetime) -> dict:
    """Everything the cluster holds that is the person's: their profile, the teams they belong to, what
    they did (events, decisions, sessions, reviews, financing they recorded), what they received."""
    profile = _rows(session, User, User.id == user.id)[0]
    projects = session.execute(select(Project.id, Project.name).join(ProjectMember)
                               .where(ProjectMember.user_id == user.id).order_by(Project.id)).all()
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "profile": profile,
        "memberships": [{"project_id": pid, "project": name} for pid, name in projects],
        "project_memberships": _rows(session, ProjectMember, ProjectMember.user_id == user.id),
        "organisations": _rows(session, OrganisationMember, OrganisationMember.user_id == user.id),
        "events": _rows(session, ProjectEvent, ProjectEvent.actor_id == user.id),
        "gate_decisions": _rows(session, GateDecision, GateDecision.decider_id == user.id),
        "mentor_profile": _rows(session, MentorProfile, MentorProfile.user_id == user.id),
        "mentor_assignments": _rows(session, MentorAssignment, MentorAssignment.mentor_id == user.id),
        "sessions": _rows(session, AdviceSession, AdviceSession.mentor_id == user.id),
        "session_ratings": _rows(session, SessionRating, SessionRating.rater_id == user.id),
        "action_items": _rows(session, ActionItem, or_(ActionItem.owner_id == user.id,
                                                       ActionItem.done_by_id == user.id)),
        "applications": _rows(session, Application, Application.applicant_id == user.id),
        "reviews": _rows(session, Review, Review.reviewer_id == user.id),
        "fundings_recorded": _rows(session, Funding, Funding.created_by_id == user.id),
        "support_requests": _rows(session, SupportRequest, SupportRequest.requester_id == user.id),
        "kpi_reports": _rows(session, KpiReport, KpiReport.submitted_by_id == user.id),
        "assessments": _rows(session, Assessment, Assessment.author_id == user.id),
        "notifications": _rows(session, Notification, Notification.user_id == user.id),
        "deletion_requests": _rows(session, DeletionRequest, DeletionRequest.user_id == user.id),
    }

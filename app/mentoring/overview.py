"""What the project page shows about mentoring, read in one place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth.models import User
from app.checkins import services as checkin_services
from app.checkins.models import CheckIn
from app.mentoring import permissions
from app.mentoring import queries
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.mentoring.models import SessionRating
from app.projects.models import Project


@dataclass(frozen=True)
class SessionView:
    record: AdviceSession
    show_notes: bool
    ratings: list[SessionRating]
    my_side: str | None
    has_rated: bool


@dataclass(frozen=True)
class MentoringPanel:
    assignments: list[MentorAssignment]
    sessions: list[SessionView]
    can_assign: bool
    can_log: bool
    ratings: dict[str, tuple[float | None, int]]
    next_checkin: CheckIn | None = None
    #: Older sessions exist beyond those listed (the page lists the latest ones unless asked for all).
    more_sessions: bool = False


def build_panel(session: Session, project: Project, user: User, relations: frozenset[str], *,
                now: dt.datetime, sessions_shown: int | None = None) -> MentoringPanel:
    """Gather assignments and sessions (notes and ratings as `user` may see them); with
    `sessions_shown`, only that many of the latest sessions (a long-mentored project's page stays
    light; the page links to all of them). The ranked mentor suggestions have their own page
    (`mentoring.suggestions`): scoring every mentor costs in proportion to the mentors."""
    records = queries.list_sessions(session, project, None if sessions_shown is None else sessions_shown + 1)
    more_sessions = sessions_shown is not None and len(records) > sessions_shown
    sessions = []
    for record in records[:sessions_shown]:
        side = permissions.rating_side(user, relations, record)
        sessions.append(SessionView(
            record=record, show_notes=permissions.can_see_notes(user, record),
            ratings=queries.visible_ratings(record, side, now=now, is_manager=user.is_manager), my_side=side,
            has_rated=any(r.rater_id == user.id for r in record.ratings),
        ))
    can_assign = permissions.can_manage_assignments(user) and project.status == "active"
    return MentoringPanel(
        assignments=queries.list_assignment_history(session, project), sessions=sessions,
        can_assign=can_assign,
        can_log=permissions.can_log_session(relations),
        ratings=queries.project_ratings(session, project) if user.is_manager else {},
        next_checkin=checkin_services.open_checkin(session, project), more_sessions=more_sessions,
    )

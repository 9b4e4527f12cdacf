"""What the project's pages show about mentoring: the team card of the overview, and the
mentoring tab (sessions, earlier mentors, ratings)."""

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
class TeamCard:
    """The overview's mentoring card (the mentors themselves come with the project overview)."""

    next_checkin: CheckIn | None
    can_assign: bool
    can_log: bool


@dataclass(frozen=True)
class MentoringPanel:
    """The mentoring tab."""

    assignments: list[MentorAssignment]
    sessions: list[SessionView]
    can_log: bool
    ratings: dict[str, tuple[float | None, int]]
    next_checkin: CheckIn | None = None
    #: Older sessions exist beyond those listed (the tab lists the latest ones unless asked for all).
    more_sessions: bool = False

    @property
    def past_assignments(self) -> list[MentorAssignment]:
        return [a for a in self.assignments if a.ended_at is not None]


def build_team(session: Session, project: Project, user: User, relations: frozenset[str]) -> TeamCard:
    """Who may assign mentors or log a session here, and the next check-in. The ranked mentor
    suggestions have their own page (`mentoring.suggestions`): scoring every mentor costs in
    proportion to the mentors."""
    return TeamCard(next_checkin=checkin_services.open_checkin(session, project),
                    can_assign=permissions.can_manage_assignments(user) and project.status == "active",
                    can_log=permissions.can_log_session(relations))


def build_panel(session: Session, project: Project, user: User, relations: frozenset[str], *,
                now: dt.datetime, sessions_shown: int | None = None) -> MentoringPanel:
    """Gather assignments and sessions (notes and ratings as `user` may see them); with
    `sessions_shown`, only that many of the latest sessions (a long-mentored project's tab stays
    light; it links to all of them)."""
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
    return MentoringPanel(
        assignments=queries.list_assignment_history(session, project), sessions=sessions,
        can_log=permissions.can_log_session(relations),
        ratings=queries.project_ratings(session, project) if user.is_manager else {},
        next_checkin=checkin_services.open_checkin(session, project), more_sessions=more_sessions,
    )

"""Everything an application page (or API answer) shows, read in one place for one viewer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy.orm import Session

from app.auth.models import User
from app.calls import permissions
from app.calls import queries
from app.calls.models import Application
from app.calls.models import Label
from app.calls.models import Review


@dataclass(frozen=True)
class ApplicationPage:
    application: Application
    relations: frozenset[str]
    can_edit: bool
    can_review: bool
    can_see_reviews: bool
    can_decide: bool
    #: Shown only to those who may see reviews; empty otherwise.
    reviews: list[Review]
    my_review: Review | None
    #: criterion id → (average, low, high, count); managers only.
    spread: dict[int, tuple[float, int, int, int]]
    label: Label | None
    #: Managers only: every reviewer, eligible or excluded and why, and whom they may add.
    reviewers: list[queries.ReviewerStatus] = field(default_factory=list)
    reviewer_candidates: list[User] = field(default_factory=list)
    #: A manager may add a reviewer (found by name: `reviewer_search`).
    can_assign: bool = False
    reviewer_search: str = ""


def build_page(session: Session, application: Application, user: User, *, now: dt.datetime,
               reviewer_search: str = "") -> ApplicationPage:
    """Gather the application, what `user` may do with it and the reviews they may read."""
    relations = queries.relations(session, application, user)
    see_reviews = permissions.can_see_reviews(relations, application)
    label = queries.label_of_project(session, application.project_id) if application.project_id else None
    return ApplicationPage(
        application=application, relations=relations,
        can_edit=permissions.can_edit(relations, application, now),
        can_review=permissions.can_review(relations, application),
        can_see_reviews=see_reviews,
        can_decide=permissions.can_decide(relations, application),
        reviews=queries.list_reviews(session, application) if see_reviews else [],
        my_review=queries.get_review(session, application, user),
        spread=queries.criterion_spread(session, application) if "manager" in relations else {},
        label=label,
        reviewers=queries.list_reviewer_statuses(session, application) if "manager" in relations else [],
        can_assign="manager" in relations and application.status == "submitted",
        reviewer_search=reviewer_search,
        reviewer_candidates=(queries.list_reviewer_candidates(session, application, reviewer_search)
                             if "manager" in relations and application.status == "submitted" and reviewer_search
                             else []),
    )

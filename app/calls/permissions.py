"""Who may do what with calls and applications: pure predicates.

`relations` comes from `queries.relations(session, application, user)`:
- `applicant`: wrote the application;
- `manager`: manager or admin;
- `reviewer`: member of the commission of the application's pole;
- `conflicted`: a reviewer who declared a conflict, or who works for the applicant's
  organisation or a partner organisation;
- `reviewed`: has submitted a review (scores or a conflict) of this application.
A conflicted reviewer is no reviewer at all for that application: every predicate below
refuses them, and the queries hide the application from them.
"""

from __future__ import annotations

import datetime as dt

from app.auth.models import User
from app.calls.models import EDITABLE_STATUSES
from app.calls.models import Application

DECIDED = ("labelled", "rejected")


def can_manage_calls(user: User) -> bool:
    """Managers open calls, see the ranking and decide."""
    return user.is_manager


def can_apply(user: User) -> bool:
    """Applicants and founders with a confirmed address write applications."""
    return user.role in ("applicant", "founder") and user.is_verified


def is_reviewer(relations: frozenset[str]) -> bool:
    return "reviewer" in relations and "conflicted" not in relations


def can_view(relations: frozenset[str], application: Application) -> bool:
    """The applicant and managers always; the pole's reviewers once it is submitted."""
    if relations & {"applicant", "manager"}:
        return True
    return is_reviewer(relations) and application.status != "draft"


def can_edit(relations: frozenset[str], application: Application, now: dt.datetime) -> bool:
    """Only the applicant: a draft until the call's deadline, or once after more information was asked for."""
    if "applicant" not in relations or application.status not in EDITABLE_STATUSES:
        return False
    call = application.call
    return application.status == "more_info" or (call.withdrawn_at is None and now < call.closes_at)


def can_review(relations: frozenset[str], application: Application) -> bool:
    """The pole's reviewers and managers, once, while the application awaits its decision."""
    if application.status != "submitted" or "reviewed" in relations or "conflicted" in relations:
        return False
    return "manager" in relations or is_reviewer(relations)


def can_see_reviews(relations: frozenset[str], application: Application) -> bool:
    """Managers always; a reviewer after submitting their own, or once the decision is taken.

    Nobody else, ever: the applicant reads the manager's decision comment, not the reviews.
    """
    if "manager" in relations:
        return True
    return is_reviewer(relations) and ("reviewed" in relations or application.status in DECIDED)


def can_decide(relations: frozenset[str], application: Application) -> bool:
    return "manager" in relations and application.status == "submitted"

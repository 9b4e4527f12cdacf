"""Reads about calls and applications, scoped to the viewer, and the ranking (computed in SQL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import not_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import union
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.calls.models import Application
from app.calls.models import ApplicationPartner
from app.calls.models import Call
from app.calls.models import CallCriterion
from app.calls.models import CallPole
from app.calls.models import Label
from app.calls.models import Review
from app.calls.models import ReviewerAssignment
from app.calls.models import ReviewScore
from app.cluster.models import CommissionMember
from app.cluster.models import Organisation
from app.cluster.models import OrganisationMember
from app.core import statements
from app.core.errors import NotFound
from app.core.i18n import _l
from app.core.sqltime import instant

#: Scores are compared as integers in millionths, so equal averages tie exactly on every database.
SCALE = 1_000_000


# Conflicts of interest, as SQL conditions over `Application` ----------------------------------


def organisation_conflict(user_id) -> ColumnElement[bool]:
    """The user works for the applicant's organisation or for a partner organisation."""
    reviewer_org = aliased(OrganisationMember)
    applicant_org = aliased(OrganisationMember)
    # Correlated to whatever the caller's query holds (Application, and the table of `user_id`), at any
    # depth: only the subquery's own tables are its own.
    shares_applicant = exists().where(
        reviewer_org.user_id == user_id, applicant_org.organisation_id == reviewer_org.organisation_id,
        applicant_org.user_id == Application.applicant_id).correlate_except(reviewer_org, applicant_org)
    partner_org = aliased(OrganisationMember)
    works_for_partner = exists().where(
        partner_org.user_id == user_id, ApplicationPartner.application_id == Application.id,
        ApplicationPartner.organisation_id == partner_org.organisation_id).correlate_except(partner_org,
                                                                                            ApplicationPartner)
    return or_(shares_applicant, works_for_partner)


def declared_conflict(user_id) -> ColumnElement[bool]:
    return exists().where(Review.application_id == Application.id, Review.reviewer_id == user_id,
                          Review.is_conflict.is_(True)).correlate_except(Review)


def conflicted(user_id) -> ColumnElement[bool]:
    """The user may not evaluate the application: their own, declared, or through an organisation."""
    return or_(Application.applicant_id == user_id, declared_conflict(user_id), organisation_conflict(user_id))


def on_commission(user_id) -> ColumnElement[bool]:
    return exists().where(CommissionMember.pole_key == Application.pole_key,
                          CommissionMember.user_id == user_id).correlate_except(CommissionMember)


def assigned_to(user_id) -> ColumnElement[bool]:
    """A manager assigned the user to review this application (beyond the pole's commission)."""
    return exists().where(ReviewerAssignment.application_id == Application.id,
                          ReviewerAssignment.user_id == user_id).correlate_except(ReviewerAssignment)


def reviews_it(user_id) -> ColumnElement[bool]:
    """The user is one of the application's reviewers: on its pole's commission, or assigned to it."""
    return or_(on_commission(user_id), assigned_to(user_id))


# Applications -----------------------------------------------------------------------------------


def visible_to(user: User) -> ColumnElement[bool]:
    """SQL condition: the applications `user` may see.

    Managers all; applicants their own; reviewers the submitted ones of their pole, except
    their conflicts.
    """
    if user.is_manager:
        return true()
    as_reviewer = and_(Application.status != "draft", reviews_it(user.id), not_(conflicted(user.id)))
    return or_(Application.applicant_id == user.id, as_reviewer)


def select_applications(user: User, *, call: Call | None = None, status: str | None = None,
                        mine: bool = False) -> Select:
    """The applications `user` sees, newest first; `mine` keeps only their own."""
    stmt = select(Application).where(visible_to(user))
    if call is not None:
        stmt = stmt.where(Application.call_id == call.id)
    if status:
        stmt = stmt.where(Application.status == status)
    if mine:
        stmt = stmt.where(Application.applicant_id == user.id)
    return stmt.order_by(Application.created_at.desc(), Application.id.desc())


def get_visible_application(session: Session, application_id: int, user: User) -> Application:
    """The application if `user` may see it; unknown and hidden look the same (404)."""
    found = session.scalar(select(Application).where(Application.id == application_id, visible_to(user)))
    if found is None:
        raise NotFound(_l("No such application."))
    return found


def relations(session: Session, application: Application, user: User) -> frozenset[str]:
    """The roles `user` holds on `application` (see `app.calls.permissions`)."""
    held: set[str] = set()
    if user.is_manager:
        held.add("manager")
    if application.applicant_id == user.id:
        held.add("applicant")
    if (session.get(CommissionMember, (application.pole_key, user.id)) is not None
            or session.get(ReviewerAssignment, (application.id, user.id)) is not None):
        held.add("reviewer")
    if session.scalar(select(conflicted(user.id)).where(Application.id == application.id)):
        held.add("conflicted")
    if session.scalar(select(Review.id).where(Review.application_id == application.id,
                                              Review.reviewer_id == user.id)) is not None:
        held.add("reviewed")
    return frozenset(held)


def list_reviews(session: Session, application: Application) -> list[Review]:
    """Submitted evaluations (not conflicts), in the order they came."""
    return list(session.scalars(select(Review).where(Review.application_id == application.id,
                                                     Review.is_conflict.is_(False)).order_by(Review.id)))


def get_review(session: Session, application: Application, user: User) -> Review | None:
    return session.scalar(select(Review).where(Review.application_id == application.id,
                                               Review.reviewer_id == user.id))


# Calls ------------------------------------------------------------------------------------------


def is_open_at(now: dt.datetime) -> ColumnElement[bool]:
    return and_(Call.opens_at <= instant(now), Call.closes_at > instant(now), Call.withdrawn_at.is_(None))


def visible_calls(user: User | None, now: dt.datetime) -> ColumnElement[bool]:
    """Open calls for everyone; managers every call; reviewers their poles'; applicants theirs."""
    if user is None:
        return is_open_at(now)
    if user.is_manager:
        return true()
    of_my_pole = exists().where(CallPole.call_id == Call.id, CommissionMember.pole_key == CallPole.pole_key,
                                CommissionMember.user_id == user.id)
    applied = exists().where(Application.call_id == Call.id, Application.applicant_id == user.id)
    assigned = exists().where(Application.call_id == Call.id, ReviewerAssignment.application_id == Application.id,
                              ReviewerAssignment.user_id == user.id)
    return or_(is_open_at(now), of_my_pole, applied, assigned)


def select_calls(user: User | None, now: dt.datetime, *, open_only: bool = True) -> Select:
    """The calls to list: open ones (the public list), or all that `user` may see."""
    condition = is_open_at(now) if open_only else visible_calls(user, now)
    return select(Call).where(condition).order_by(Call.closes_at.desc(), Call.id.desc())


def get_visible_call(session: Session, call_id: int, user: User | None, now: dt.datetime) -> Call:
    found = session.scalar(select(Call).where(Call.id == call_id, visible_calls(user, now)))
    if found is None:
        raise NotFound(_l("No such call for projects."))
    return found


def reviewer_poles(session: Session, user: User) -> set[str]:
    return set(session.scalars(select(CommissionMember.pole_key).where(CommissionMember.user_id == user.id)))


# Labels -----------------------------------------------------------------------------------------


def label_of_project(session: Session, project_id: int) -> Label | None:
    # Built once: every project answer of the API asks for it.
    stmt = statements.kept("calls.label_of_project",
                           lambda: select(Label).where(Label.project_id == bindparam("project_id")))
    return session.scalar(stmt, {"project_id": project_id})


def get_label(session: Session, number: str) -> Label:
    found = session.scalar(select(Label).where(Label.number == number))
    if found is None:
        raise NotFound(_l("No such label."))
    return found


def count_labels(session: Session, prefix: str) -> int:
    return session.scalar(select(func.count(Label.id)).where(Label.number.like(f"{prefix}%"))) or 0


# Ranking ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedApplication:
    application: Application
    #: 1 for the best; equal scores share a rank ("1, 2, 2, 4"); None while nothing is scored.
    rank: int | None
    #: Weighted average over the valid reviews (1–5), rounded to 6 decimals; None without one.
    score: float | None
    #: The lowest and highest weighted score among the valid reviews: the reviewers' spread.
    low: float | None
    high: float | None
    reviews: int
    #: Eligible reviewers (commission of the pole, or assigned) who have not reviewed it yet.
    missing: int
    #: Reviewers who cannot review it (their own, declared, or through an organisation).
    conflicts: int
    #: Reviewers who can review it (reviewed or not): without one, no review can ever come.
    eligible: int = 0

    @property
    def needs_reviewer(self) -> bool:
        """Nobody may review it: flagged, never shown as complete ("0 missing")."""
        return self.eligible == 0

    @property
    def is_complete(self) -> bool:
        return self.eligible > 0 and self.missing == 0


def _scaled(num, den) -> ColumnElement[int]:
    """round(num / den × SCALE) in integer arithmetic: the same digits on SQLite and PostgreSQL."""
    return (num * (2 * SCALE) + den) // (den * 2)


def ranking(session: Session, call: Call) -> list[RankedApplication]:
    """Rank the call's submitted and decided applications by weighted average score.

    A review counts when it scores (not a declared conflict) and its reviewer has no conflict
    through an organisation; each counted review weighs the same. Ties share a rank and are
    listed by submission time, then id.
    """
    per_review = (
        select(Review.id.label("review_id"), Review.application_id,
               func.sum(ReviewScore.score * CallCriterion.weight).label("num"),
               func.sum(CallCriterion.weight).label("den"))
        .join(ReviewScore, ReviewScore.review_id == Review.id)
        .join(CallCriterion, CallCriterion.id == ReviewScore.criterion_id)
        .join(Application, Application.id == Review.application_id)
        .where(Application.call_id == call.id, Review.is_conflict.is_(False),
               not_(organisation_conflict(Review.reviewer_id)), Review.reviewer_id != Application.applicant_id)
        .group_by(Review.id, Review.application_id)
    ).subquery()
    per_application = (
        select(per_review.c.application_id, func.count().label("reviews"),
               _scaled(func.sum(per_review.c.num), func.sum(per_review.c.den)).label("score"),
               func.min(_scaled(per_review.c.num, per_review.c.den)).label("low"),
               func.max(_scaled(per_review.c.num, per_review.c.den)).label("high"))
        .group_by(per_review.c.application_id)
    ).subquery()
    pool = reviewer_counts(call)
    order = func.coalesce(per_application.c.score, literal(-1))
    rows = session.execute(
        select(Application, per_application.c.score, per_application.c.low, per_application.c.high,
               func.coalesce(per_application.c.reviews, 0), func.coalesce(pool.c.missing, 0),
               func.coalesce(pool.c.conflicts, 0), func.coalesce(pool.c.eligible, 0),
               func.rank().over(order_by=order.desc()))
        .outerjoin(per_application, per_application.c.application_id == Application.id)
        .outerjoin(pool, pool.c.application_id == Application.id)
        .where(Application.call_id == call.id, Application.status != "draft")
        .order_by(order.desc(), Application.submitted_at, Application.id))
    return [RankedApplication(application=a, rank=rank if score is not None else None, score=_unscale(score),
                              low=_unscale(low), high=_unscale(high), reviews=n, missing=int(m), conflicts=int(c),
                              eligible=int(e))
            for a, score, low, high, n, m, c, e, rank in rows]


def reviewer_pool(call: Call | None, *, status: str | None = None):
    """(application_id, user_id) of every reviewer of the call's applications (every call's with
    None; only applications in `status` if given): the commission of the application's pole and the
    reviewers assigned to it (subquery)."""
    commission = (select(Application.id.label("application_id"), CommissionMember.user_id.label("user_id"))
                  .join(CommissionMember, CommissionMember.pole_key == Application.pole_key))
    assigned = (select(ReviewerAssignment.application_id, ReviewerAssignment.user_id)
                .join(Application, Application.id == ReviewerAssignment.application_id))
    if call is not None:
        commission, assigned = (q.where(Application.call_id == call.id) for q in (commission, assigned))
    if status is not None:
        commission, assigned = (q.where(Application.status == status) for q in (commission, assigned))
    return union(commission, assigned).subquery()


def reviewer_counts(call: Call | None, *, status: str | None = None):
    """Per application: conflicted reviewers, eligible ones, and eligible ones yet to review (subquery)."""
    pool = reviewer_pool(call, status=status)
    excluded = conflicted(pool.c.user_id)
    reviewed = exists().where(Review.application_id == Application.id,
                              Review.reviewer_id == pool.c.user_id).correlate_except(Review)
    return (select(pool.c.application_id,
                   func.sum(case((excluded, 1), else_=0)).label("conflicts"),
                   func.sum(case((excluded, 0), else_=1)).label("eligible"),
                   func.sum(case((excluded, 0), (reviewed, 0), else_=1)).label("missing"))
            .join(Application, Application.id == pool.c.application_id)
            .group_by(pool.c.application_id)).subquery()


def _unscale(value: int | None) -> float | None:
    return None if value is None else int(value) / SCALE


def criterion_spread(session: Session, application: Application) -> dict[int, tuple[float, int, int, int]]:
    """criterion id → (average, lowest, highest, how many scores) over the valid reviews."""
    rows = session.execute(
        select(ReviewScore.criterion_id, func.avg(ReviewScore.score), func.min(ReviewScore.score),
               func.max(ReviewScore.score), func.count())
        .join(Review, Review.id == ReviewScore.review_id)
        .join(Application, Application.id == Review.application_id)
        .where(Review.application_id == application.id, Review.is_conflict.is_(False),
               not_(organisation_conflict(Review.reviewer_id)))
        .group_by(ReviewScore.criterion_id))
    return {cid: (float(avg), low, high, n) for cid, avg, low, high, n in rows}


# Reviewers of one application -------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerStatus:
    """One reviewer of an application, and whether they may review it (for managers)."""

    user: User
    #: "commission" (member of the pole's commission) or "assigned" (by a manager, to this application).
    source: str
    #: "reviewed", "pending" or "excluded".
    state: str
    #: Why excluded: "own" (their application), "declared" (a declared conflict), "applicant_organisation"
    #: or "partner_organisation" (they work for it); None when not excluded.
    reason: str | None = None
    #: The organisations behind an organisation conflict.
    organisations: tuple[str, ...] = ()


def list_reviewer_statuses(session: Session, application: Application) -> list[ReviewerStatus]:
    """Every reviewer of the application (commission and assigned), eligible or excluded, and why."""
    commission = select(CommissionMember.user_id).where(CommissionMember.pole_key == application.pole_key)
    assigned = select(ReviewerAssignment.user_id).where(ReviewerAssignment.application_id == application.id)
    assigned_ids = set(session.scalars(assigned))
    users = session.scalars(select(User).where(or_(User.id.in_(commission), User.id.in_(assigned)))
                            .order_by(User.name, User.id)).all()
    reviews = {r.reviewer_id: r for r in session.scalars(select(Review).where(Review.application_id == application.id))}
    orgs = _organisations_of(session, [u.id for u in users] + [application.applicant_id])
    applicant_orgs = orgs.get(application.applicant_id, {})
    partner_orgs = {p.organisation_id: p.organisation.name for p in application.partners}
    statuses = []
    for user in users:
        source = "commission" if user.id not in assigned_ids else "assigned"
        mine = orgs.get(user.id, {})
        review = reviews.get(user.id)
        if user.id == application.applicant_id:
            statuses.append(ReviewerStatus(user, source, "excluded", "own"))
        elif review is not None and review.is_conflict:
            statuses.append(ReviewerStatus(user, source, "excluded", "declared"))
        elif shared := sorted(mine[o] for o in mine.keys() & applicant_orgs.keys()):
            statuses.append(ReviewerStatus(user, source, "excluded", "applicant_organisation", tuple(shared)))
        elif shared := sorted(partner_orgs[o] for o in mine.keys() & partner_orgs.keys()):
            statuses.append(ReviewerStatus(user, source, "excluded", "partner_organisation", tuple(shared)))
        else:
            statuses.append(ReviewerStatus(user, source, "reviewed" if review else "pending"))
    return statuses


def _organisations_of(session: Session, user_ids: list[int]) -> dict[int, dict[int, str]]:
    """user id → {organisation id: name} of the organisations they work for."""
    found: dict[int, dict[int, str]] = {}
    rows = session.execute(select(OrganisationMember.user_id, Organisation.id, Organisation.name)
                           .join(Organisation, Organisation.id == OrganisationMember.organisation_id)
                           .where(OrganisationMember.user_id.in_(user_ids)))
    for user_id, organisation_id, name in rows:
        found.setdefault(user_id, {})[organisation_id] = name
    return found


def list_reviewer_candidates(session: Session, application: Application, text: str = "",
                             limit: int = 20) -> list[User]:
    """Mentors and managers a manager may assign, whose name contains `text`: not yet reviewers of it,
    and with no conflict (never applicants nor founders)."""
    pool = or_(on_commission(User.id), assigned_to(User.id))
    return list(session.scalars(
        select(User).join(Application, Application.id == application.id)
        .where(User.role.in_(("mentor", "manager", "admin")), User.is_disabled.is_(False),
               func.lower(User.name).contains(text.strip().lower(), autoescape=True),
               not_(pool), not_(conflicted(User.id)))
        .order_by(User.name, User.id).limit(limit)))


def list_commission_reviewers(session: Session, application: Application) -> list[User]:
    """The active members of the commission of the application's pole who may review it (no conflict)."""
    return list(session.scalars(
        select(User).join(Application, Application.id == application.id)
        .where(on_commission(User.id), User.is_disabled.is_(False), not_(conflicted(User.id)))
        .order_by(User.id)))




# Running calls ----------------------------------------------------------------------------------


def list_draft_holders(session: Session, call: Call) -> list[User]:
    """The applicants holding a draft to the call: told when it is extended, closed or withdrawn."""
    return list(session.scalars(
        select(User).where(exists().where(Application.applicant_id == User.id, Application.call_id == call.id,
                                          Application.status == "draft"))
        .order_by(User.id)))


def empty_commission_poles(session: Session, call: Call) -> list[str]:
    """The call's poles whose commission has no member: their applications have no reviewer."""
    staffed = set(session.scalars(select(CommissionMember.pole_key).where(
        CommissionMember.pole_key.in_(call.pole_keys)).distinct()))
    return [key for key in call.pole_keys if key not in staffed]


def select_calls_without_commission(now: dt.datetime) -> Select:
    """Open calls with a pole whose commission is empty — nobody can review their applications —
    one row each (`id`, `title`, `opens_at`, `closes_at`, `poles`: the unstaffed pole keys,
    comma-separated), closing first."""
    unstaffed = ~exists().where(CommissionMember.pole_key == CallPole.pole_key)
    return (select(Call.id, Call.title, Call.opens_at, Call.closes_at,
                   func.aggregate_strings(CallPole.pole_key, ",").label("poles"))
            .join(CallPole, CallPole.call_id == Call.id).where(is_open_at(now), unstaffed)
            .group_by(Call.id, Call.title, Call.opens_at, Call.closes_at).order_by(Call.closes_at, Call.id))


def calls_without_commission(session: Session, now: dt.datetime) -> list[tuple[int, list[str]]]:
    """(call id, its unstaffed poles, sorted) for each open call nobody can review (the cockpit's rule)."""
    return [(row.id, sorted(row.poles.split(","))) for row in session.execute(select_calls_without_commission(now))]


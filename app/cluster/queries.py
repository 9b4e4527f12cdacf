"""Reads in the cluster area."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.cluster import money
from app.cluster.models import SUPPORT_STATUSES
from app.cluster.models import Commission
from app.cluster.models import CommissionMember
from app.cluster.models import ExchangeRate
from app.cluster.models import Funding
from app.cluster.models import Organisation
from app.cluster.models import OrganisationMember
from app.cluster.models import ProjectPartner
from app.cluster.models import SupportRequest
from app.core.errors import NotFound
from app.core.i18n import _l
from app.core.idlists import among
from app.projects.hooks import Link
from app.projects.models import Project


def commission_sees(user: User) -> ColumnElement[bool]:
    """SQL condition on `Project`: pole commission members read every project of their pole."""
    return exists().where(CommissionMember.pole_key == Project.pole_key, CommissionMember.user_id == user.id)


def is_on_commission(link: Link) -> ColumnElement[bool]:
    """SQL condition: the link's user sits on the commission of its project's pole (read-only
    `commission` role)."""
    return exists().where(CommissionMember.pole_key == link.pole_key, CommissionMember.user_id == link.user_id)


def select_organisations(*, kind: str | None = None, status: str | None = None, q: str | None = None) -> Select:
    stmt = select(Organisation).order_by(Organisation.name_key)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if status:
        stmt = stmt.where(Organisation.membership_status == status)
    if q:
        stmt = stmt.where(Organisation.name_key.like(f"%{' '.join(q.split()).lower()}%"))
    return stmt


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    found = session.get(Organisation, organisation_id)
    if found is None:
        raise NotFound(_l("No such organisation."))
    return found


def count_members(session: Session) -> int:
    """Organisations whose membership is current."""
    return session.scalar(select(func.count(Organisation.id)).where(Organisation.membership_status == "member")) or 0


def organisation_projects(session: Session, organisation: Organisation) -> list[tuple[Project, str]]:
    """Every project the organisation takes part in, with its role."""
    return list(session.execute(
        select(Project, ProjectPartner.role).join(ProjectPartner, ProjectPartner.project_id == Project.id)
        .where(ProjectPartner.organisation_id == organisation.id).order_by(Project.name)))


def organisation_people(session: Session, organisation: Organisation) -> list[User]:
    return list(session.scalars(select(User).join(OrganisationMember, OrganisationMember.user_id == User.id)
                                .where(OrganisationMember.organisation_id == organisation.id).order_by(User.name)))


def project_partners(session: Session, project: Project) -> list[ProjectPartner]:
    """The project's organisations, the lead first."""
    partners = session.scalars(select(ProjectPartner).where(ProjectPartner.project_id == project.id))
    return sorted(partners, key=lambda p: (p.role != "lead", p.organisation.name_key))


def select_fundings(project: Project) -> Select:
    return select(Funding).where(Funding.project_id == project.id).order_by(Funding.created_at.desc(), Funding.id)


def get_funding(session: Session, project: Project, funding_id: int) -> Funding:
    funding = session.get(Funding, funding_id)
    if funding is None or funding.project_id != project.id:
        raise NotFound(_l("No such financing line on this project."))
    return funding


def funding_totals(session: Session, project: Project) -> dict[str, dict[str, Decimal]]:
    """status → currency → exact total, summed in SQL."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for status, currency, amount in session.execute(
            select(Funding.status, Funding.currency, func.sum(Funding.amount))
            .where(Funding.project_id == project.id).group_by(Funding.status, Funding.currency)):
        totals[status][currency] = Decimal(amount).quantize(Decimal("0.01"))
    return dict(totals)


def select_support_requests(*, status: str | None = None, project: Project | None = None) -> Select:
    stmt = select(SupportRequest).order_by(SupportRequest.created_at.desc(), SupportRequest.id.desc())
    if status:
        stmt = stmt.where(SupportRequest.status == status)
    if project is not None:
        stmt = stmt.where(SupportRequest.project_id == project.id)
    return stmt


def get_support_request(session: Session, request_id: int) -> SupportRequest:
    found = session.get(SupportRequest, request_id)
    if found is None:
        raise NotFound(_l("No such support request."))
    return found


def list_commissions(session: Session) -> dict[str, tuple[Commission | None, list[User]]]:
    """pole key → (commission, members)."""
    commissions = {c.pole_key: c for c in session.scalars(select(Commission))}
    members: dict[str, list[User]] = defaultdict(list)
    for member in session.scalars(select(CommissionMember)):
        members[member.pole_key].append(member.user)
    return {key: (commissions.get(key), sorted(members[key], key=lambda u: u.name))
            for key in set(commissions) | set(members)}


def is_unanswered() -> ColumnElement[bool]:
    """SQL condition on `SupportRequest`: nobody has answered it yet (an answer closes it)."""
    # Spelled as the statuses it keeps (not `!= 'closed'`) so `ix_support_requests_status` serves it.
    return SupportRequest.status.in_([s for s in SUPPORT_STATUSES if s != "closed"])


def search_reviewers(session: Session, text: str, *, exclude: set[int] = frozenset(), limit: int = 20) -> list[User]:
    """Mentors (and managers) whose name or email contains `text`: never applicants nor founders."""
    needle = text.strip().lower()
    return list(session.scalars(
        select(User).where(User.role.in_(("mentor", "manager", "admin")), User.is_disabled.is_(False),
                           or_(func.lower(User.name).contains(needle, autoescape=True),
                               func.lower(User.email).contains(needle, autoescape=True)),
                           User.id.not_in(exclude))
        .order_by(User.role != "mentor", User.name, User.id).limit(limit)))


# Exchange rates: totals in dirhams ------------------------------------------------------------


def select_exchange_rates(*, currency: str | None = None) -> Select:
    """The recorded rates, the latest first."""
    stmt = select(ExchangeRate).order_by(ExchangeRate.valid_on.desc(), ExchangeRate.currency, ExchangeRate.id.desc())
    return stmt.where(ExchangeRate.currency == currency) if currency else stmt


def rate_book(session: Session) -> money.RateBook:
    """Every recorded rate (a few per currency and month: small), ready to convert."""
    return money.RateBook(money.Rate(r.currency, r.rate_to_mad, r.valid_on)
                          for r in session.execute(select(ExchangeRate.currency, ExchangeRate.rate_to_mad,
                                                          ExchangeRate.valid_on)))


def granted_amounts(session: Session, project_ids: list[int]) -> dict[int, list[money.Amount]]:
    """project id → its granted financing lines as amounts to total."""
    found: dict[int, list[money.Amount]] = defaultdict(list)
    if not project_ids:
        return found
    for project_id, amount, currency, decided, applied, created in session.execute(
            select(Funding.project_id, Funding.amount, Funding.currency, Funding.decided_on, Funding.applied_on,
                   Funding.created_at)
            .where(among(Funding.project_id, project_ids, session.get_bind().dialect.name),
                   Funding.status == "granted")):
        found[project_id].append(money.Amount(Decimal(amount), currency, decided or applied or created.date()))
    return found


def funding_totals_in_mad(session: Session, project: Project) -> dict[str, money.Totals]:
    """status → the project's financing totalled in dirhams where rates allow (per currency otherwise)."""
    book = rate_book(session)
    lines: dict[str, list[money.Amount]] = defaultdict(list)
    for funding in session.scalars(select(Funding).where(Funding.project_id == project.id)):
        day = funding.decided_on or funding.applied_on or funding.created_at.date()
        lines[funding.status].append(money.Amount(funding.amount, funding.currency, day))
    return {status: money.total(amounts, book) for status, amounts in lines.items()}

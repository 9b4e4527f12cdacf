"""Writes in the cluster area: organisations, partners, commissions, financing, support.

Services add and flush, never commit; permissions are checked here, not only in views.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from decimal import InvalidOperation

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.auth.services import normalise_email
from app.cluster import permissions
from app.cluster.models import FUNDING_SOURCES
from app.cluster.models import FUNDING_STATUSES
from app.cluster.models import MEMBERSHIP_STATUSES
from app.cluster.models import ORGANISATION_KINDS
from app.cluster.models import PARTNER_ROLES
from app.cluster.models import SUPPORT_KINDS
from app.cluster.models import Commission
from app.cluster.models import CommissionMember
from app.cluster.models import ExchangeRate
from app.cluster.models import Funding
from app.cluster.models import Organisation
from app.cluster.models import OrganisationMember
from app.cluster.models import ProjectPartner
from app.cluster.models import SupportRequest
from app.core.errors import ConcurrentEdit
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.core.i18n import number
from app.projects import queries as project_queries
from app.projects.models import Project

NAME_MAX = 200
DESCRIPTION_MAX = 5000
#: ISO 4217 codes a cluster in the region deals in; amounts are exact decimals in these.
CURRENCIES = ("MAD", "EUR", "USD", "GBP", "CHF", "CAD", "XOF", "TND", "DZD", "AED", "SAR", "EGP")
#: Above this, an amount is a typo, not a financing round.
AMOUNT_MAX = Decimal("1000000000000")


def _require_manager(actor: User) -> None:
    if not permissions.can_manage_cluster(actor):
        raise Forbidden(_l("Only managers do this."))


def name_key(name: str) -> str:
    return " ".join(name.split()).lower()


def _check_organisation(name: str, kind: str, membership_status: str, contact_email: str,
                        joined_on: dt.date | None, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name) > NAME_MAX:
        errors["name"] = [_l("A name of 1 to %(n)s characters is required.", n=NAME_MAX)]
    if kind not in ORGANISATION_KINDS:
        errors["kind"] = [_l("Choose one of: %(values)s.", values=", ".join(ORGANISATION_KINDS))]
    if membership_status not in MEMBERSHIP_STATUSES:
        errors["membership_status"] = [_l("Choose one of: %(values)s.", values=", ".join(MEMBERSHIP_STATUSES))]
    if contact_email:
        try:
            normalise_email(contact_email)
        except ValidationFailed as exc:
            errors["contact_email"] = exc.errors["email"]
    if joined_on is not None and joined_on > today:
        errors["joined_on"] = [_l("A join date cannot be in the future.")]
    return errors


def save_organisation(session: Session, organisation: Organisation | None, *, actor: User, today: dt.date,
                      name: str, kind: str, membership_status: str = "applicant", joined_on: dt.date | None = None,
                      contact_name: str = "", contact_email: str = "") -> Organisation:
    """Create (organisation=None) or edit an organisation; names are unique regardless of case."""
    _require_manager(actor)
    errors = _check_organisation(name, kind, membership_status, contact_email, joined_on, today)
    if errors:
        raise ValidationFailed(_l("The organisation has invalid fields."), **errors)
    if organisation is None:
        organisation = Organisation()
        session.add(organisation)
    organisation.name, organisation.name_key = " ".join(name.split()), name_key(name)
    organisation.kind, organisation.membership_status = kind, membership_status
    organisation.joined_on = joined_on if joined_on is not None or membership_status != "member" else today
    organisation.contact_name, organisation.contact_email = contact_name.strip(), contact_email.strip()
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(_l("An organisation named “%(name)s” already exists.", name=name.strip()),
                       name=[_l("Already registered.")]) from None
    return organisation


def link_user(session: Session, organisation: Organisation, user: User, *, actor: User) -> None:
    """Record that `user` works for `organisation` (idempotent)."""
    _require_manager(actor)
    if session.get(OrganisationMember, (organisation.id, user.id)) is None:
        session.add(OrganisationMember(organisation_id=organisation.id, user_id=user.id))
        session.flush()


def set_partner(session: Session, project: Project, organisation: Organisation, role: str, *,
                actor: User) -> ProjectPartner:
    """Add an organisation to a project, or change its role; one lead per project."""
    _require_manager(actor)
    if role not in PARTNER_ROLES:
        raise ValidationFailed(_l("Unknown role."),
                               role=[_l("Choose one of: %(values)s.", values=", ".join(PARTNER_ROLES))])
    partner = session.get(ProjectPartner, (project.id, organisation.id))
    try:
        with session.begin_nested():  # a refused lead leaves nothing pending behind
            if partner is None:
                partner = ProjectPartner(project_id=project.id, organisation_id=organisation.id, role=role)
                session.add(partner)
            partner.role = role
            session.flush()
    except IntegrityError:
        raise Conflict(_l("The project already has a lead organisation; change its role first."),
                       role=[_l("Only one lead organisation.")]) from None
    return partner


def remove_partner(session: Session, project: Project, organisation_id: int, *, actor: User) -> None:
    _require_manager(actor)
    session.execute(delete(ProjectPartner).where(ProjectPartner.project_id == project.id,
                                                 ProjectPartner.organisation_id == organisation_id))


#: Who may sit on a pole's commission (they review applications): never applicants nor founders.
COMMISSION_ROLES = ("mentor", "manager", "admin")


def set_commission(session: Session, pole_key: str, *, chair: User | None, members: list[User],
                   actor: User) -> Commission:
    """Name a pole's commission: its chair and members (the chair is a member too)."""
    _require_manager(actor)
    if project_queries.get_pole(session, pole_key) is None:
        raise ValidationFailed(_l("Unknown pole."), pole=[_l("Unknown pole.")])
    people = [*members, *([chair] if chair else [])]
    if any(u.role not in COMMISSION_ROLES or u.is_disabled for u in people):
        message = _l("Commissions are made of mentors and managers: %(names)s cannot sit on one.",
                     names=", ".join(u.name for u in people if u.role not in COMMISSION_ROLES or u.is_disabled))
        raise ValidationFailed(message, members=[message])
    commission = session.get(Commission, pole_key) or Commission(pole_key=pole_key)
    session.add(commission)
    commission.chair_id = chair.id if chair else None
    wanted = {u.id for u in members} | ({chair.id} if chair else set())
    session.execute(delete(CommissionMember).where(CommissionMember.pole_key == pole_key,
                                                   CommissionMember.user_id.not_in(wanted)))
    present = set(session.scalars(select(CommissionMember.user_id).where(CommissionMember.pole_key == pole_key)))
    for user_id in sorted(wanted - present):
        session.add(CommissionMember(pole_key=pole_key, user_id=user_id))
    session.flush()
    return commission


def parse_amount(value) -> Decimal | None:
    """Read an amount exactly (strings and decimals; floats are refused as inexact)."""
    if isinstance(value, float | bool):
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _check_funding(source: str, amount, currency: str, status: str, applied_on: dt.date | None,
                   decided_on: dt.date | None, today: dt.date) -> tuple[dict[str, list[str]], Decimal | None]:
    errors: dict[str, list[str]] = {}
    if source not in FUNDING_SOURCES:
        errors["source"] = [_l("Choose one of: %(values)s.", values=", ".join(FUNDING_SOURCES))]
    if status not in FUNDING_STATUSES:
        errors["status"] = [_l("Choose one of: %(values)s.", values=", ".join(FUNDING_STATUSES))]
    if currency not in CURRENCIES:
        errors["currency"] = [_l("Unknown currency “%(code)s”; use one of: %(codes)s.", code=currency,
                                 codes=", ".join(CURRENCIES))]
    parsed = parse_amount(amount)
    if parsed is None:
        errors["amount"] = [_l("An exact amount, such as 250000.00.")]
    elif parsed <= 0 or parsed > AMOUNT_MAX:
        errors["amount"] = [_l("More than 0 and at most %(max)s.", max=number(AMOUNT_MAX))]
    elif parsed.as_tuple().exponent < -2:
        errors["amount"] = [_l("At most two decimals.")]
    if applied_on and decided_on and decided_on < applied_on:
        errors["decided_on"] = [_l("The decision cannot come before the application.")]
    if applied_on and applied_on > today + dt.timedelta(days=365):
        errors["applied_on"] = [_l("More than a year ahead: check the date.")]
    if decided_on and decided_on > today:
        errors["decided_on"] = [_l("A decision date cannot be in the future.")]
    if status in ("granted", "refused") and decided_on is None:
        errors.setdefault("decided_on", []).append(_l("Give the date of the decision."))
    return errors, parsed


def save_funding(session: Session, project: Project, funding: Funding | None, *, actor: User, now: dt.datetime,
                 source: str, amount, currency: str = "MAD", status: str = "planned",
                 applied_on: dt.date | None = None, decided_on: dt.date | None = None, note: str = "",
                 version: int | None = None) -> Funding:
    """Record (funding=None) or edit a financing line of a project."""
    if not permissions.can_edit_funding(project_queries.relations(session, project, actor)):
        raise Forbidden(_l("Only the project's founders and managers record its financing."))
    errors, parsed = _check_funding(source, amount, currency, status, applied_on, decided_on, now.date())
    if len(note) > DESCRIPTION_MAX:
        errors["note"] = [_l("At most %(n)s characters.", n=DESCRIPTION_MAX)]
    if errors:
        raise ValidationFailed(_l("The financing has invalid fields."), **errors)
    if funding is None:
        funding = Funding(project_id=project.id, created_by_id=actor.id, created_at=now)
        session.add(funding)
    elif version is not None and version != funding.version:
        raise ConcurrentEdit(_l("This financing line was changed by someone else. Reload it."))
    funding.source, funding.amount, funding.currency, funding.status = source, parsed, currency, status
    funding.applied_on, funding.decided_on, funding.note, funding.updated_at = applied_on, decided_on, note.strip(), now
    try:
        session.flush()
    except StaleDataError:
        raise ConcurrentEdit(_l("This financing line was changed by someone else. Reload it.")) from None
    return funding


def create_support_request(session: Session, project: Project, *, actor: User, now: dt.datetime, kind: str,
                           description: str) -> SupportRequest:
    """A founder asks the cluster for help on their project."""
    if not permissions.can_request_support(project_queries.relations(session, project, actor)):
        raise Forbidden(_l("Only the project's founders ask for support."))
    errors: dict[str, list[str]] = {}
    if kind not in SUPPORT_KINDS:
        errors["kind"] = [_l("Choose one of: %(values)s.", values=", ".join(SUPPORT_KINDS))]
    if not description.strip() or len(description) > DESCRIPTION_MAX:
        errors["description"] = [_l("Describe what you need in 1 to %(n)s characters.", n=DESCRIPTION_MAX)]
    if errors:
        raise ValidationFailed(_l("The request has invalid fields."), **errors)
    request = SupportRequest(project_id=project.id, requester_id=actor.id, kind=kind,
                             description=description.strip(), status="open", created_at=now)
    session.add(request)
    session.flush()
    return request


def assign_support_request(session: Session, request: SupportRequest, assignee: User, *, actor: User) -> None:
    _require_manager(actor)
    if request.status == "closed":
        raise Conflict(_l("This request is closed."))
    if assignee.role not in ("manager", "admin", "mentor"):
        raise ValidationFailed(_l("Assign a manager or a mentor."),
                               assignee_id=[_l("Assign a manager or a mentor.")])
    request.assignee_id, request.status = assignee.id, "assigned"
    session.flush()


def close_support_request(session: Session, request: SupportRequest, *, actor: User, now: dt.datetime,
                          answer: str) -> SupportRequest:
    """Answer and close a request (the boundary then tells the founder)."""
    _require_manager(actor)
    if request.status == "closed":
        raise Conflict(_l("This request is already closed."))
    if not answer.strip() or len(answer) > DESCRIPTION_MAX:
        raise ValidationFailed(_l("An answer is required."),
                               answer=[_l("Answer in 1 to %(n)s characters.", n=DESCRIPTION_MAX)])
    request.answer, request.status, request.closed_at = answer.strip(), "closed", now
    session.flush()
    return request


#: Above this, a rate to the dirham is a typo (the strongest currencies are worth about 13 MAD).
RATE_MAX = Decimal("100000")
SOURCE_MAX = 200


def record_exchange_rate(session: Session, *, actor: User, now: dt.datetime, currency: str, rate_to_mad,
                         valid_on: dt.date | None, source: str) -> ExchangeRate:
    """Record what one unit of `currency` is worth in dirhams from `valid_on` (managers only)."""
    _require_manager(actor)
    errors: dict[str, list] = {}
    if currency not in CURRENCIES or currency == "MAD":
        errors["currency"] = [_l("Choose a currency other than the dirham.")]
    parsed = parse_amount(rate_to_mad)
    if parsed is None or parsed <= 0 or parsed > RATE_MAX:
        errors["rate_to_mad"] = [_l("A rate above 0, such as 10.85.")]
    elif parsed.as_tuple().exponent < -6:
        errors["rate_to_mad"] = [_l("At most six decimals.")]
    if valid_on is None:
        errors["valid_on"] = [_l("Give the day the rate is valid from.")]
    elif valid_on > now.date() + dt.timedelta(days=31):
        errors["valid_on"] = [_l("More than a month ahead: check the date.")]
    if not source.strip() or len(source) > SOURCE_MAX:
        errors["source"] = [_l("Say where the rate comes from, in 1 to %(n)s characters.", n=SOURCE_MAX)]
    if errors:
        raise ValidationFailed(_l("The exchange rate has invalid fields."), **errors)
    rate = ExchangeRate(currency=currency, rate_to_mad=parsed, valid_on=valid_on, source=source.strip(),
                        recorded_by_id=actor.id, recorded_at=now)
    try:
        with session.begin_nested():  # a refused duplicate leaves nothing pending behind
            session.add(rate)
            session.flush()
    except IntegrityError:
        raise Conflict(_l("A rate for %(currency)s on that day is already recorded.", currency=currency),
                       valid_on=[_l("A rate for this currency and day is already recorded.")]) from None
    return rate

"""The cluster: member organisations, cooperative partners, pole commissions, financing,
support requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Base
from app.core.time import utcnow

ORGANISATION_KINDS = ("telecom_operator", "company", "startup", "university_rd", "training_institution",
                      "association")
MEMBERSHIP_STATUSES = ("applicant", "member", "lapsed")
PARTNER_ROLES = ("lead", "industrial_partner", "research_partner", "customer_pilot", "other")
FUNDING_SOURCES = ("business_angel", "innovation_fund", "national_fund", "bank_loan", "grant", "other")
FUNDING_STATUSES = ("planned", "applied", "granted", "refused")
SUPPORT_KINDS = ("support", "advice", "accompaniment")
SUPPORT_STATUSES = ("open", "assigned", "closed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(Base):
    """A member (or would-be member) of the cluster."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(_in("kind", ORGANISATION_KINDS), name="kind_known"),
        CheckConstraint(_in("membership_status", MEMBERSHIP_STATUSES), name="membership_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Lower-cased, space-folded name: two organisations cannot differ only by case.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    membership_status: Mapped[str] = mapped_column(String(16), default="applicant")
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OrganisationMember(Base):
    """A user who works for an organisation."""

    __tablename__ = "organisation_members"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)

    user: Mapped[User] = relationship(lazy="joined")


class ProjectPartner(Base):
    """An organisation taking part in a cooperative project, with its role."""

    __tablename__ = "project_partners"
    __table_args__ = (
        CheckConstraint(_in("role", PARTNER_ROLES), name="role_known"),
        # One lead organisation per project, enforced by the database.
        Index("uq_project_partners_lead", "project_id", unique=True, sqlite_where=text("role = 'lead'"),
              postgresql_where=text("role = 'lead'")),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Commission(Base):
    """A pole's commission: a chair and members who read every project of the pole."""

    __tablename__ = "commissions"

    pole_key: Mapped[str] = mapped_column(ForeignKey("poles.key"), primary_key=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    chair: Mapped[User | None] = relationship(lazy="joined")


class CommissionMember(Base):
    __tablename__ = "commission_members"

    pole_key: Mapped[str] = mapped_column(ForeignKey("poles.key"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)

    user: Mapped[User] = relationship(lazy="joined")


class Funding(Base):
    """Money a project raised or seeks: exact decimal amounts, never floats."""

    __tablename__ = "fundings"
    __table_args__ = (
        CheckConstraint(_in("source", FUNDING_SOURCES), name="source_known"),
        CheckConstraint(_in("status", FUNDING_STATUSES), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_fundings_project", "project_id"),
        Index("ix_fundings_source_status", "source", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    #: ISO 4217 code.
    currency: Mapped[str] = mapped_column(String(3), default="MAD")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    applied_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class SupportRequest(Base):
    """A founder asks the cluster for support, advice or accompaniment."""

    __tablename__ = "support_requests"
    __table_args__ = (
        CheckConstraint(_in("kind", SUPPORT_KINDS), name="kind_known"),
        CheckConstraint(_in("status", SUPPORT_STATUSES), name="status_known"),
        Index("ix_support_requests_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answer: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]

    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id], lazy="joined")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")


class ExchangeRate(Base):
    """What one unit of a currency is worth in dirhams from `valid_on`, as a manager recorded it.

    Totals in MAD convert each amount at the latest rate valid on or before the amount's date;
    an amount without such a rate is never converted (its currency is totalled apart)."""

    __tablename__ = "exchange_rates"
    __table_args__ = (
        CheckConstraint("rate_to_mad > 0", name="rate_positive"),
        CheckConstraint("currency <> 'MAD'", name="not_mad"),
        UniqueConstraint("currency", "valid_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO 4217 code.
    currency: Mapped[str] = mapped_column(String(3))
    #: Dirhams for one unit of `currency` (exact, six decimals).
    rate_to_mad: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    valid_on: Mapped[dt.date] = mapped_column(Date)
    #: Where the rate comes from (Bank Al-Maghrib's reference rate, a bank's statement…).
    source: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User | None] = relationship(lazy="joined")

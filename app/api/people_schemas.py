"""Shapes of the people routes: accounts' role and activity, invitations, a project's members."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel
from pydantic import Field

from app.api.params import Id
from app.api.params import PageQuery
from app.api.schemas import PersonRef
from app.api.schemas import Role
from app.api.schemas import Strict

InvitedRole = Literal["founder", "mentor", "manager", "admin"]
InvitationStatus = Literal["pending", "expired", "accepted", "revoked"]


class UserPatchIn(Strict):
    """What a manager (within their rights) or an admin changes on an account."""

    role: Role | None = None
    #: False deactivates the account (it cannot sign in nor use tokens; its history stays), true reactivates it.
    active: bool | None = None


class InvitationIn(Strict):
    email: str = Field(max_length=254)
    role: InvitedRole
    #: The team to join (founders: required, one of their projects; the role is then `founder`).
    project_id: int | None = Field(None, ge=1)
    #: The language of the email and of the account (default: the cluster's).
    locale: Literal["fr", "en", "ar"] | None = None


class InvitationOut(BaseModel):
    id: int
    email: str
    role: InvitedRole
    expires_at: dt.datetime
    project_id: int | None
    status: InvitationStatus
    invited_by: PersonRef | None
    created_at: dt.datetime
    sent_at: dt.datetime
    resent_count: int
    locale: str
    accepted_at: dt.datetime | None
    revoked_at: dt.datetime | None


class InvitationPage(BaseModel):
    items: list[InvitationOut]
    total: int
    page: int
    per_page: int


class InvitationListQuery(PageQuery):
    status: InvitationStatus | None = Field(None, description="Only the invitations in this status.")
    project_id: int | None = Id


class MemberIn(Strict):
    """An existing founder account (an applicant's becomes a founder's) joining the team."""

    user_id: int = Field(ge=1)

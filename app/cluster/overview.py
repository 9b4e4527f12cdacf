"""What the project page shows about partners, financing and support requests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth.models import User
from app.cluster import permissions
from app.cluster import queries
from app.cluster.models import Funding
from app.cluster.models import Organisation
from app.cluster.models import ProjectPartner
from app.cluster.models import SupportRequest
from app.cluster.money import Totals
from app.projects.models import Project


@dataclass(frozen=True)
class ClusterPanel:
    partners: list[ProjectPartner]
    fundings: list[Funding]
    #: status → its lines totalled in dirhams where rates allow, per currency otherwise.
    totals: dict[str, Totals]
    support_requests: list[SupportRequest]
    organisations: list[Organisation]
    can_manage: bool
    can_edit_funding: bool
    can_request_support: bool


def build_panel(session: Session, project: Project, user: User, relations: frozenset[str]) -> ClusterPanel:
    can_manage = permissions.can_manage_cluster(user)
    return ClusterPanel(
        partners=queries.project_partners(session, project),
        fundings=list(session.scalars(queries.select_fundings(project))),
        totals=queries.funding_totals_in_mad(session, project),
        support_requests=list(session.scalars(queries.select_support_requests(project=project))),
        organisations=list(session.scalars(queries.select_organisations())) if can_manage else [],
        can_manage=can_manage,
        can_edit_funding=permissions.can_edit_funding(relations),
        can_request_support=permissions.can_request_support(relations),
    )

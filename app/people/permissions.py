"""Who may manage accounts, invite people and change a project's team: pure predicates.

Managers look after the people of the portfolio (applicants, founders, mentors); only admins
grant, change or deactivate the accounts that steer it (managers and admins). Nobody
deactivates or demotes themselves: a cluster never locks its last admin out by mistake.
"""

from __future__ import annotations

from app.auth.models import User

#: The roles a manager may give, take and (de)activate.
MANAGED_BY_MANAGERS = ("applicant", "founder", "mentor")
#: The roles a manager may invite (admins invite every role of `INVITED_ROLES`).
INVITED_BY_MANAGERS = ("founder", "mentor")


def manageable_roles(actor: User) -> tuple[str, ...]:
    """The roles `actor` may grant to an account and whose holders they may (de)activate."""
    if actor.role == "admin":
        return ("applicant", "founder", "mentor", "manager", "admin")
    if actor.role == "manager":
        return MANAGED_BY_MANAGERS
    return ()


def can_manage_account(actor: User, target: User) -> bool:
    """Whether `actor` may change `target`'s role or (de)activate it (themselves excepted)."""
    return actor.id != target.id and target.role in manageable_roles(actor)


def can_grant_role(actor: User, role: str) -> bool:
    return role in manageable_roles(actor)


def invitable_roles(actor: User) -> tuple[str, ...]:
    """The roles `actor` may invite people to, on no project (founders invite to their team only)."""
    if actor.role == "admin":
        return ("founder", "mentor", "manager", "admin")
    if actor.role == "manager":
        return INVITED_BY_MANAGERS
    return ()


def can_invite_to_team(actor: User, relations: frozenset[str]) -> bool:
    """Founders of the project and managers invite co-founders to its team."""
    return bool(relations & {"member", "manager"})


def can_manage_team(actor: User) -> bool:
    """Managers add existing founders to a team and take members off it."""
    return actor.is_manager


def can_list_invitations(actor: User) -> bool:
    return actor.is_manager


def can_handle_invitation(actor: User, role: str, project_id: int | None, relations: frozenset[str]) -> bool:
    """Re-send or revoke an invitation: managers within the roles they invite, a team's founders
    for its invitations (`relations`: the actor's relations to the invitation's project)."""
    if actor.is_manager:
        return role in invitable_roles(actor)
    return project_id is not None and "member" in relations

"""Who may do what in the cluster area: pure predicates over the user and their relations
to a project (member, assigned_mentor, manager, commission)."""

from __future__ import annotations

from app.auth.models import User


def can_manage_cluster(user: User) -> bool:
    """Organisations, partners, commissions and the support queue are the managers'."""
    return user.is_manager


def can_view_funding(relations: frozenset[str]) -> bool:
    return bool(relations)


def can_edit_funding(relations: frozenset[str]) -> bool:
    """The project's founders and managers; commission members read, never write."""
    return bool(relations & {"member", "manager"})


def can_request_support(relations: frozenset[str]) -> bool:
    return "member" in relations

"""Who may read and score a project's readiness: pure predicates over the user's relations
to the project (member, assigned_mentor, manager, commission)."""

from __future__ import annotations


def can_view(relations: frozenset[str]) -> bool:
    """Everyone who sees the project (commission members read, never score)."""
    return bool(relations)


def assessment_side(relations: frozenset[str]) -> str | None:
    """Which side `relations` score from: the team's self-assessment, or the mentor's view.

    Managers score on the mentor's side: theirs is the cluster's assessment, not the team's.
    """
    if "member" in relations:
        return "founder"
    if relations & {"assigned_mentor", "manager"}:
        return "mentor"
    return None


def can_assess(relations: frozenset[str]) -> bool:
    return assessment_side(relations) is not None

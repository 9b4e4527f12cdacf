"""Named guards: the vocabulary of conditions a workflow definition can gate an event on.

A guard takes a `GuardContext` and returns the reasons it fails, as sentences a person can
read (an empty list means it passes). Definitions refer to guards by name; an unknown name
fails when the definition is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.core.i18n import _l
from app.workflow.definition import Stage

GuardFn = Callable[["GuardContext"], list[str]]

_REGISTRY: dict[str, GuardFn] = {}


@dataclass(frozen=True)
class GuardContext:
    """What guards may look at: a snapshot of the project taken by the service."""

    stage: Stage
    status: str
    done_deliverables: frozenset[str]
    gate_approved: bool
    mentor_count: int
    #: A review of this stage's gate was requested and awaits a decision.
    review_pending: bool = False


def guard(name: str) -> Callable[[GuardFn], GuardFn]:
    """Register a guard under `name`; registering a name twice is a programming error."""

    def register(fn: GuardFn) -> GuardFn:
        if name in _REGISTRY:
            raise ValueError(f"guard {name!r} is already registered")
        _REGISTRY[name] = fn
        return fn

    return register


def names() -> frozenset[str]:
    """Return the registered guard names."""
    return frozenset(_REGISTRY)


def get(name: str) -> GuardFn:
    """Return the guard registered under `name`."""
    return _REGISTRY[name]


@guard("all_deliverables_done")
def all_deliverables_done(ctx: GuardContext) -> list[str]:
    return [
        str(_l("Deliverable “%(title)s” is not done.", title=d.label))
        for d in ctx.stage.deliverables
        if d.required and d.key not in ctx.done_deliverables
    ]


@guard("gate_approved")
def gate_approved(ctx: GuardContext) -> list[str]:
    if ctx.gate_approved:
        return []
    return [str(_l("The gate of stage “%(stage)s” has not been approved.", stage=ctx.stage.label))]


@guard("has_mentor")
def has_mentor(ctx: GuardContext) -> list[str]:
    if ctx.mentor_count:
        return []
    return [str(_l("No mentor is assigned for stage “%(stage)s”.", stage=ctx.stage.label))]


@guard("gate_not_approved")
def gate_not_approved(ctx: GuardContext) -> list[str]:
    if not ctx.gate_approved:
        return []
    return [str(_l("The gate of stage “%(stage)s” is already approved.", stage=ctx.stage.label))]


@guard("no_pending_review")
def no_pending_review(ctx: GuardContext) -> list[str]:
    if not ctx.review_pending:
        return []
    return [str(_l("A review of the gate of stage “%(stage)s” was already requested; it awaits a decision.",
                   stage=ctx.stage.label))]

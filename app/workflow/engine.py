"""The workflow engine: one transitions `Machine` per definition, fired over a thin flow.

The machine is built once per definition (model-less, no auto transitions) and fired with
`machine.events[name].trigger(flow)`. The flow adapts a project row: its `state` is the
project's stage. The engine decides *whether* an event may fire and moves the stage and
status; writing history, gate decisions and everything else is the service's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from transitions import Machine
from transitions.core import EventData

from app.core.errors import EventForbidden
from app.core.errors import GateAlreadyApproved
from app.core.errors import TransitionNotAllowed
from app.core.i18n import _l
from app.workflow import guards
from app.workflow.definition import FINAL_STATUSES
from app.workflow.definition import Event
from app.workflow.definition import WorkflowDefinition
from app.workflow.guards import GuardContext


class Flow(Protocol):
    """What the engine needs of a project: a stage (`state`) and a status."""

    state: str
    status: str


@dataclass(frozen=True)
class EventOption:
    """An event the actor could fire now, or why not."""

    event: Event
    allowed: bool
    reasons: tuple[str, ...]
    #: True when only the actor's override right would let it through.
    overridable: bool = False


class Engine:
    """Decides and performs the events of one workflow definition."""

    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        self.machine = Machine(
            model=None,
            states=list(definition.stage_names),
            transitions=[self._machine_transition(t.trigger, t.sources, t.dest)
                         for t in definition.transitions],
            initial=None,
            auto_transitions=False,
            send_event=True,
        )

    def _machine_transition(self, trigger: str, sources: tuple[str, ...], dest: str | None) -> dict:
        event = self.definition.events[trigger]
        return {
            "trigger": trigger,
            "source": list(sources),
            "dest": dest,
            # A second line of defence: the service checks first and explains; the machine
            # still refuses to move if the gates fail without an override.
            "conditions": [self._gates_pass],
            "after": [self._status_setter(event.to_status)],
        }

    @staticmethod
    def _gates_pass(event_data: EventData) -> bool:
        if event_data.kwargs.get("override"):
            return True
        ctx: GuardContext = event_data.kwargs["ctx"]
        event: Event = event_data.kwargs["event"]
        return not any(guards.get(name)(ctx) for name in event.gates)

    @staticmethod
    def _status_setter(to_status: str | None):
        def set_status(event_data: EventData) -> None:
            if to_status is not None:
                event_data.model.status = to_status

        return set_status

    def event(self, name: str) -> Event | None:
        return self.definition.events.get(name)

    def gate_reasons(self, event: Event, ctx: GuardContext) -> list[str]:
        """Return why the event's gates fail, in order (empty when they pass)."""
        reasons: list[str] = []
        for name in event.gates:
            reasons.extend(guards.get(name)(ctx))
        return reasons

    def state_reasons(self, event: Event, ctx: GuardContext) -> list[str]:
        """Return why the event cannot fire from the project's stage and status."""
        if ctx.status in FINAL_STATUSES:
            return [str(_l("The project is %(status)s; nothing more can happen to it.",
                           status=status_label(ctx.status)))]
        reasons: list[str] = []
        if ctx.status not in event.from_statuses:
            reasons.append(str(_l("Not possible while the project is %(status)s.",
                                  status=status_label(ctx.status))))
        if self.definition.destination(event.name, ctx.stage.name) is None:
            reasons.append(str(_l("Not possible from stage “%(stage)s”.", stage=ctx.stage.label)))
        return reasons

    def options(self, ctx: GuardContext, actor_roles: frozenset[str]) -> list[EventOption]:
        """List the events the actor holds a role for in the current stage and status.

        Events whose gates fail are listed with the reasons; events that make no sense in the
        project's status (resuming an active project) are left out.
        """
        options = []
        for event in self.definition.events.values():
            if not actor_roles & set(event.roles):
                continue
            if self.definition.destination(event.name, ctx.stage.name) is None:
                continue
            if ctx.status in FINAL_STATUSES or ctx.status not in event.from_statuses:
                continue  # not relevant in this status (e.g. `resume` while active)
            if approves_again(event, ctx):
                continue  # the gate of this stage visit is approved: nothing left to approve
            blocking = self.state_reasons(event, ctx)
            gates = self.gate_reasons(event, ctx)
            overridable = bool(gates) and not blocking and bool(actor_roles & set(event.override_roles))
            reasons = tuple(blocking + gates)
            options.append(EventOption(event, not reasons, reasons, overridable))
        return options

    def fire(self, flow: Flow, name: str, ctx: GuardContext, actor_roles: frozenset[str], *,
             override: bool = False, comment: str = "") -> Event:
        """Check every rule for event `name`, then move the flow; raise when refused."""
        event = self.event(name)
        if event is None:
            raise TransitionNotAllowed(_l("Unknown event “%(event)s”.", event=name),
                                       [_l("This workflow has no event “%(event)s”.", event=name)])
        if not actor_roles & set(event.roles):
            raise EventForbidden(_l("You may not do this."),
                                 [_l("Your role does not allow “%(event)s”.", event=event.label)])
        reasons = self.state_reasons(event, ctx)
        if not reasons and approves_again(event, ctx):
            raise GateAlreadyApproved(
                _l("The gate is already approved."),
                [_l("The gate of stage “%(stage)s” was already approved; it is approved once per stay in "
                    "the stage.", stage=ctx.stage.label)])
        if event.comment_required and not comment.strip():
            reasons.append(str(_l("A comment is required.")))
        gate_reasons = self.gate_reasons(event, ctx)
        if override and gate_reasons:
            if not actor_roles & set(event.override_roles):
                reasons.append(str(_l("Your role cannot override the gates of “%(event)s”.",
                                      event=event.label)))
            elif not comment.strip():
                reasons.append(str(_l("An override needs a comment.")))
        else:
            reasons.extend(gate_reasons)
        if reasons:
            raise TransitionNotAllowed(_l("“%(event)s” is not possible now.", event=event.label),
                                       reasons)
        fired = self.machine.events[name].trigger(flow, ctx=ctx, event=event, override=override)
        if not fired:  # pragma: no cover - the checks above mirror the machine's conditions
            raise TransitionNotAllowed(_l("“%(event)s” is not possible now.", event=event.label), [])
        return event


def approves_again(event: Event, ctx: GuardContext) -> bool:
    """True when `event` would approve a gate already approved in this stage visit.

    A second "go" adds nothing to the project but another decision row, which the funders'
    report would count as one more gate passed."""
    return event.gate_decision == "go" and ctx.gate_approved


def status_label(status: str) -> str:
    """Return the human name of a project status."""
    labels = {
        "active": _l("active"),
        "on_hold": _l("on hold"),
        "abandoned": _l("abandoned"),
        "graduated": _l("graduated"),
    }
    return str(labels.get(status, status))

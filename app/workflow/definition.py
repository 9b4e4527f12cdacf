"""Immutable, validated workflow definitions: what a `workflows/*.yaml` file describes."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from app.core.i18n import localized

#: The project statuses are the product's vocabulary; a workflow chooses which events set them.
STATUSES = ("active", "on_hold", "abandoned", "graduated")
FINAL_STATUSES = frozenset({"abandoned", "graduated"})
#: Gate decisions, in Stage-Gate terms: go, recycle, hold, kill.
GATE_DECISIONS = ("go", "recycle", "hold", "kill")
#: The messages an event may send (`notifies.kind`); each has its email template and in-app sentence.
NOTICE_KINDS = ("gate_review_requested", "gate_decided")
#: How a KPI figure is typed: a whole number, a decimal (4 places) or money (2 places, unit = currency).
METRIC_TYPES = ("int", "decimal", "money")


@dataclass(frozen=True)
class Deliverable:
    key: str
    title: dict[str, str]
    required: bool = True

    @property
    def label(self) -> str:
        return localized(self.title, self.key)


@dataclass(frozen=True)
class Metric:
    """One figure a KPI report asks for: revenue, customers, jobs… with its unit and type."""

    key: str
    label_text: dict[str, str]
    unit: str
    type: str = "int"
    #: The smallest acceptable value (None: any, e.g. a profit that may be negative).
    min: int | None = 0

    @property
    def label(self) -> str:
        return localized(self.label_text, self.key)

    @property
    def places(self) -> int:
        """Decimal places a value may have."""
        return {"int": 0, "money": 2}.get(self.type, 4)

    def as_dict(self) -> dict:
        """The snapshot stored with each report, so a report keeps the metrics it was opened with."""
        return {"key": self.key, "label": dict(self.label_text), "unit": self.unit, "type": self.type,
                "min": self.min}

    @classmethod
    def from_dict(cls, data: dict) -> Metric:
        return cls(key=data["key"], label_text=dict(data["label"]), unit=data["unit"], type=data["type"],
                   min=data.get("min"))


@dataclass(frozen=True)
class KpiSchedule:
    """The periodic figures a stage asks its projects for."""

    every_days: int
    metrics: tuple[Metric, ...]

    def metric(self, key: str) -> Metric | None:
        return next((m for m in self.metrics if m.key == key), None)


@dataclass(frozen=True)
class ReadinessDimension:
    """One readiness dimension with a one-line descriptor per level, lowest level first."""

    key: str
    label_text: dict[str, str]
    descriptors: tuple[dict[str, str], ...]

    @property
    def label(self) -> str:
        return localized(self.label_text, self.key)


@dataclass(frozen=True)
class ReadinessScale:
    """The dimensions a project is scored on and the levels of the scale (1–9 by default)."""

    lowest: int
    highest: int
    dimensions: tuple[ReadinessDimension, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)

    @property
    def levels(self) -> range:
        return range(self.lowest, self.highest + 1)

    def dimension(self, key: str) -> ReadinessDimension | None:
        return next((d for d in self.dimensions if d.key == key), None)

    def descriptor(self, key: str, level: int) -> str:
        """The descriptor of `level` on dimension `key`, in the reader's language."""
        dimension = self.dimension(key)
        if dimension is None or level not in self.levels:
            return ""
        return localized(dimension.descriptors[level - self.lowest], str(level))


@dataclass(frozen=True)
class Stage:
    name: str
    label_text: dict[str, str]
    deliverables: tuple[Deliverable, ...] = ()
    #: Days between two check-ins while a project sits in this stage (None: no check-ins).
    checkin_every_days: int | None = None
    #: How long a project is expected to stay here before it counts as stalled.
    expected_days: int | None = None
    #: The periodic KPI report projects owe in this stage (None: none).
    kpis: KpiSchedule | None = None

    @property
    def label(self) -> str:
        return localized(self.label_text, self.name)

    def deliverable(self, key: str) -> Deliverable | None:
        return next((d for d in self.deliverables if d.key == key), None)


@dataclass(frozen=True)
class Transition:
    """One row of the `transitions` list, in the shape of transitions' Machine."""

    trigger: str
    sources: tuple[str, ...]
    dest: str | None


@dataclass(frozen=True)
class Notice:
    """Whom an event notifies (roles on the project) and with which message (`kind`)."""

    kind: str
    roles: tuple[str, ...]


#: The statuses that take a project off its path, for now or for good.
SET_ASIDE_STATUSES = frozenset({"on_hold", "abandoned"})


@dataclass(frozen=True)
class Event:
    """Parcours metadata for a trigger: who fires it, its gates, its effect on the status."""

    name: str
    label_text: dict[str, str]
    roles: tuple[str, ...]
    gates: tuple[str, ...] = ()
    comment_required: bool = False
    from_statuses: tuple[str, ...] = ("active",)
    to_status: str | None = None
    gate_decision: str | None = None
    #: Roles that may fire the event although its gates fail (with a comment).
    override_roles: tuple[str, ...] = ()
    #: The UI asks for confirmation first (final or destructive events).
    confirm: bool = False
    #: Firing it opens a review request on the stage's gate, pending until a gate decision or a
    #: stage change (the project's `review_requested_at`).
    requests_review: bool = False
    #: Who hears of it, and as which notification kind (`notifies:`); None: nobody.
    notifies: Notice | None = None
    #: How the history tells it happened, in the past tense: `{en: "Put on hold by %(actor)s", fr: …}`.
    history_text: dict[str, str] | None = None

    def history(self, actor: str) -> str | None:
        """The history's sentence for this event done by `actor`, if the workflow gives one."""
        if not self.history_text:
            return None
        return localized(self.history_text) % {"actor": actor}

    @property
    def label(self) -> str:
        return localized(self.label_text, self.name.replace("_", " "))

    @property
    def sets_aside(self) -> bool:
        """It pauses or stops the project (hold, abandon): pages keep it behind a disclosure, out of
        the way of the action that moves the project forward."""
        return self.to_status in SET_ASIDE_STATUSES


@dataclass(frozen=True)
class WorkflowDefinition:
    key: str
    version: int
    label_text: dict[str, str]
    initial: str
    stages: tuple[Stage, ...]
    transitions: tuple[Transition, ...]
    events: dict[str, Event] = field(default_factory=dict)
    #: The readiness scale projects on this path are scored on.
    readiness: ReadinessScale | None = None
    #: sha256 of the canonical JSON of the source document; identifies this exact content.
    checksum: str = ""
    #: The parsed source document, stored with each project's version.
    document: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        return localized(self.label_text, self.key)

    @property
    def stage_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.stages)

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(name)

    def has_stage(self, name: str) -> bool:
        return name in self.stage_names

    def stage_index(self, name: str) -> int:
        return self.stage_names.index(name)

    def transitions_for(self, trigger: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if t.trigger == trigger)

    def destination(self, trigger: str, stage: str) -> str | None:
        """Return the stage `trigger` leads to from `stage` (itself for internal events)."""
        for transition in self.transitions_for(trigger):
            if stage in transition.sources:
                return transition.dest or stage
        return None

"""Read and validate workflow documents; every problem names its file and key path."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from app.workflow import guards
from app.workflow import roles
from app.workflow.definition import GATE_DECISIONS
from app.workflow.definition import NOTICE_KINDS
from app.workflow.definition import STATUSES
from app.workflow.definition import Deliverable
from app.workflow.definition import Event
from app.workflow.definition import Notice
from app.workflow.definition import Stage
from app.workflow.definition import Transition
from app.workflow.definition import WorkflowDefinition
from app.workflow.readiness_default import DEFAULT_READINESS
from app.workflow.reporting_schema import ReportingChecks

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
TOP_LEVEL_KEYS = {"name", "version", "label", "initial", "states", "transitions", "events", "readiness"}
STATE_KEYS = {"name", "label", "deliverables", "checkin_every_days", "expected_days", "kpis"}

EVENT_KEYS = {
    "label", "roles", "gates", "comment", "from_status", "to_status", "gate_decision",
    "override_roles", "confirm", "requests_review", "notifies", "history",
}
NOTIFIES_KEYS = {"kind", "roles"}
TRANSITION_KEYS = {"trigger", "source", "dest"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a workflow document."""

    source: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.key}: {self.message}"


class DefinitionInvalid(Exception):
    """A workflow document failed validation; `problems` lists every fault found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def checksum(document: dict) -> str:
    """Return a stable hash of a parsed document's rules (key order and formatting do not count).

    The readiness scale and the KPI reports a stage asks for are reporting settings, not rules of
    the path: editing them changes no running project's stage or gates, so it needs no new version.
    Nor do the texts people read: the labels of the path, its stages and events, the deliverables'
    titles and the events' history sentences (adding a language or rewording one is presentation).
    """
    canonical = json.dumps(rules_of(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


#: The texts people read, left out of the rules: `label` (path, stage, event), `title` (deliverable),
#: `history` (event).
_TEXTS = frozenset({"label", "title", "history"})


def _without(mapping: Any, keys: frozenset[str] | set[str]) -> Any:
    return {k: v for k, v in mapping.items() if k not in keys} if isinstance(mapping, dict) else mapping


def _state_rules(state: Any) -> Any:
    rules = _without(state, {"kpis", "label"})
    if isinstance(rules, dict) and isinstance(rules.get("deliverables"), list):
        rules["deliverables"] = [_without(d, {"title"}) for d in rules["deliverables"]]
    return rules


def rules_of(document: Any) -> Any:
    """The document without its reporting settings (`readiness`, each state's `kpis`) and the texts
    people read (labels, deliverables' titles, events' `history`)."""
    if not isinstance(document, dict):
        return document
    rules = _without(document, {"readiness", "label"})
    if isinstance(rules.get("states"), list):
        rules["states"] = [_state_rules(s) for s in rules["states"]]
    if isinstance(rules.get("events"), dict):
        rules["events"] = {k: _without(e, _TEXTS) for k, e in rules["events"].items()}
    return rules


#: libyaml's parser when PyYAML was built with it (the wheels are): ten times faster than pure Python.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_file(path: Path) -> WorkflowDefinition:
    """Parse and validate one YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionInvalid([Problem(str(path), "(file)", f"cannot be read: {exc}")]) from None
    return _load_text(text, str(path))


@lru_cache(maxsize=64)
def _load_text(text: str, source: str) -> WorkflowDefinition:
    """Parse a file's text; definitions are immutable, so the same text is parsed once per process."""
    try:
        document = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionInvalid([Problem(source, where, f"not valid YAML: {problem}")]) from None
    return parse(document, source=source)


def parse(document: Any, *, source: str) -> WorkflowDefinition:
    """Validate a parsed document and build its definition, or raise `DefinitionInvalid`."""
    checker = _Checker(source)
    definition = checker.build(document)
    if checker.problems:
        raise DefinitionInvalid(checker.problems)
    assert definition is not None
    return definition


class _Checker(ReportingChecks):
    """Walks a document once, collecting problems instead of stopping at the first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.source, key, message))

    def build(self, doc: Any) -> WorkflowDefinition | None:
        if not isinstance(doc, dict):
            self.fail("(document)", "must be a mapping with name, version, states, transitions, events")
            return None
        for key in sorted(set(doc) - TOP_LEVEL_KEYS):
            self.fail(key, "unknown key")
        name = self.name(doc.get("name"), "name")
        version = doc.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.fail("version", "must be a whole number ≥ 1")
        stages = self.stages(doc.get("states"))
        stage_names = [s.name for s in stages]
        initial = doc.get("initial", stage_names[0] if stage_names else None)
        if stage_names and initial not in stage_names:
            self.fail("initial", f"'{initial}' is not one of the states")
        transitions = self.transitions(doc.get("transitions"), set(stage_names))
        events = self.events(doc.get("events"), {t.trigger for t in transitions})
        for trigger in sorted(n for n, e in events.items() if e.requests_review):
            if any(t.dest is not None for t in transitions if t.trigger == trigger):
                self.fail(f"events.{trigger}.requests_review", "a review is asked of the current stage: its "
                          "transitions must keep the stage (dest: null)")
        readiness = self.readiness(doc.get("readiness", DEFAULT_READINESS), "readiness")
        if self.problems:
            return None
        return WorkflowDefinition(
            key=name, version=version, label_text=self.label(doc.get("label"), "label", name),
            initial=initial, stages=tuple(stages), transitions=tuple(transitions), events=events,
            readiness=readiness, checksum=checksum(doc), document=doc,
        )

    def name(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not NAME_PATTERN.match(value):
            self.fail(key, "must be a lower-case identifier (letters, digits, _)")
            return str(value)
        return value

    def label(self, value: Any, key: str, default: str) -> dict[str, str]:
        if value is None:
            return {"en": default}
        if isinstance(value, str):
            return {"en": value}
        if isinstance(value, dict) and value and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            return dict(value)
        self.fail(key, "must be a text or a mapping of language to text, e.g. {en: Idea, fr: Idée}")
        return {"en": default}

    def history(self, value: Any, key: str) -> dict[str, str] | None:
        """An event's sentence in the history, in the past tense, naming who did it with `%(actor)s`."""
        if value is None:
            return None
        texts = self.label(value, key, "")
        for language, text in texts.items():
            try:
                ok = "%(actor)s" in text and bool(text % {"actor": "x"})
            except (KeyError, ValueError, TypeError):
                ok = False
            if not ok:
                self.fail(f"{key}.{language}", "must be a sentence naming who did it as %(actor)s, e.g. "
                          "'Put on hold by %(actor)s' (no other placeholder; write a literal % as %%)")
        return texts

    def positive_int(self, value: Any, key: str) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(key, "must be a whole number ≥ 1")
            return None
        return value

    def stages(self, value: Any) -> list[Stage]:
        if not isinstance(value, list) or not value:
            self.fail("states", "must be a non-empty list of states")
            return []
        stages: list[Stage] = []
        seen: set[str] = set()
        for i, item in enumerate(value):
            key = f"states[{i}]"
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict):
                self.fail(key, "must be a mapping with at least a name")
                continue
            for extra in sorted(set(item) - STATE_KEYS):
                self.fail(f"{key}.{extra}", "unknown key")
            name = self.name(item.get("name"), f"{key}.name")
            if name in seen:
                self.fail(f"{key}.name", f"state '{name}' is declared twice")
            seen.add(name)
            stages.append(Stage(
                name=name, label_text=self.label(item.get("label"), f"{key}.label", name),
                deliverables=self.deliverables(item.get("deliverables"), f"{key}.deliverables"),
                checkin_every_days=self.positive_int(item.get("checkin_every_days"), f"{key}.checkin_every_days"),
                expected_days=self.positive_int(item.get("expected_days"), f"{key}.expected_days"),
                kpis=self.kpis(item.get("kpis"), f"{key}.kpis"),
            ))
        return stages

    def deliverables(self, value: Any, key: str) -> tuple[Deliverable, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(key, "must be a list")
            return ()
        result: list[Deliverable] = []
        for here, item, dkey in self.keyed_mappings(value, key, ("key", "title", "required"), "deliverable"):
            required = item.get("required", True)
            if not isinstance(required, bool):
                self.fail(f"{here}.required", "must be true or false")
            result.append(Deliverable(dkey, self.label(item.get("title"), f"{here}.title", dkey), bool(required)))
        return tuple(result)

    def transitions(self, value: Any, stage_names: set[str]) -> list[Transition]:
        if not isinstance(value, list) or not value:
            self.fail("transitions", "must be a non-empty list of {trigger, source, dest}")
            return []
        result: list[Transition] = []
        for i, item in enumerate(value):
            key = f"transitions[{i}]"
            if not isinstance(item, dict):
                self.fail(key, "must be a mapping with trigger, source and dest")
                continue
            for extra in sorted(set(item) - TRANSITION_KEYS):
                self.fail(f"{key}.{extra}", "unknown key (conditions and callbacks belong in events)")
            trigger = self.name(item.get("trigger"), f"{key}.trigger")
            sources = self.sources(item.get("source"), f"{key}.source", stage_names)
            dest = item.get("dest")
            if dest is not None and (not isinstance(dest, str) or dest not in stage_names):
                self.fail(f"{key}.dest", f"'{dest}' is not one of the states")
            result.append(Transition(trigger, sources, dest))
        self.no_ambiguous_sources(result)
        return result

    def sources(self, value: Any, key: str, stage_names: set[str]) -> tuple[str, ...]:
        if value == "*":
            return tuple(sorted(stage_names))
        items = value if isinstance(value, list) else [value]
        if not items:
            self.fail(key, "must name a state, a list of states or '*'")
        for item in items:
            # Membership in a set needs a hashable item: a nested list or mapping is a problem, not a crash.
            if not isinstance(item, str) or item not in stage_names:
                self.fail(key, f"'{item}' is not one of the states")
        return tuple(i for i in items if isinstance(i, str))

    def no_ambiguous_sources(self, transitions: list[Transition]) -> None:
        seen: dict[tuple[str, str], int] = {}
        for i, transition in enumerate(transitions):
            for source in transition.sources:
                if (transition.trigger, source) in seen:
                    self.fail(f"transitions[{i}].source",
                              f"'{transition.trigger}' from '{source}' is already defined at "
                              f"transitions[{seen[(transition.trigger, source)]}]")
                seen[(transition.trigger, source)] = i

    def events(self, value: Any, triggers: set[str]) -> dict[str, Event]:
        if not isinstance(value, dict):
            self.fail("events", "must map each trigger to who may fire it")
            return {}
        for trigger in sorted(triggers - set(value)):
            self.fail(f"events.{trigger}", "missing: every trigger needs its roles")
        result: dict[str, Event] = {}
        for name, item in value.items():
            key = f"events.{name}"
            if name not in triggers:
                self.fail(key, "no transition uses this trigger")
                continue
            if not isinstance(item, dict):
                self.fail(key, "must be a mapping with at least roles")
                continue
            result[name] = self.event(name, item, key)
        return result

    def event(self, name: str, item: dict, key: str) -> Event:
        for extra in sorted(set(item) - EVENT_KEYS):
            self.fail(f"{key}.{extra}", "unknown key")
        comment = item.get("comment", "optional")
        if comment not in ("optional", "required"):
            self.fail(f"{key}.comment", "must be 'optional' or 'required'")
        from_status = item.get("from_status", ["active"])
        from_status = from_status if isinstance(from_status, list) else [from_status]
        for status in from_status:
            if status not in STATUSES:
                self.fail(f"{key}.from_status", f"'{status}' is not a status ({', '.join(STATUSES)})")
        to_status = item.get("to_status")
        if to_status is not None and to_status not in STATUSES:
            self.fail(f"{key}.to_status", f"'{to_status}' is not a status ({', '.join(STATUSES)})")
        decision = item.get("gate_decision")
        if decision is not None and decision not in GATE_DECISIONS:
            self.fail(f"{key}.gate_decision", f"'{decision}' is not one of {', '.join(GATE_DECISIONS)}")
        confirm = item.get("confirm", False)
        if not isinstance(confirm, bool):
            self.fail(f"{key}.confirm", "must be true or false")
        requests_review = item.get("requests_review", False)
        if not isinstance(requests_review, bool):
            self.fail(f"{key}.requests_review", "must be true or false")
        if requests_review and decision is not None:
            self.fail(f"{key}.requests_review", "an event that requests a review cannot also decide the gate")
        return Event(
            name=name, label_text=self.label(item.get("label"), f"{key}.label", name),
            history_text=self.history(item.get("history"), f"{key}.history"),
            roles=self.names_in(item.get("roles"), f"{key}.roles", roles.ROLE_NAMES, "role", required=True),
            gates=self.names_in(item.get("gates"), f"{key}.gates", guards.names(), "guard"),
            comment_required=comment == "required", from_statuses=tuple(from_status),
            to_status=to_status, gate_decision=decision,
            override_roles=self.names_in(item.get("override_roles"), f"{key}.override_roles",
                                         roles.ROLE_NAMES, "role"),
            confirm=bool(confirm), requests_review=requests_review is True,
            notifies=self.notice(item.get("notifies"), f"{key}.notifies"),
        )

    def notice(self, value: Any, key: str) -> Notice | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(key, "must be a mapping with kind and roles")
            return None
        for extra in sorted(set(value) - NOTIFIES_KEYS):
            self.fail(f"{key}.{extra}", "unknown key")
        kind = value.get("kind")
        if kind not in NOTICE_KINDS:
            self.fail(f"{key}.kind", f"'{kind}' is not one of {', '.join(NOTICE_KINDS)}")
        recipients = self.names_in(value.get("roles"), f"{key}.roles", roles.ROLE_NAMES, "role", required=True)
        return Notice(kind=str(kind), roles=recipients)

    def names_in(self, value: Any, key: str, known: set[str] | frozenset[str], kind: str,
                 required: bool = False) -> tuple[str, ...]:
        if value is None:
            if required:
                self.fail(key, f"must list at least one {kind}")
            return ()
        if not isinstance(value, list) or (required and not value):
            self.fail(key, f"must be a list of {kind} names")
            return ()
        for item in value:
            if not isinstance(item, str) or item not in known:
                self.fail(key, f"unknown {kind} '{item}' (known: {', '.join(sorted(known))})")
        return tuple(v for v in value if isinstance(v, str))

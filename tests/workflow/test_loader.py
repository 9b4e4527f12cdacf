"""The loader refuses broken workflow documents at load time, naming the file and the key."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from app.workflow.loader import DefinitionInvalid
from app.workflow.loader import load_file

BASE_DOCUMENT = {
    "name": "mini_path",
    "version": 1,
    "label": {"en": "Mini path", "fr": "Mini parcours"},
    "initial": "idea",
    "states": [
        {
            "name": "idea",
            "label": {"en": "Idea", "fr": "Idée"},
            "deliverables": [{"key": "pitch", "title": {"en": "Pitch", "fr": "Pitch"}, "required": True}],
        },
        {"name": "launch", "label": {"en": "Launch", "fr": "Lancement"}, "checkin_every_days": 7},
    ],
    "transitions": [
        {"trigger": "advance", "source": "idea", "dest": "launch"},
        {"trigger": "send_back", "source": "launch", "dest": "idea"},
        {"trigger": "abandon", "source": "*", "dest": None},
    ],
    "events": {
        "advance": {"roles": ["member", "manager"], "gates": ["all_deliverables_done"], "override_roles": ["manager"]},
        "send_back": {"roles": ["manager"], "comment": "required"},
        "abandon": {"roles": ["member", "manager"], "to_status": "abandoned", "from_status": ["active", "on_hold"]},
    },
}


@pytest.fixture
def document() -> dict:
    """A fresh, valid document to break."""
    return copy.deepcopy(BASE_DOCUMENT)


@pytest.fixture
def write(tmp_path) -> Callable[..., Path]:
    """Write a document (a dict, or raw text) to a YAML file and return its path."""

    def write_file(content: dict | str, name: str = "mini_path.yaml") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write_file


def problems_of(path: Path) -> dict[str, str]:
    """Load `path`, expecting a refusal; return {key path: message}."""
    with pytest.raises(DefinitionInvalid) as caught:
        load_file(path)
    problems = caught.value.problems
    assert problems
    assert all(p.source == str(path) for p in problems)
    assert all(str(p).startswith(f"{path}: {p.key}: ") for p in problems)
    assert str(caught.value) == "\n".join(str(p) for p in problems)
    return {p.key: p.message for p in problems}


def reorder(value):
    """The same document with every mapping's keys in reverse order."""
    if isinstance(value, dict):
        return {k: reorder(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reorder(v) for v in value]
    return value


def test_the_base_document_is_valid(write, document):
    definition = load_file(write(document))
    assert definition.key == "mini_path"
    assert definition.stage_names == ("idea", "launch")
    assert definition.transitions_for("abandon")[0].sources == ("idea", "launch")
    assert definition.events["send_back"].comment_required


def test_bad_yaml_names_the_file_and_the_line(write):
    path = write("name: mini_path\nstates: [idea,\n  - launch\n")
    problems = problems_of(path)
    [(key, message)] = problems.items()
    assert key.startswith("line ")
    assert "not valid YAML" in message


@pytest.mark.parametrize("text", ["", "- idea\n- launch\n", "just a sentence\n"], ids=["empty", "list", "scalar"])
def test_a_document_that_is_not_a_mapping_is_refused(write, text):
    assert "(document)" in problems_of(write(text))


def test_an_unreadable_file_is_refused_with_its_path(tmp_path):
    assert "(file)" in problems_of(tmp_path / "missing.yaml")


def break_dest(doc):
    doc["transitions"][2]["dest"] = "nowhere"


def break_source(doc):
    doc["transitions"][1]["source"] = "nowhere"


def break_source_in_list(doc):
    doc["transitions"][1]["source"] = ["launch", "nowhere"]


def unknown_guard(doc):
    doc["events"]["advance"]["gates"] = ["all_deliverables_done", "moon_is_full"]


def unknown_role(doc):
    doc["events"]["advance"]["roles"] = ["member", "investor"]


def unknown_override_role(doc):
    doc["events"]["advance"]["override_roles"] = ["ceo"]


def missing_event(doc):
    del doc["events"]["send_back"]


def event_without_transition(doc):
    doc["events"]["fly"] = {"roles": ["manager"]}


def duplicate_state(doc):
    doc["states"].append({"name": "idea"})


def duplicate_deliverable(doc):
    doc["states"][0]["deliverables"].append({"key": "pitch", "title": "Pitch again"})


def unknown_top_level_key(doc):
    doc["callbacks"] = {"on_enter": "send_mail"}


def unknown_transition_key(doc):
    doc["transitions"][0]["conditions"] = "is_ready"


def unknown_event_key(doc):
    doc["events"]["advance"]["after"] = "notify"


def ambiguous_trigger_and_source(doc):
    doc["transitions"].append({"trigger": "advance", "source": "idea", "dest": "launch"})


def ambiguous_through_wildcard(doc):
    doc["transitions"].append({"trigger": "abandon", "source": ["launch"], "dest": None})


def unknown_initial(doc):
    doc["initial"] = "dream"


def unknown_to_status(doc):
    doc["events"]["abandon"]["to_status"] = "paused"


def unknown_from_status(doc):
    doc["events"]["abandon"]["from_status"] = ["active", "sleeping"]


def bad_comment_rule(doc):
    doc["events"]["send_back"]["comment"] = "mandatory"


def bad_gate_decision(doc):
    doc["events"]["advance"]["gate_decision"] = "maybe"


def no_roles(doc):
    del doc["events"]["send_back"]["roles"]


def bad_state_name(doc):
    doc["states"][1]["name"] = "Launch Pad"


def bad_cadence(doc):
    doc["states"][1]["checkin_every_days"] = 0


def bad_label(doc):
    doc["states"][0]["label"] = ["Idea"]


@pytest.mark.parametrize(
    ("mutate", "key", "fragment"),
    [
        (break_dest, "transitions[2].dest", "'nowhere' is not one of the states"),
        (break_source, "transitions[1].source", "'nowhere' is not one of the states"),
        (break_source_in_list, "transitions[1].source", "'nowhere' is not one of the states"),
        (unknown_guard, "events.advance.gates", "unknown guard 'moon_is_full'"),
        (unknown_role, "events.advance.roles", "unknown role 'investor'"),
        (unknown_override_role, "events.advance.override_roles", "unknown role 'ceo'"),
        (missing_event, "events.send_back", "missing"),
        (event_without_transition, "events.fly", "no transition uses this trigger"),
        (duplicate_state, "states[2].name", "state 'idea' is declared twice"),
        (duplicate_deliverable, "states[0].deliverables[1].key", "deliverable 'pitch' is declared twice"),
        (unknown_top_level_key, "callbacks", "unknown key"),
        (unknown_transition_key, "transitions[0].conditions", "unknown key"),
        (unknown_event_key, "events.advance.after", "unknown key"),
        (ambiguous_trigger_and_source, "transitions[3].source", "'advance' from 'idea' is already defined at "
         "transitions[0]"),
        (ambiguous_through_wildcard, "transitions[3].source", "'abandon' from 'launch' is already defined at "
         "transitions[2]"),
        (unknown_initial, "initial", "'dream' is not one of the states"),
        (unknown_to_status, "events.abandon.to_status", "'paused' is not a status"),
        (unknown_from_status, "events.abandon.from_status", "'sleeping' is not a status"),
        (bad_comment_rule, "events.send_back.comment", "'optional' or 'required'"),
        (bad_gate_decision, "events.advance.gate_decision", "'maybe' is not one of"),
        (no_roles, "events.send_back.roles", "at least one role"),
        (bad_state_name, "states[1].name", "lower-case identifier"),
        (bad_cadence, "states[1].checkin_every_days", "whole number"),
        (bad_label, "states[0].label", "mapping of language to text"),
    ],
    ids=lambda value: value.__name__ if callable(value) else None,
)
def test_broken_document_is_refused_naming_the_key(write, document, mutate, key, fragment):
    mutate(document)
    problems = problems_of(write(document))
    assert key in problems, problems
    assert fragment in problems[key]


@pytest.mark.parametrize("version", [0, -1, "1", 1.5, True, None], ids=repr)
def test_bad_version_is_refused(write, document, version):
    document["version"] = version
    assert "version" in problems_of(write(document))


def test_missing_version_is_refused(write, document):
    del document["version"]
    assert "whole number" in problems_of(write(document))["version"]


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("source", [["idea"]]),
        ("source", {"idea": "launch"}),
        ("source", []),
        ("dest", ["launch"]),
        ("dest", {"to": "launch"}),
        ("roles", [["member"]]),
        ("gates", [{"all_deliverables_done": True}]),
        ("override_roles", [{"manager": True}]),
    ],
)
def test_malformed_values_are_problems_not_crashes(write, document, where, value):
    if where in ("source", "dest"):
        document["transitions"][0][where] = value
        key = f"transitions[0].{where}"
    else:
        document["events"]["advance"][where] = value
        key = f"events.advance.{where}"
    assert key in problems_of(write(document))


def test_every_problem_is_reported_at_once(write, document):
    break_dest(document)
    unknown_guard(document)
    unknown_role(document)
    problems = problems_of(write(document))
    assert {"transitions[2].dest", "events.advance.gates", "events.advance.roles"} <= set(problems)


def test_checksum_is_stable_under_key_reordering_and_formatting(write, document):
    plain = load_file(write(document, "plain.yaml"))
    reordered_text = yaml.safe_dump(reorder(document), sort_keys=False, default_flow_style=True)
    reordered = load_file(write("# same content, other order\n" + reordered_text, "reordered.yaml"))
    assert reordered.checksum == plain.checksum
    assert reordered == plain


def test_checksum_changes_with_the_content(write, document):
    before = load_file(write(document, "before.yaml")).checksum
    document["states"][0]["deliverables"][0]["required"] = False
    assert load_file(write(document, "after.yaml")).checksum != before


def test_checksum_changes_when_the_stage_order_changes(write, document):
    before = load_file(write(document, "before.yaml")).checksum
    document["states"].reverse()
    assert load_file(write(document, "after.yaml")).checksum != before


# Review requests and notifications --------------------------------------------------------------


def with_review_request(document: dict, **event) -> dict:
    document["transitions"].append({"trigger": "request_review", "source": "*", "dest": None})
    document["events"]["request_review"] = {"roles": ["member"], **event}
    return document


def test_an_event_requests_a_review_and_notifies_by_role(write, document):
    definition = load_file(write(with_review_request(
        document, gates=["all_deliverables_done", "gate_not_approved", "no_pending_review"], requests_review=True,
        notifies={"kind": "gate_review_requested", "roles": ["assigned_mentor", "manager"]})))

    event = definition.events["request_review"]
    assert event.requests_review is True
    assert (event.notifies.kind, event.notifies.roles) == ("gate_review_requested", ("assigned_mentor", "manager"))
    assert definition.events["advance"].notifies is None and definition.events["advance"].requests_review is False


@pytest.mark.parametrize(("event", "key", "fragment"), [
    ({"requests_review": "yes"}, "events.request_review.requests_review", "true or false"),
    ({"requests_review": True, "gate_decision": "go"}, "events.request_review.requests_review",
     "cannot also decide the gate"),
    ({"notifies": ["manager"]}, "events.request_review.notifies", "mapping with kind and roles"),
    ({"notifies": {"kind": "sms", "roles": ["manager"]}}, "events.request_review.notifies.kind",
     "'sms' is not one of gate_review_requested, gate_decided"),
    ({"notifies": {"kind": "gate_decided", "roles": ["investor"]}}, "events.request_review.notifies.roles",
     "unknown role 'investor'"),
    ({"notifies": {"kind": "gate_decided"}}, "events.request_review.notifies.roles", "at least one role"),
    ({"notifies": {"kind": "gate_decided", "roles": ["member"], "via": "sms"}},
     "events.request_review.notifies.via", "unknown key"),
])
def test_a_bad_review_or_notification_setting_is_refused_naming_the_key(write, document, event, key, fragment):
    problems = problems_of(write(with_review_request(document, **event)))

    assert key in problems, problems
    assert fragment in problems[key]


def test_an_event_that_requests_a_review_keeps_the_stage(write, document):
    document["events"]["advance"]["requests_review"] = True

    problems = problems_of(write(document))

    assert "dest: null" in problems["events.advance.requests_review"]


def test_a_path_with_a_review_request_keeps_its_name(write, document):
    assert load_file(write(with_review_request(document, requests_review=True))).key == "mini_path"


# The history's sentences -----------------------------------------------------------------------


def test_an_event_tells_the_history_in_the_past_tense(write, document, app):
    document["events"]["send_back"]["history"] = {"en": "Sent back by %(actor)s", "fr": "Renvoyé par %(actor)s"}
    definition = load_file(write(document))
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert definition.events["send_back"].history("Omar") == "Renvoyé par Omar"
    assert definition.events["advance"].history("Omar") is None  # the generic sentence is the app's


@pytest.mark.parametrize("history", [{"en": "Sent back"}, {"en": "Sent back by %(who)s"}, {"en": "100% by %(actor)s"},
                                     ["Sent back by %(actor)s"]], ids=["no actor", "other name", "lone %", "list"])
def test_a_history_sentence_without_its_actor_is_refused(write, document, history):
    document["events"]["send_back"]["history"] = history
    problems = problems_of(write(document))
    assert any(key.startswith("events.send_back.history") for key in problems), problems


def test_history_sentences_are_not_rules_of_the_version(write, document):
    before = load_file(write(document, "before.yaml")).checksum
    document["events"]["send_back"]["history"] = {"en": "Sent back by %(actor)s"}
    assert load_file(write(document, "after.yaml")).checksum == before


def test_the_texts_people_read_are_not_rules_of_the_version(write, document):
    before = load_file(write(document, "before.yaml")).checksum
    document["label"] = {"en": "Path", "ar": "المسار"}
    document["states"][0]["label"] = {"en": "Raw idea", "fr": "Idée brute", "ar": "فكرة أولية"}
    document["states"][0]["deliverables"][0]["title"] = {"en": "The problem", "ar": "الإشكالية"}
    document["events"]["advance"]["label"] = {"en": "Next", "ar": "التالي"}
    assert load_file(write(document, "after.yaml")).checksum == before
    document["states"][0]["deliverables"][0]["key"] = "the_problem"
    assert load_file(write(document, "renamed.yaml")).checksum != before


"""Random sequences of events and ticks on one project, checked against a small model of the path.

Every step goes through `app.projects.services` on a real session and is committed (success) or
rolled back (refusal), as the view or API boundary does. The model predicts which steps succeed
from the public contract (API.md) alone; the invariants compare it with the database after each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

import pytest
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import invariant
from hypothesis.stateful import precondition
from hypothesis.stateful import rule
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy import select

from app.cluster import services as cluster_services
from app.cluster.models import FUNDING_SOURCES
from app.cluster.models import Funding
from app.core.errors import ConcurrentEdit
from app.core.errors import DomainError
from app.core.errors import EventForbidden
from app.core.errors import Forbidden
from app.core.errors import GateAlreadyApproved
from app.core.errors import NotFound
from app.core.errors import TransitionNotAllowed
from app.core.errors import ValidationFailed
from app.pipeline import readmodel
from app.projects import queries
from app.projects import services
from app.workflow.catalog import catalog_of
from app.workflow.definition import FINAL_STATUSES

STAGES = ("idea", "project", "industrialisation", "commercialisation", "internationalisation")
# Hypothesis leans towards the first value of each list: lead with the ones that move the project.
EVENTS = ("approve_gate", "advance", "send_back", "hold", "resume", "graduate", "request_review", "abandon")
ACTORS = ("manager", "member", "mentor", "outsider")
#: What `steer` fires with well-formed requests; `abandon` is left to chance, as it ends the run.
STEERING_EVENTS = ("approve_gate", "advance", "send_back", "hold", "resume", "graduate", "request_review")
COMMENTS = ("Discussed with the team.", "", "  ")
#: Who fires what (API.md), in workflow roles.
WHO = {
    "approve_gate": {"assigned_mentor", "manager"},
    "advance": {"member", "assigned_mentor", "manager"},
    "send_back": {"assigned_mentor", "manager"},
    "hold": {"member", "manager"},
    "resume": {"member", "manager"},
    "abandon": {"member", "manager"},
    "graduate": {"manager"},
    "request_review": {"member"},
}
FROM_STATUSES = {"resume": {"on_hold"}, "abandon": {"active", "on_hold"}}
COMMENT_REQUIRED = {"send_back", "hold", "abandon"}
#: Events whose failing gates a manager may override with a comment.
OVERRIDABLE = {"approve_gate", "advance"}
#: The gate decision each event records at the stage it fires from.
GATE_DECISION = {"approve_gate": "go", "send_back": "recycle", "hold": "hold", "abandon": "kill"}
TO_STATUS = {"hold": "on_hold", "resume": "active", "abandon": "abandoned", "graduate": "graduated"}
MOVE = {"advance": 1, "send_back": -1}
#: Now and then the client sends the version it read before the last write.
STALE = st.sampled_from([False, False, False, True])

RUN_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Model:
    """What the project should look like, kept by hand."""

    #: Deliverable keys of each stage, all and required only.
    keys_by_stage: dict[str, set[str]]
    required: dict[str, set[str]]
    stage: int = 0
    status: str = "active"
    gate: str | None = None
    #: A founder asked for a gate review that no decision nor stage change answered yet.
    review_pending: bool = False
    mentor_assigned: bool = False
    #: (stage, deliverable key) -> done; rows survive leaving a stage and coming back.
    done: dict[tuple[str, str], bool] = field(default_factory=dict)
    history: list[tuple] = field(default_factory=lambda: [("create", None, "idea", None, "active")])

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage]

    def roles_of(self, actor: str) -> set[str]:
        if actor == "mentor":
            return {"assigned_mentor"} if self.mentor_assigned else set()
        return {"member": {"member"}, "manager": {"manager"}, "outsider": set()}[actor]

    def required_done(self) -> bool:
        return all(self.done.get((self.stage_name, key)) for key in self.required[self.stage_name])

    def gates_fail(self, event: str) -> bool:
        if event == "approve_gate":
            return not self.required_done()
        if event == "advance":
            return not self.required_done() or self.gate != "go"
        if event == "graduate":
            return self.gate != "go"
        if event == "request_review":
            return not self.required_done() or self.gate == "go" or self.review_pending
        return False

    def stage_allows(self, event: str) -> bool:
        if event == "advance":
            return self.stage < len(STAGES) - 1
        if event == "send_back":
            return self.stage > 0
        if event == "graduate":
            return self.stage == len(STAGES) - 1
        return True

    def state_allows(self, event: str) -> bool:
        return (self.status not in FINAL_STATUSES and self.status in FROM_STATUSES.get(event, {"active"})
                and self.stage_allows(event))

    def approves_again(self, event: str) -> bool:
        """A gate is approved once per stage visit: a second "go" is refused (409)."""
        return event == "approve_gate" and self.gate == "go"

    def event_allowed(self, event: str, actor: str, override: bool, comment: str) -> bool:
        roles = self.roles_of(actor)
        has_comment = bool(comment.strip())
        gates_ok = not self.gates_fail(event) or (
            override and "manager" in roles and event in OVERRIDABLE and has_comment
        )
        return (
            self.status not in FINAL_STATUSES
            and bool(roles & WHO[event])
            and self.status in FROM_STATUSES.get(event, {"active"})
            and self.stage_allows(event)
            and (has_comment or event not in COMMENT_REQUIRED)
            and gates_ok
            and not self.approves_again(event)
        )

    def apply(self, event: str) -> None:
        from_stage, from_status = self.stage_name, self.status
        self.stage += MOVE.get(event, 0)
        self.status = TO_STATUS.get(event, self.status)
        if event in GATE_DECISION:
            self.gate = GATE_DECISION[event]
            self.review_pending = False
        if event == "request_review":
            self.review_pending = True
        if event in MOVE:
            self.review_pending = False
            self.gate = None  # a new stage starts without a gate decision or a mentor
            self.mentor_assigned = False
        if self.status in FINAL_STATUSES:
            self.mentor_assigned = False
        self.history.append((event, from_stage, self.stage_name, from_status, self.status))

    def tick_refusal(self, actor: str, key: str, stale: bool) -> type[DomainError] | None:
        if actor not in ("member", "manager"):
            return Forbidden
        if stale:
            return ConcurrentEdit
        if key not in self.keys_by_stage[self.stage_name]:
            return NotFound
        if self.status in FINAL_STATUSES:
            return ValidationFailed
        return None


@pytest.fixture
def lifecycle(session, make_user, make_project, assign, founder, mentor, manager, now):
    """The state machine class, bound to this test's database and people (one project per run)."""
    outsider = make_user("founder")
    users = {"member": founder, "mentor": mentor, "manager": manager, "outsider": outsider}
    definition = catalog_of(session).latest("innovation_path")
    keys_by_stage = {s.name: {d.key for d in s.deliverables} for s in definition.stages}
    required = {s.name: {d.key for d in s.deliverables if d.required} for s in definition.stages}
    assert tuple(keys_by_stage) == STAGES

    class ProjectLifecycle(RuleBasedStateMachine):
        """Every step happens at the same instant, so no check may lean on the clock moving."""

        def __init__(self) -> None:
            super().__init__()
            self.project = make_project(name="Lifecycle")
            self.model = Model(keys_by_stage=keys_by_stage, required=required)
            self.version = self.project.version
            self.seen_stage = 0
            self.final_status: str | None = None

        def attempt(self, write, expected_error: type[DomainError] | None) -> None:
            """Run one service call like a boundary: commit on success, roll back on refusal."""
            before = self.project.version
            try:
                write()
            except DomainError as exc:
                session.rollback()
                assert expected_error is not None, f"refused unexpectedly: {exc.message} {exc.errors}"
                assert type(exc) is expected_error, (type(exc), exc.message, exc.errors)
                session.refresh(self.project)
                assert self.project.version == before, "a refusal must change nothing"
                return
            session.commit()
            assert expected_error is None, f"allowed although {expected_error.__name__} was expected"
            session.refresh(self.project)
            assert self.project.version > before, "a successful write must bump the version"
            self.version = self.project.version

        @rule(event=st.sampled_from(EVENTS), actor=st.sampled_from(ACTORS), override=st.booleans(),
              comment=st.sampled_from(COMMENTS), stale=STALE)
        def fire(self, event: str, actor: str, override: bool = False, comment: str = "", stale: bool = False) -> None:
            allowed = self.model.event_allowed(event, actor, override, comment)
            if stale:
                expected = ConcurrentEdit
            elif allowed:
                expected = None
            elif not self.model.roles_of(actor) & WHO[event]:
                expected = EventForbidden  # no role for the event: 403, before any other rule
            elif self.model.state_allows(event) and self.model.approves_again(event):
                expected = GateAlreadyApproved
            else:
                expected = TransitionNotAllowed
            version = self.project.version - 1 if stale else self.project.version
            self.attempt(
                lambda: services.fire_event(session, self.project, event, actor=users[actor], now=now,
                                            version=version, comment=comment, override=override),
                expected,
            )
            if expected is None:
                self.model.apply(event)

        @rule(event=st.sampled_from(STEERING_EVENTS), actor=st.sampled_from(ACTORS[:3]))
        def steer(self, event: str, actor: str) -> None:
            """A well-formed request (comment given, current version) so that runs get past the first stage."""
            self.fire(event, actor, comment="As agreed at the review.")

        def set_deliverable(self, actor: str, key: str, done: bool, stale: bool = False) -> None:
            expected = self.model.tick_refusal(actor, key, stale)
            version = self.project.version - 1 if stale else self.project.version
            self.attempt(
                lambda: services.set_deliverable(session, self.project, key, done=done, actor=users[actor],
                                                 now=now, version=version),
                expected,
            )
            if expected is None:
                if self.model.done.get((self.model.stage_name, key), False) != done:  # a change is history
                    stage, status = self.model.stage_name, self.model.status
                    self.model.history.append(("deliverable_done" if done else "deliverable_undone", stage, stage,
                                               status, status))
                self.model.done[(self.model.stage_name, key)] = done

        @rule(actor=st.sampled_from(ACTORS), done=st.booleans(), stale=STALE, data=st.data())
        def tick(self, actor: str, done: bool, stale: bool, data) -> None:
            # Mostly keys of the current stage; sometimes one of another stage or none at all.
            keys = sorted(keys_by_stage[self.model.stage_name]) + ["export_plan", "no_such_thing"]
            self.set_deliverable(actor, data.draw(st.sampled_from(keys), label="key"), done, stale)

        @rule(actor=st.sampled_from(ACTORS))
        def complete_stage(self, actor: str) -> None:
            for key in sorted(required[self.model.stage_name]):
                self.set_deliverable(actor, key, True)

        @rule(approver=st.sampled_from(("manager", "mentor")), mover=st.sampled_from(ACTORS[:3]))
        def pass_the_gate(self, approver: str, mover: str) -> None:
            """The usual walk out of a stage, step by step: tick everything, approve the gate, advance."""
            self.complete_stage("member")
            self.fire("approve_gate", approver)
            self.fire("advance", mover)

        @precondition(lambda self: not self.model.mentor_assigned and self.model.status not in FINAL_STATUSES)
        @rule()
        def assign_mentor(self) -> None:
            assign(self.project, mentor)
            self.model.mentor_assigned = True

        @rule(cents=st.integers(min_value=1, max_value=10**9), source=st.sampled_from(FUNDING_SOURCES[:3]),
              edit=st.booleans())
        def finance(self, cents: int, source: str, edit: bool) -> None:
            """Record a financing line or edit the first one (the read model's financing sums follow)."""
            first = (session.scalars(select(Funding).where(Funding.project_id == self.project.id)
                                     .order_by(Funding.id)).first() if edit else None)
            cluster_services.save_funding(session, self.project, first, actor=manager, now=now, source=source,
                                          amount=Decimal(cents) / 100)
            session.commit()

        @invariant()
        def consistent_with_the_model(self) -> None:
            session.expire_all()
            project = self.project
            assert (project.stage, project.status, project.gate_decision) == (
                self.model.stage_name, self.model.status, self.model.gate)
            assert (project.review_requested_at is not None) is self.model.review_pending
            assert project.version == self.version
            self.check_stage_moves_one_step_at_most(project)
            self.check_final_status_stays_final(project)
            self.check_history(project)
            self.check_roles(project)
            self.check_deliverables(project)

        def teardown(self) -> None:
            # At the end of each example rather than after every step: a rebuild per step made this
            # one of the slowest tests of the suite; a wrong entry or counter stays wrong until its
            # project is written again, and the last steps' writes are checked all the same.
            self.check_read_model()

        def check_stage_moves_one_step_at_most(self, project) -> None:
            index = STAGES.index(project.stage)
            assert abs(index - self.seen_stage) <= 1
            self.seen_stage = index

        def check_final_status_stays_final(self, project) -> None:
            if self.final_status is not None:
                assert project.status == self.final_status
            elif project.status in FINAL_STATUSES:
                self.final_status = project.status

        def check_history(self, project) -> None:
            rows = queries.list_history(session, project)
            assert [(r.event, r.from_stage, r.to_stage, r.from_status, r.to_status) for r in rows] == \
                self.model.history
            assert {r.actor_id for r in rows} <= {u.id for u in users.values()}

        def check_roles(self, project) -> None:
            assert ("assigned_mentor" in queries.relations(session, project, mentor)) is self.model.mentor_assigned
            assert queries.relations(session, project, outsider) == frozenset()

        def check_read_model(self) -> None:
            """The pipeline's read model, kept write by write, equals one rebuilt from the history."""
            readmodel.mark_too_long(session, now=now)  # what the sweep does at this instant
            session.commit()
            kept = readmodel.snapshot(session)
            rebuilding = session.begin_nested()
            readmodel.rebuild(session, now=now)
            rebuilt = readmodel.snapshot(session)
            rebuilding.rollback()
            assert kept == rebuilt
            assert len(kept["entries"]) >= 1

        def check_deliverables(self, project) -> None:
            rows = queries.done_deliverables(session, project, project.stage)
            expected = {key: done for (stage, key), done in self.model.done.items() if stage == project.stage}
            assert {key: row.is_done for key, row in rows.items()} == expected

    return ProjectLifecycle


def test_random_events_keep_project_history_and_version_consistent(lifecycle):
    run_state_machine_as_test(lifecycle, settings=RUN_SETTINGS)


def test_a_gate_is_approved_once_per_stage_visit_and_repeats_change_nothing(lifecycle):
    state = lifecycle()
    state.complete_stage("member")
    for _ in range(3):
        state.fire("approve_gate", "manager")  # the second and third are refused, the version unchanged
        state.consistent_with_the_model()
    assert [row[0] for row in state.model.history if row[0] in EVENTS] == ["approve_gate"]


def test_walk_to_graduation_then_nothing_more(lifecycle):
    state = lifecycle()
    for _ in STAGES[:-1]:
        state.assign_mentor()
        state.complete_stage("member")
        state.fire("approve_gate", "mentor")
        state.fire("advance", "member")
        state.consistent_with_the_model()
    state.complete_stage("member")
    state.fire("approve_gate", "manager")
    state.fire("graduate", "manager")
    state.fire("abandon", "manager", comment="Too late.")
    state.set_deliverable("member", "export_plan", False)  # refused: the project is closed
    state.consistent_with_the_model()
    assert (state.model.stage_name, state.model.status) == ("internationalisation", "graduated")


def test_hold_send_back_and_abandon_with_refusals_between(lifecycle):
    state = lifecycle()
    state.fire("advance", "manager", override=True, comment="Strong team.")
    state.fire("hold", "member")  # refused: a comment is required
    state.fire("hold", "member", comment="Waiting for funding.")
    state.fire("advance", "manager", override=True, comment="x")  # refused: on hold
    state.fire("resume", "outsider")  # refused: no relation
    state.fire("resume", "member")
    state.fire("send_back", "mentor", comment="Rework the plan.")  # refused: not assigned
    state.assign_mentor()
    state.fire("send_back", "mentor", comment="Rework the plan.")
    state.fire("abandon", "member", comment="Stopping.", stale=True)  # refused: stale version
    state.fire("abandon", "member", comment="Stopping.")
    state.consistent_with_the_model()
    assert [row[0] for row in state.model.history if row[0] in EVENTS] == [
        "advance", "hold", "resume", "send_back", "abandon"]

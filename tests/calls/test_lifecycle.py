"""Running a call: edited while a draft (not open yet), extended, closed early or withdrawn once open,
each recorded and told to the applicants holding a draft; draft calls are not public; typed
questions; the commission flag."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.calls import lifecycle
from app.calls import queries
from app.calls import services
from app.calls.models import CallEvent
from app.cluster.models import CommissionMember
from app.core.errors import ConcurrentEdit
from app.core.errors import ValidationFailed
from app.notifications.models import Notification
from app.notifications.models import OutgoingEmail
from tests.api.conftest import check_problem
from tests.calls.conftest import CRITERIA

DAY = dt.timedelta(days=1)


@pytest.fixture
def draft_call(make_call):
    """A call that opens in five days: a draft."""
    return make_call(opens_ago=-5 * DAY, closes_in=30 * DAY)


def fields(call, **changes) -> dict:
    criteria, questions = lifecycle.grid_of(call)
    return {"title": call.title, "description": call.description, "poles": call.pole_keys, "opens_on": call.opens_on,
            "closes_on": call.closes_on, "criteria": criteria, "questions": questions, "workflow": call.workflow_key,
            "stage": call.stage, "requires_deck": call.requires_deck, **changes}


# Services -------------------------------------------------------------------------------------


def test_a_draft_call_is_edited_and_the_edit_recorded(session, draft_call, manager, now):
    grid = [services.CriterionInput("innovation", "Innovation", 5, help="How new?"),
            services.CriterionInput("impact", "Impact", 2)]
    lifecycle.update_call(session, draft_call, actor=manager, now=now, version=draft_call.version,
                          **fields(draft_call, title="Call 2027", criteria=grid, poles=["multimedia"]))
    session.commit()

    assert (draft_call.title, draft_call.pole_keys) == ("Call 2027", ["multimedia"])
    assert [(c.key, c.weight, c.help_text) for c in draft_call.criteria] == [("innovation", 5, "How new?"),
                                                                             ("impact", 2, "")]
    assert [(e.kind, e.actor_id) for e in draft_call.events] == [("edited", manager.id)]


def test_an_open_call_is_not_edited_and_a_stale_version_is_refused(session, make_call, draft_call, manager, now):
    with pytest.raises(ValidationFailed):
        open_call = make_call()
        lifecycle.update_call(session, open_call, actor=manager, now=now, version=None, **fields(open_call))
    with pytest.raises(ConcurrentEdit):
        lifecycle.update_call(session, draft_call, actor=manager, now=now, version=draft_call.version + 1,
                              **fields(draft_call))


def test_a_malformed_row_is_refused_naming_the_row(session, draft_call, manager, now):
    grid = [CRITERIA[0], services.CriterionInput("market", "Market", 9)]
    questions = [services.QuestionInput("q1", "Stage", "choice", options=("Idea",))]
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.update_call(session, draft_call, actor=manager, now=now, version=None,
                              **fields(draft_call, criteria=grid, questions=questions))

    errors = refused.value.field_errors()
    assert errors["criteria"] == ["Criterion 2: weight must be between 1 and 5."]
    assert errors["questions"][0].startswith("Question 1: a choice needs 2 to 20 different options")


def test_a_call_closing_before_it_opens_is_refused_naming_the_field(session, draft_call, manager, now):
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.update_call(session, draft_call, actor=manager, now=now, version=None,
                              **fields(draft_call, closes_on=draft_call.opens_on - DAY))
    assert refused.value.field_errors()["closes_on"] == ["The call cannot close before it opens."]


def test_extend_close_and_withdraw_are_recorded_with_actor_and_reason(session, make_call, manager, now):
    call = make_call(closes_in=10 * DAY)
    old = call.closes_on

    with pytest.raises(ValidationFailed) as refused:
        lifecycle.extend_call(session, call, actor=manager, now=now, closes_on=old)
    assert "closes_on" in refused.value.errors
    lifecycle.extend_call(session, call, actor=manager, now=now, closes_on=old + 7 * DAY, reason="Holidays.")
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.close_call(session, call, actor=manager, now=now, reason="  ")
    assert "reason" in refused.value.errors
    lifecycle.close_call(session, call, actor=manager, now=now, reason="Enough applications.")
    session.commit()

    assert not call.is_open(now) and call.status(now) == "closed"
    assert [(e.kind, e.closes_on_before, e.closes_on_after, e.reason) for e in call.events] == [
        ("extended", old, old + 7 * DAY, "Holidays."),
        ("closed", old + 7 * DAY, call.closes_on, "Enough applications.")]
    with pytest.raises(ValidationFailed):
        lifecycle.withdraw_call(session, call, actor=manager, now=now, reason="Too late.")


def test_a_withdrawn_call_takes_no_draft_and_leaves_the_public_list(session, make_call, make_application, manager,
                                                                    now):
    call = make_call()
    draft = make_application(call, submitted=False)
    lifecycle.withdraw_call(session, call, actor=manager, now=now, reason="Funding cancelled.")
    session.commit()

    assert call.status(now) == "withdrawn"
    assert session.scalars(queries.select_calls(None, now)).all() == []
    with pytest.raises(ValidationFailed) as refused:
        services.update_application(session, draft, actor=draft.applicant, now=now, version=None, title="New")
    assert "withdrawn" in refused.value.text


# The applicants with a draft are told ----------------------------------------------------------


def test_the_applicants_with_a_draft_are_told_once_per_change(app, session, make_call, make_application, manager,
                                                              make_user, now):
    from app.calls.notify import call_changed_messages
    from app.notifications import services as notifications

    call = make_call()
    holder = make_user("founder", locale="fr")
    make_application(call, applicant=holder, submitted=False)
    make_application(call)  # submitted: not told
    event = lifecycle.extend_call(session, call, actor=manager, now=now, closes_on=call.closes_on + 7 * DAY,
                                  reason="Vacances.")
    with app.test_request_context():
        messages = call_changed_messages(session, call, event)
        notifications.queue(session, messages, now=now)
        notifications.queue(session, call_changed_messages(session, call, event), now=now)  # a retry: no double
    session.commit()

    assert [m.user.id for m in messages] == [holder.id]
    (email,) = session.scalars(select(OutgoingEmail)).all()
    assert "prolongé" in email.subject and "Vacances." in email.body
    assert str(call.closes_on.year) in email.body and call.closes_on.isoformat() not in email.body
    (notice,) = session.scalars(select(Notification)).all()
    assert (notice.kind, notice.user_id) == ("call_changed", holder.id)


# Typed questions and the incomplete message ----------------------------------------------------


def test_answers_follow_their_question_kind_and_incomplete_names_the_questions(session, make_call, make_user, now):
    questions = [services.QuestionInput("q1", "Team size", "number"),
                 services.QuestionInput("q2", "Stage", "choice", options=("Idea", "Prototype")),
                 services.QuestionInput("q3", "Slogan", "short_text")]
    call = make_call(questions=questions, requires_deck=False)
    founder = make_user("founder")
    draft = services.create_application(session, call, actor=founder, now=now, title="Atlas", summary="Fast.")

    with pytest.raises(ValidationFailed) as refused:
        services.update_application(session, draft, actor=founder, now=now, version=None,
                                    answers={"q1": "many", "q2": "Scale-up", "q3": "x" * 201})
    assert refused.value.field_errors()["answers"] == [
        "“Team size”: give a number.", "“Stage”: choose one of the options.",
        "“Slogan”: at most 200 characters (201 now)."]
    services.update_application(session, draft, actor=founder, now=now, version=None, answers={"q1": "1 200,5"})
    with pytest.raises(ValidationFailed) as refused:
        services.submit_application(session, draft, actor=founder, now=now)
    assert refused.value.field_errors()["answers"] == ["Answer every question (missing: “Stage”; “Slogan”)."]


# Draft calls are not public; the empty commission ----------------------------------------------


def test_draft_calls_are_not_public_but_managers_see_them(api, draft_call, make_call, manager, make_user):
    open_call = make_call(title="Open call")

    public = api().get("/api/v1/calls").get_json()
    assert [c["id"] for c in public["items"]] == [open_call.id] and public["items"][0]["status"] == "open"
    check_problem(api().get(f"/api/v1/calls/{draft_call.id}"), 404)
    check_problem(api(make_user("founder")).get(f"/api/v1/calls/{draft_call.id}"), 404)
    everything = api(manager).get("/api/v1/calls?all=true").get_json()
    assert {c["id"]: c["status"] for c in everything["items"]} == {open_call.id: "open", draft_call.id: "draft"}


def test_open_calls_whose_commission_is_empty_are_flagged(session, make_call, make_user, login_as, manager, now):
    call = make_call(poles=["multimedia", "mobile_services"])
    session.add(CommissionMember(pole_key="multimedia", user_id=make_user("mentor").id))
    session.commit()

    assert queries.calls_without_commission(session, now) == [(call.id, ["mobile_services"])]
    page = login_as(manager).get(f"/calls/{call.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-flag="empty-commission"' in page


# API --------------------------------------------------------------------------------------------


def test_the_api_edits_a_draft_and_runs_an_open_call(api, draft_call, make_call, make_application, manager, session):
    client = api(manager)
    patched = client.patch(f"/api/v1/calls/{draft_call.id}", json={
        "title": "Call 2027", "version": draft_call.version,
        "questions": [{"key": "q1", "text": "Stage", "kind": "choice", "options": ["Idea", "Prototype"]}]})
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["title"] == "Call 2027" and patched.get_json()["questions"][0]["kind"] == "choice"
    check_problem(client.patch(f"/api/v1/calls/{draft_call.id}", json={"version": 1}), 409)
    bad = check_problem(client.patch(f"/api/v1/calls/{draft_call.id}", json={
        "closes_on": (draft_call.opens_on - DAY).isoformat()}), 422)
    assert "closes_on" in bad["errors"]

    call = make_call()
    make_application(call, submitted=False)
    refused = check_problem(client.post(f"/api/v1/calls/{call.id}/events", json={"event": "withdraw"}), 422)
    assert "reason" in refused["errors"]
    extended = client.post(f"/api/v1/calls/{call.id}/events", json={
        "event": "extend", "closes_on": (call.closes_on + 3 * DAY).isoformat(), "reason": "More time."})
    assert extended.status_code == 200, extended.get_json()
    assert [(e["kind"], e["reason"]) for e in extended.get_json()["events"]] == [("extended", "More time.")]
    assert session.scalar(select(CallEvent.kind).where(CallEvent.call_id == call.id)) == "extended"
    assert session.scalars(select(Notification.kind)).all() == ["call_changed"]


def test_the_call_page_closes_a_call_with_a_reason_only(login_as, make_call, manager, session, now):
    call = make_call()
    client = login_as(manager)

    refused = client.post(f"/calls/{call.id}/change", data={"action": "close", "reason": ""},
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and 'href="#reason"' in refused.get_data(as_text=True)
    done = client.post(f"/calls/{call.id}/change", data={"action": "close", "reason": "Enough.",
                                                         "version": call.version})
    assert done.status_code == 302
    session.refresh(call)
    assert [e.kind for e in call.events] == ["closed"] and call.status(dt.datetime.now(dt.UTC)) == "closed"

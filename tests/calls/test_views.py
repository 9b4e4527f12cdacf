"""Calls pages through the web client: status, redirects, flashes, re-rendered forms, hidden buttons,
and the database after every write."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy import update

from app.calls.models import Application
from app.calls.models import Call
from app.calls.models import Review
from app.core.dates import format_date
from tests.calls.conftest import ANSWERS
from tests.calls.conftest import pdf_bytes
from tests.calls.test_uploads import upload
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}


def text(response) -> str:
    return response.get_data(as_text=True)


def flashes(client) -> list[str]:
    with client.session_transaction() as state:
        return [m for _, m in state.pop("_flashes", [])]


@pytest.fixture
def web(app):
    """`web(user)`: a fresh signed-in browser, its welcome message read."""

    def sign_in(user):
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        flashes(client)
        return client

    return sign_in


def close_call(session, call: Call) -> None:
    """Move the deadline into the past (the web has no injected clock)."""
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    session.execute(update(Call).where(Call.id == call.id).values(
        closes_at=past, opens_at=past - dt.timedelta(days=30), opens_on=(past - dt.timedelta(days=30)).date(),
        closes_on=past.date()))
    session.commit()


# Calls -----------------------------------------------------------------------------------------


def test_visitors_see_open_calls_only_and_a_way_to_sign_up(client, make_call, session):
    make_call(title="Open call")
    closed = make_call(title="Closed call")
    close_call(session, closed)

    page = text(client.get("/calls", headers=EN))

    assert "Open call" in page and "Closed call" not in page
    assert 'href="/signup"' in page
    assert client.get(f"/calls/{closed.id}").status_code == 404


def grid(*criteria, questions=()) -> dict:
    """The call form's rows: criteria (title, weight, help) and questions (title, kind, options)."""
    data = {}
    for i, (title, weight, help_text) in enumerate(criteria):
        data |= {f"criteria-{i}-title": title, f"criteria-{i}-weight": str(weight), f"criteria-{i}-help": help_text}
    for i, (title, kind, options) in enumerate(questions):
        data |= {f"questions-{i}-text": title, f"questions-{i}-kind": kind, f"questions-{i}-options": options}
    return data


def test_a_manager_opens_a_call_from_the_form(web, manager, session):
    client = web(manager)
    assert client.get("/calls/new").status_code == 200
    today = dt.date.today()

    response = client.post("/calls/new", data={
        "title": "Call 2027", "description": "For mobile start-ups.", "poles": ["mobile_services", "multimedia"],
        "opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=30)).isoformat(),
        **grid(("Innovation", 3, "How new is it?"), ("Market & customers", 2, ""), ("Team", 1, ""),
               questions=[("What problem do you solve?", "long_text", ""), ("Stage", "choice", "Idea\nPrototype")]),
        "stage": "innovation_path:project", "requires_deck": "y"}, headers=EN)

    call = session.scalar(select(Call))
    assert response.status_code == 302 and response.location == f"/calls/{call.id}"
    assert [(c.key, c.weight) for c in call.criteria] == [("innovation", 3), ("market_customers", 2), ("team", 1)]
    assert call.criteria[0].help_text == "How new is it?"
    assert [(q["key"], q["kind"], q["options"]) for q in call.questions] == [
        ("q1", "long_text", []), ("q2", "choice", ["Idea", "Prototype"])]
    assert (call.workflow_key, call.stage, call.pole_keys) == ("innovation_path", "project",
                                                              ["mobile_services", "multimedia"])
    assert f"open until {format_date(call.closes_on, 'long', locale='en')}" in text(client.get(response.location))


def test_an_invalid_call_form_shows_every_error_at_once_naming_the_rows(web, manager, session):
    response = web(manager).post("/calls/new", data={
        "title": "", "poles": ["multimedia"], "opens_on": "2030-05-10", "closes_on": "2030-05-01",
        **grid(("Innovation", 3, ""), ("Market", "heavy", ""), questions=[("Pick", "choice", "Only one")]),
        "stage": "innovation_path:idea"}, headers=EN)

    assert response.status_code == 422
    page = text(response)
    assert 'class="error-summary" role="alert"' in page
    for message in ("Criterion 2: weight must be between 1 and 5", "The call cannot close before it opens",
                    "Question 1: a choice needs 2 to 20 different options"):
        assert message in page
    assert 'href="#title"' in page and 'href="#closes_on"' in page and 'href="#criteria"' in page
    assert 'value="heavy"' in page and "Only one" in page  # what was typed stays
    assert session.scalar(select(Call)) is None


def test_row_buttons_add_remove_and_move_rows_without_saving(web, manager, session):
    client = web(manager)
    base = {"title": "Call", **grid(("First", 1, ""), ("Second", 2, ""))}

    added = text(client.post("/calls/new", data={**base, "row": "add-criteria"}))
    moved = text(client.post("/calls/new", data={**base, "row": "up-criteria-1"}))
    removed = text(client.post("/calls/new", data={**base, "row": "remove-criteria-0"}))

    assert 'name="criteria-2-title"' in added
    assert moved.index('value="Second"') < moved.index('value="First"')
    assert 'value="First"' not in removed and 'name="criteria-1-title"' not in removed
    assert session.scalar(select(Call)) is None


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_only_managers_reach_the_new_call_form(web, make_user, client, role):
    assert web(make_user(role)).get("/calls/new").status_code == 403
    assert client.get("/calls/new").status_code == 302


def test_the_ranking_button_and_page_are_for_managers(web, manager, make_reviewer, make_call):
    call = make_call()
    reviewer = web(make_reviewer("multimedia"))

    assert f"/calls/{call.id}/ranking" in text(web(manager).get(f"/calls/{call.id}"))
    assert f"/calls/{call.id}/ranking" not in text(reviewer.get(f"/calls/{call.id}"))
    assert reviewer.get(f"/calls/{call.id}/ranking").status_code == 403


# Applications ----------------------------------------------------------------------------------


def test_a_founder_applies_saves_a_draft_attaches_and_submits(web, founder, make_call, session):
    call = make_call()
    client = web(founder)
    assert "Start my application" in text(client.get(f"/calls/{call.id}", headers=EN))

    started = client.post(f"/calls/{call.id}/apply", data={"title": "Atlas", "pole": "multimedia"})
    application = session.scalar(select(Application))
    assert started.status_code == 302 and started.location == f"/applications/{application.id}"
    saved = client.post(f"/applications/{application.id}", data={
        "title": "Atlas Pay", "summary": "Fast payments.", "pole": "multimedia", "version": application.version,
        "answer_q1": ANSWERS["q1"], "answer_q2": ANSWERS["q2"]})
    assert saved.status_code == 302
    assert upload(client, application.id, pdf_bytes()).status_code == 302
    session.expire_all()
    submitted = client.post(f"/applications/{application.id}/submit", data={"version": application.version})

    session.expire_all()
    assert submitted.status_code == 302
    assert (application.title, application.status, application.answers) == ("Atlas Pay", "submitted", ANSWERS)
    assert "Submit my application" not in text(client.get(f"/applications/{application.id}", headers=EN))


def test_a_stale_draft_save_is_a_409_with_the_form(web, make_call, make_application):
    application = make_application(make_call(), submitted=False)

    response = web(application.applicant).post(f"/applications/{application.id}", data={
        "title": "Mine", "pole": "multimedia", "version": application.version + 3}, headers=EN)

    assert response.status_code == 409
    assert "changed elsewhere" in text(response)


def test_after_the_deadline_submission_is_refused_and_the_draft_stays_readable(web, make_call, make_application,
                                                                               session):
    call = make_call()
    application = make_application(call, submitted=False)
    close_call(session, call)
    client = web(application.applicant)

    response = client.post(f"/applications/{application.id}/submit", data={"version": application.version},
                           headers=EN)

    assert response.status_code == 303
    assert any("closed" in m for m in flashes(client))
    page = client.get(f"/applications/{application.id}", headers=EN)
    assert page.status_code == 200 and "can no longer be submitted" in text(page)
    assert "Submit my application" not in text(page)
    session.expire_all()
    assert application.status == "draft"


def test_other_founders_cannot_open_someone_elses_application(web, make_user, make_call, make_application):
    application = make_application(make_call(), submitted=False)

    assert web(make_user("founder")).get(f"/applications/{application.id}").status_code == 404


def test_founders_see_my_applications_in_the_menu(web, founder, make_call, make_application):
    make_application(make_call(), applicant=founder, title="Atlas Pay")

    client = web(founder)
    assert "My applications" in text(client.get("/projects", headers=EN))
    assert "Atlas Pay" in text(client.get("/applications", headers=EN))


def test_partners_are_added_and_removed(web, make_call, make_application, make_organisation, session):
    application = make_application(make_call(), submitted=False)
    organisation = make_organisation("INPT")
    client = web(application.applicant)

    added = client.post(f"/applications/{application.id}/partners",
                        data={"organisation_id": organisation.id, "role": "research_partner",
                              "version": application.version})
    session.expire_all()
    roles = [(p.organisation_id, p.role) for p in application.partners]
    removed = client.post(f"/applications/{application.id}/partners",
                          data={"remove": organisation.id, "version": application.version})
    session.expire_all()

    assert added.status_code == removed.status_code == 302
    assert roles == [(organisation.id, "research_partner")]
    assert application.partners == []


# Reviews and decisions -------------------------------------------------------------------------


def test_a_reviewer_sees_others_reviews_only_after_sending_theirs(web, make_call, make_application, make_reviewer,
                                                                  review, session):
    application = make_application(make_call())
    first, second = make_reviewer("multimedia", name="First"), make_reviewer("multimedia", name="Second")
    review(application, first, innovation=5, market=5, team=5, comment="FIRST-SECRET-COMMENT")
    client = web(second)

    before = text(client.get(f"/applications/{application.id}/review", headers=EN))
    sent = client.post(f"/applications/{application.id}/review", data={
        "score_innovation": "2", "score_market": "3", "score_team": "4", "comment": "Weak market.",
        "comment_market": "Who pays?"})
    after = text(client.get(f"/applications/{application.id}/review", headers=EN))

    assert "Send my review" in before and "FIRST-SECRET-COMMENT" not in before
    assert sent.status_code == 302
    assert "FIRST-SECRET-COMMENT" in after and "Send my review" not in after
    mine = session.scalar(select(Review).where(Review.reviewer_id == second.id))
    assert sorted((s.criterion.key, s.score, s.comment) for s in mine.scores) == [
        ("innovation", 2, ""), ("market", 3, "Who pays?"), ("team", 4, "")]


def test_the_applicant_never_sees_the_reviews(web, make_call, make_application, make_reviewer, review, manager):
    application = make_application(make_call())
    review(application, make_reviewer("multimedia"), innovation=1, market=1, team=1, comment="REVIEWER-SECRET")
    client = web(application.applicant)

    assert "REVIEWER-SECRET" not in text(client.get(f"/applications/{application.id}"))
    assert client.get(f"/applications/{application.id}/review").status_code == 403
    assert "REVIEWER-SECRET" in text(web(manager).get(f"/applications/{application.id}"))


def test_an_incomplete_review_is_shown_again(web, make_call, make_application, make_reviewer, session):
    application = make_application(make_call())

    response = web(make_reviewer("multimedia")).post(f"/applications/{application.id}/review", data={
        "score_innovation": "2", "comment": "Half done."}, headers=EN)

    assert response.status_code == 422
    assert "Score every criterion" in text(response)
    assert session.scalar(select(Review)) is None


def test_declaring_a_conflict_hides_the_application(web, make_call, make_application, make_reviewer, session):
    application = make_application(make_call())
    client = web(make_reviewer("multimedia"))

    response = client.post(f"/applications/{application.id}/review", data={"conflict": "y",
                                                                          "comment": "My cousin."})

    assert response.status_code == 302 and response.location == f"/calls/{application.call_id}"
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert session.scalar(select(Review.is_conflict)) is True


def test_review_buttons_show_to_reviewers_and_the_decision_form_to_managers(web, make_call, make_application,
                                                                           make_reviewer, manager):
    application = make_application(make_call())
    path = f"/applications/{application.id}"

    reviewer_page = text(web(make_reviewer("multimedia")).get(path, headers=EN))
    manager_page = text(web(manager).get(path, headers=EN))
    applicant_page = text(web(application.applicant).get(path, headers=EN))

    assert "Review this application" in reviewer_page and "Record the decision" not in reviewer_page
    assert "Record the decision" in manager_page
    assert "Review this application" not in applicant_page and "Record the decision" not in applicant_page


def test_the_manager_ranks_and_labels_from_the_pages(web, make_call, make_application, make_reviewer, review,
                                                     manager, session):
    call = make_call()
    good, weak = make_application(call, title="Good one"), make_application(call, title="Weak one")
    reviewer = make_reviewer("multimedia")
    review(good, reviewer, innovation=5, market=5, team=4)
    review(weak, reviewer, innovation=2, market=1, team=2)
    client = web(manager)

    ranking = text(client.get(f"/calls/{call.id}/ranking", headers=EN))
    decided = client.post(f"/applications/{good.id}/decision", data={"decision": "labelled", "comment": "Bravo",
                                                                     "version": good.version})

    assert ranking.index("Good one") < ranking.index("Weak one") and "4.83" in ranking
    session.expire_all()
    assert good.status == "labelled"
    assert decided.status_code == 302 and decided.location == f"/projects/{good.project_id}"
    assert "PC-" in text(client.get(decided.location, headers=EN))


def test_forms_need_the_csrf_token_when_it_is_on(app, web, make_call, founder):
    call = make_call()
    client = web(founder)
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post(f"/calls/{call.id}/apply", data={"title": "No token", "pole": "multimedia"})

    assert response.status_code == 400


def test_a_call_opening_later_is_confirmed_as_scheduled_and_is_editable(web, manager, session):
    client = web(manager)
    opens_on = dt.date.today() + dt.timedelta(days=5)
    response = client.post("/calls/new", data={
        "title": "Later", "poles": ["multimedia"], "opens_on": opens_on.isoformat(),
        "closes_on": (opens_on + dt.timedelta(days=20)).isoformat(), **grid(("Innovation", 3, "")),
        "stage": "innovation_path:idea"}, headers=EN)

    call = session.scalar(select(Call))
    page = text(client.get(response.location, headers=EN))
    assert f"scheduled to open on {format_date(opens_on, 'long', locale='en')}" in page
    assert f'href="/calls/{call.id}/edit"' in page
    assert client.get(f"/calls/{call.id}/edit").status_code == 200

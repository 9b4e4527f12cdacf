"""The calls API as API.md writes it: calls, applications, submission, reviews, decisions, ranking,
and the OpenAPI document."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.calls.models import Call
from app.core.time import utcnow
from tests.api.conftest import check_problem
from tests.calls.conftest import pdf_bytes

TODAY = dt.date.today()
CALL = {"title": "Call 2027", "description": "Mobile innovation.", "poles": ["multimedia", "mobile_services"],
        "opens_on": TODAY.isoformat(), "closes_on": (TODAY + dt.timedelta(days=30)).isoformat(),
        "criteria": [{"key": "innovation", "title": "Innovation", "weight": 3},
                     {"key": "market", "title": "Market", "weight": 2}],
        "workflow": "innovation_path", "stage": "project"}


@pytest.fixture
def call_id(api, manager) -> int:
    response = api(manager).post("/api/v1/calls", json={**CALL, "questions": [{"key": "problem",
                                                                                "text": "Which problem?"}]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def start(api, founder, call_id, **fields) -> dict:
    response = api(founder).post(f"/api/v1/calls/{call_id}/applications",
                                 json={"title": "Atlas Pay", "summary": "Fast payments.", "pole": "multimedia",
                                       "answers": {"problem": "Slow payments."}, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def submit_ready(api, founder, call_id) -> dict:
    draft = start(api, founder, call_id)
    client = api(founder)
    assert client.put(f"/api/v1/applications/{draft['id']}/deck", data=pdf_bytes(),
                      headers={"Content-Type": "application/pdf"}).status_code == 200
    submitted = client.post(f"/api/v1/applications/{draft['id']}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    return submitted.get_json()


# Calls -----------------------------------------------------------------------------------------


def test_a_manager_opens_a_call_and_anyone_lists_it(api, call_id):
    listed = api().get("/api/v1/calls")

    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 1 and body["page"] == 1
    (item,) = body["items"]
    assert {k: item[k] for k in ("id", "title", "poles", "workflow", "stage", "is_open")} == {
        "id": call_id, "title": "Call 2027", "poles": ["mobile_services", "multimedia"], "workflow": "innovation_path",
        "stage": "project", "is_open": True}
    assert [(c["key"], c["weight"]) for c in item["criteria"]] == [("innovation", 3), ("market", 2)]
    assert api().get(f"/api/v1/calls/{call_id}").status_code == 200


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_only_managers_open_calls(api, make_user, role):
    check_problem(api(make_user(role)).post("/api/v1/calls", json=CALL), 403)
    check_problem(api().post("/api/v1/calls", json=CALL), 401)


def test_an_invalid_call_is_a_422_naming_the_fields(api, manager):
    body = check_problem(api(manager).post("/api/v1/calls", json={**CALL, "stage": "moon", "poles": ["nowhere"]}), 422)

    assert {"stage", "poles"} <= set(body["errors"])


def test_closed_calls_leave_the_public_list(api, session, call_id, manager):
    session.execute(update(Call).values(closes_at=utcnow() - dt.timedelta(seconds=1)))
    session.commit()

    assert api().get("/api/v1/calls").get_json()["total"] == 0
    check_problem(api().get(f"/api/v1/calls/{call_id}"), 404)
    assert api(manager).get("/api/v1/calls?all=true").get_json()["total"] == 1


# Applications ----------------------------------------------------------------------------------


def test_a_founder_writes_a_draft_and_submits_it(api, founder, call_id):
    draft = start(api, founder, call_id)

    assert (draft["status"], draft["version"], draft["can_edit"]) == ("draft", 1, True)
    assert draft["applicant"] == {"id": founder.id, "name": founder.name}
    submitted = submit_ready(api, founder, call_id)
    assert submitted["status"] == "submitted" and submitted["submitted_at"] and not submitted["can_edit"]


def test_the_draft_is_saved_as_it_goes_with_409_on_a_stale_version(api, founder, call_id):
    draft = start(api, founder, call_id)
    client = api(founder)

    saved = client.patch(f"/api/v1/applications/{draft['id']}", json={"summary": "Better.", "version": 1})
    stale = client.patch(f"/api/v1/applications/{draft['id']}", json={"summary": "Older.", "version": 1})

    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    check_problem(stale, 409)


@pytest.mark.parametrize("role", ["mentor", "manager"])
def test_only_founders_apply(api, make_user, call_id, role):
    response = api(make_user(role)).post(f"/api/v1/calls/{call_id}/applications", json={"title": "X"})

    check_problem(response, 403)


def test_applicants_list_only_their_own_managers_all(api, make_user, manager, call_id):
    amal, badr = make_user("founder"), make_user("founder")
    mine = start(api, amal, call_id)
    start(api, badr, call_id, title="Badr's")

    amal_sees = api(amal).get(f"/api/v1/calls/{call_id}/applications").get_json()
    assert [a["id"] for a in amal_sees["items"]] == [mine["id"]]
    assert api(manager).get(f"/api/v1/calls/{call_id}/applications").get_json()["total"] == 2
    check_problem(api(badr).get(f"/api/v1/applications/{mine['id']}"), 404)
    check_problem(api().get(f"/api/v1/calls/{call_id}/applications"), 401)


def test_submission_after_closes_on_is_a_422_and_the_draft_stays_readable(api, session, founder, call_id):
    draft = start(api, founder, call_id)
    client = api(founder)
    client.put(f"/api/v1/applications/{draft['id']}/deck", data=pdf_bytes(),
               headers={"Content-Type": "application/pdf"})
    session.execute(update(Call).values(closes_at=utcnow() - dt.timedelta(seconds=1)))
    session.commit()

    body = check_problem(client.post(f"/api/v1/applications/{draft['id']}/submit"), 422)

    assert "closed" in body["detail"]
    readable = client.get(f"/api/v1/applications/{draft['id']}")
    assert readable.status_code == 200 and readable.get_json()["status"] == "draft"


def test_an_incomplete_submission_names_what_is_missing(api, founder, call_id):
    draft = start(api, founder, call_id, answers={})

    body = check_problem(api(founder).post(f"/api/v1/applications/{draft['id']}/submit"), 422)

    assert {"answers", "deck"} <= set(body["errors"])


def test_only_the_applicant_submits(api, make_user, manager, founder, call_id):
    draft = start(api, founder, call_id)

    check_problem(api(make_user("founder")).post(f"/api/v1/applications/{draft['id']}/submit"), 404)
    check_problem(api(manager).post(f"/api/v1/applications/{draft['id']}/submit"), 403)


# Reviews and decisions -------------------------------------------------------------------------


def test_reviewers_score_and_read_others_only_after(api, founder, make_reviewer, call_id):
    application = submit_ready(api, founder, call_id)
    first, second = api(make_reviewer("multimedia")), api(make_reviewer("multimedia"))
    path = f"/api/v1/applications/{application['id']}/reviews"

    sent = first.post(path, json={"scores": {"innovation": 5, "market": 4}, "comment": "Strong."})
    hidden = second.get(path)
    second.post(path, json={"scores": {"innovation": 3, "market": 3}, "comment": "Average.",
                            "comments": {"market": "Unclear pricing."}})
    shown = second.get(path)

    assert sent.status_code == 201, sent.get_json()
    assert sent.get_json()["scores"] == {"innovation": 5, "market": 4} and sent.get_json()["conflict"] is False
    check_problem(hidden, 403)
    assert shown.status_code == 200
    assert sorted(r["comment"] for r in shown.get_json()["items"]) == ["Average.", "Strong."]
    check_problem(api(founder).get(path), 403)


def test_scores_outside_1_to_5_are_422(api, founder, make_reviewer, call_id):
    application = submit_ready(api, founder, call_id)

    response = api(make_reviewer("multimedia")).post(f"/api/v1/applications/{application['id']}/reviews",
                                                      json={"scores": {"innovation": 6, "market": 0}, "comment": "x"})

    assert "scores.innovation" in check_problem(response, 422)["errors"]


def test_a_declared_conflict_through_the_api_hides_the_application(api, founder, make_reviewer, call_id):
    application = submit_ready(api, founder, call_id)
    reviewer = api(make_reviewer("multimedia"))

    declared = reviewer.post(f"/api/v1/applications/{application['id']}/reviews",
                             json={"conflict": True, "comment": "My former employer."})

    assert declared.status_code == 201 and declared.get_json()["conflict"] is True
    check_problem(reviewer.get(f"/api/v1/applications/{application['id']}"), 404)


def test_reviewers_of_another_pole_cannot_see_or_review(api, founder, make_reviewer, call_id):
    application = submit_ready(api, founder, call_id)
    outsider = api(make_reviewer("software_packages"))

    check_problem(outsider.post(f"/api/v1/applications/{application['id']}/reviews",
                                json={"scores": {"innovation": 5, "market": 5}, "comment": "x"}), 404)
    assert outsider.get(f"/api/v1/calls/{call_id}/applications").get_json()["total"] == 0


def test_the_manager_ranks_and_labels(api, founder, make_user, make_reviewer, manager, call_id):
    good = submit_ready(api, founder, call_id)
    weak = submit_ready(api, make_user("founder"), call_id)
    reviewer = api(make_reviewer("multimedia"))
    reviewer.post(f"/api/v1/applications/{good['id']}/reviews", json={"scores": {"innovation": 5, "market": 4},
                                                                       "comment": "Good."})
    reviewer.post(f"/api/v1/applications/{weak['id']}/reviews", json={"scores": {"innovation": 2, "market": 2},
                                                                       "comment": "Weak."})
    boss = api(manager)

    ranking = boss.get(f"/api/v1/calls/{call_id}/ranking").get_json()
    decision = boss.post(f"/api/v1/applications/{good['id']}/decision",
                         json={"decision": "labelled", "comment": "Bravo."}).get_json()
    project = api(founder).get(f"/api/v1/projects/{decision['project_id']}").get_json()

    assert [(r["application_id"], r["rank"], r["score"], r["missing"]) for r in ranking["items"]] == [
        (good["id"], 1, 4.6, 0), (weak["id"], 2, 2.0, 0)]
    assert decision["label"].startswith(f"PC-{utcnow().year}-") and decision["status"] == "labelled"
    assert project["stage"] == "project" and project["label"]["number"] == decision["label"]
    assert [f["id"] for f in project["founders"]] == [founder.id]
    check_problem(reviewer.get(f"/api/v1/calls/{call_id}/ranking"), 403)
    check_problem(api(founder).post(f"/api/v1/applications/{weak['id']}/decision", json={"decision": "labelled"}), 403)


def test_a_decided_application_cannot_be_decided_again(api, founder, manager, call_id):
    application = submit_ready(api, founder, call_id)
    boss = api(manager)
    boss.post(f"/api/v1/applications/{application['id']}/decision", json={"decision": "rejected"})

    # 409: the decision taken conflicts with this one (what the loser of a race between managers gets too).
    check_problem(boss.post(f"/api/v1/applications/{application['id']}/decision", json={"decision": "labelled"}), 409)


# Accounts and the document ---------------------------------------------------------------------


def test_the_openapi_document_describes_the_new_endpoints(api):
    document = api().get("/api/v1/openapi.json").get_json()
    paths = document["paths"]

    assert set(paths["/api/v1/calls"]) == {"get", "post"}
    assert set(paths["/api/v1/calls/{call_id}/applications"]) == {"get", "post"}
    assert "post" in paths["/api/v1/applications/{application_id}/submit"]
    assert "post" in paths["/api/v1/applications/{application_id}/reviews"]
    assert "post" in paths["/api/v1/applications/{application_id}/decision"]
    assert paths["/api/v1/signup"]["post"]["responses"].keys() >= {"202", "422"}
    assert paths["/api/v1/password-reset"]["post"]["responses"].keys() >= {"202"}
    assert "security" not in paths["/api/v1/signup"]["post"]
    schemas = document["components"]["schemas"]
    assert {"CallIn", "CallOut", "ApplicationIn", "ApplicationOut", "ReviewIn", "DecisionIn", "DecisionOut",
            "LabelOut"} <= set(schemas)
    assert schemas["DecisionIn"]["properties"]["decision"]["enum"] == ["labelled", "rejected", "more_info"]
    assert set(schemas["CallIn"]["required"]) >= {"title", "poles", "opens_on", "closes_on", "criteria", "workflow",
                                                  "stage"}

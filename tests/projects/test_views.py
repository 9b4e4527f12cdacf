"""The web pages: sign-in, the project list, creation, the project page and its forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app import create_app
from app.extensions import db as flask_db
from app.projects import services as project_services
from app.projects.models import DeliverableState
from app.projects.models import GateDecision
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.projects.models import ProjectMember
from tests.conftest import PASSWORD
from tests.conftest import make_config

ENGLISH = {"Accept-Language": "en"}


def text(response) -> str:
    return response.get_data(as_text=True)


def count(session, model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return session.scalar(stmt)


def reload(session, project: Project) -> Project:
    session.expire_all()
    return session.get(Project, project.id)


def current_step(html: str) -> str:
    """The label of the path step marked `aria-current="step"` (there must be exactly one)."""
    steps = re.findall(r'<li class="step step-current" aria-current="step">.*?class="step-label">([^<]+)</span>',
                       html, re.S)
    assert len(steps) == 1, steps
    return steps[0]


def section(html: str, heading_id: str) -> str:
    """The HTML of the `<section>` labelled by `heading_id`."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0)


def flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+">(.*?)</p>', html, re.S)


# Sign in -----------------------------------------------------------------------------------


def test_login_page_shows_the_form(client):
    response = client.get("/login")

    assert response.status_code == 200
    assert 'name="email"' in text(response) and 'name="password"' in text(response)


def test_login_with_good_credentials_signs_in_and_redirects(client, founder):
    response = client.post("/login", data={"email": founder.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/projects")
    assert page.status_code == 200
    assert f"Welcome, {founder.name}." in flashes(text(page))


def test_login_follows_a_local_next_only(client, founder):
    local = client.post("/login?next=/projects?stage=idea", data={"email": founder.email, "password": PASSWORD})
    client.post("/logout")
    remote = client.post("/login?next=https://evil.example/", data={"email": founder.email, "password": PASSWORD})

    assert local.headers["Location"] == "/projects?stage=idea"
    assert remote.headers["Location"] == "/"


@pytest.mark.parametrize("email_of, password", [
    ("founder", "wrong-password-123"),
    ("nobody", PASSWORD),
    ("disabled", PASSWORD),
])
def test_login_with_bad_credentials_rerenders_with_a_message(client, session, founder, make_user, email_of,
                                                             password):
    disabled = make_user("founder")
    disabled.is_disabled = True
    session.commit()
    email = {"founder": founder.email, "nobody": "nobody@example.org", "disabled": disabled.email}[email_of]

    response = client.post("/login", data={"email": email, "password": password}, headers=ENGLISH)

    assert response.status_code == 422
    assert "Wrong email or password." in text(response)
    assert f'value="{email}"' in text(response)  # the email is kept, the password is not
    assert password not in text(response)
    assert client.get("/projects").status_code == 302


def test_login_with_empty_fields_names_them(client):
    response = client.post("/login", data={"email": "", "password": ""}, headers=ENGLISH)

    assert response.status_code == 422
    assert re.findall(r'<ul class="errors" id="(\w+)-errors"><li>This field is required.</li></ul>', text(response)) \
        == ["email", "password"]


def test_login_page_speaks_the_browsers_language(client):
    assert 'lang="fr"' in text(client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert 'lang="en"' in text(client.get("/login", headers=ENGLISH))


def test_signed_in_user_visiting_login_goes_home(login_as, founder):
    client = login_as(founder)

    response = client.get("/login")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logout_signs_out(login_as, founder):
    client = login_as(founder)

    response = client.post("/logout")

    assert response.headers["Location"] == "/login"
    assert client.get("/projects").status_code == 302


def test_pages_need_a_signed_in_user(client, make_project):
    project = make_project()

    for path in ("/projects", "/projects/new", f"/projects/{project.id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


# The list ----------------------------------------------------------------------------------


@pytest.fixture
def portfolio(session, make_project, make_user, founder, assign, now):
    other = make_user("founder")
    mentor = make_user("mentor")
    atlas = make_project(name="Atlas", pole="mobile_services")
    beacon = make_project(name="Beacon", stage="project")
    comet = make_project(name="Comet", owner=other)
    project_services.fire_event(session, comet, "hold", actor=other, now=now, version=comet.version, comment="Pause")
    session.commit()
    assign(comet, mentor)
    return {"founder": founder, "other": other, "mentor": mentor, "projects": (atlas, beacon, comet)}


def listed(response) -> set[str]:
    assert response.status_code == 200
    return set(re.findall(r'<a href="/projects/\d+">([^<]+)</a>', text(response)))


@pytest.mark.parametrize("who, expected", [
    ("founder", {"Atlas", "Beacon"}),
    ("other", {"Comet"}),
    ("mentor", {"Comet"}),
])
def test_project_list_shows_only_the_users_projects(login_as, portfolio, who, expected):
    assert listed(login_as(portfolio[who]).get("/projects")) == expected


def test_manager_sees_every_project(login_as, portfolio, manager):
    assert listed(login_as(manager).get("/projects")) == {"Atlas", "Beacon", "Comet"}


@pytest.mark.parametrize("query, expected", [
    ("stage=project", {"Beacon"}),
    ("pole=mobile_services", {"Atlas"}),
    ("status=on_hold", {"Comet"}),
    ("q=COM", {"Comet"}),
    ("stage=idea&status=active", {"Atlas"}),
])
def test_project_list_filters(login_as, portfolio, manager, query, expected):
    response = login_as(manager).get(f"/projects?{query}")

    assert listed(response) == expected


def test_project_list_keeps_the_chosen_filters(login_as, portfolio, manager):
    html = text(login_as(manager).get("/projects?stage=project&q=bea"))

    assert '<option value="project" selected>' in html
    assert 'name="q" type="search" value="bea"' in html


def test_project_list_says_when_no_project_matches(login_as, portfolio, manager):
    html = text(login_as(manager).get("/projects?q=zzz"))

    assert "No project matches these filters." in html
    assert 'href="/projects">Clear the filters</a>' in html


def test_founder_without_projects_is_invited_to_create_one(login_as, founder):
    html = text(login_as(founder).get("/projects"))

    assert "No project yet. Start with your idea: create your first project." in html
    assert 'href="/projects/new"' in html


def test_mentor_without_projects_is_told_a_manager_assigns_them(login_as, mentor):
    html = text(login_as(mentor).get("/projects"))

    assert "No project is assigned to you yet." in html
    assert 'href="/projects/new"' not in html  # the button is hidden from those who may not create


# Create ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [("founder", 200), ("manager", 200), ("mentor", 403)])
def test_new_project_page_is_for_founders_and_managers(login_as, make_user, role, status):
    assert login_as(make_user(role)).get("/projects/new").status_code == status


def test_mentor_may_not_post_a_new_project(login_as, session, mentor):
    response = login_as(mentor).post("/projects/new", data={"name": "Sneaky", "pole": "multimedia"})

    assert response.status_code == 403
    assert count(session, Project) == 0


def test_creating_a_project_redirects_to_it_with_a_flash(login_as, session, founder):
    client = login_as(founder)

    response = client.post("/projects/new", data={"name": "Atlas", "summary": "Payments", "pole": "multimedia",
                                                  "workflow": "innovation_path"})

    project = session.scalars(select(Project)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{project.id}"
    assert (project.name, project.summary, project.pole_key, project.stage) == ("Atlas", "Payments", "multimedia",
                                                                                "idea")
    assert session.get(ProjectMember, (project.id, founder.id)) is not None
    page = client.get(response.headers["Location"])
    assert "Project “Atlas” created." in flashes(text(page))


def test_creating_a_project_on_the_accelerator_sprint(login_as, session, founder):
    login_as(founder).post("/projects/new", data={"name": "Sprint", "pole": "multimedia",
                                                  "workflow": "accelerator_sprint"})

    project = session.scalars(select(Project)).one()
    assert (project.workflow_key, project.stage) == ("accelerator_sprint", "discovery")


@pytest.mark.parametrize("data, message", [
    ({"name": "", "pole": "multimedia"}, "This field is required."),
    ({"name": "   ", "pole": "multimedia"}, "This field is required."),
    ({"name": "Atlas", "pole": "astrology"}, "Not a valid choice."),
    ({"name": "x" * 201, "pole": "multimedia"}, "Field cannot be longer than 200 characters."),
    ({"name": "Atlas", "pole": "multimedia", "workflow": "no_such_path"}, "Not a valid choice."),
])
def test_invalid_new_project_rerenders_with_errors_and_creates_nothing(login_as, session, founder, data, message):
    response = login_as(founder).post("/projects/new", data=data)

    assert response.status_code == 422
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert count(session, Project) == 0


# The project page --------------------------------------------------------------------------


def test_project_page_shows_the_path_with_the_current_stage(login_as, make_project, founder):
    project = make_project(stage="industrialisation")

    html = text(login_as(founder).get(f"/projects/{project.id}"))

    assert current_step(html) == "Industrialisation"
    assert html.count('class="step step-done"') == 2
    assert html.count('class="step step-todo"') == 2
    assert html.count('aria-current="step"') == 1


def test_project_page_shows_the_checklist_of_the_stage(login_as, session, make_project, founder, now):
    project = make_project()
    project_services.set_deliverable(session, project, "team_formed", done=True, actor=founder, now=now)
    session.commit()

    checklist = section(text(login_as(founder).get(f"/projects/{project.id}")), "deliverables-title")

    assert "Problem statement" in checklist and "Founding team formed" in checklist
    assert "First market sketch" in checklist
    assert 'aria-label="Mark “Problem statement” as done"' in checklist
    assert 'aria-label="Mark “Founding team formed” as not done"' in checklist
    assert checklist.count('aria-pressed="true"') == 1
    assert checklist.count("required</small>") == 2


def test_project_page_hides_the_tick_buttons_from_a_mentor(login_as, make_project, mentor, assign):
    project = make_project()
    assign(project, mentor)

    checklist = section(text(login_as(mentor).get(f"/projects/{project.id}")), "deliverables-title")

    assert "Problem statement" in checklist
    assert "<form" not in checklist


def test_project_page_shows_blocked_events_with_their_reasons(login_as, make_project, founder):
    project = make_project()

    events = section(text(login_as(founder).get(f"/projects/{project.id}")), "events-title")

    blocked = re.search(r'<div class="event blocked">\s*<h3>Move to the next stage</h3>.*?</div>', events, re.S)
    assert blocked, events
    for reason in ("Deliverable “Problem statement” is not done.", "Deliverable “Founding team formed” is not done.",
                   "The gate of stage “Idea” has not been approved."):
        assert f"<li>{reason}</li>" in blocked.group(0)
    assert "Override and" not in events  # founders cannot override
    assert re.search(r'<div class="event allowed">\s*<h3>Put on hold</h3>', events)
    assert "Approve the gate" not in events  # not a founder's event


def test_hold_and_abandon_sit_behind_a_disclosure_after_the_forward_actions(login_as, make_project, founder):
    project = make_project()

    events = section(text(login_as(founder).get(f"/projects/{project.id}")), "events-title")

    aside = re.search(r'<details class="set-aside">\s*<summary>Pause or stop this project</summary>(.*?)</details>',
                      events, re.S)
    assert aside, events
    assert "<h3>Put on hold</h3>" in aside.group(1) and "<h3>Abandon the project</h3>" in aside.group(1)
    before = events[:aside.start()]
    assert "<h3>Move to the next stage</h3>" in before and "<h3>Put on hold</h3>" not in before


def test_a_project_on_hold_offers_resume_first_and_abandon_behind_the_disclosure(
        login_as, session, make_project, founder, now):
    project = make_project()
    project_services.fire_event(session, project, "hold", actor=founder, now=now, version=project.version,
                                comment="Waiting for the grant.")
    session.commit()

    events = section(text(login_as(founder).get(f"/projects/{project.id}")), "events-title")

    aside = events.index('<details class="set-aside">')
    assert events.index("<h3>Resume</h3>") < aside < events.index("<h3>Abandon the project</h3>")


def test_project_page_offers_the_manager_an_override(login_as, make_project, manager):
    project = make_project()

    events = section(text(login_as(manager).get(f"/projects/{project.id}")), "events-title")

    assert "Override and Move to the next stage" in events
    assert "Override and Approve the gate" in events


def test_project_page_shows_history_and_gate_decisions(login_as, session, make_project, founder, manager, now):
    project = make_project()
    for key in ("problem_statement", "team_formed"):
        project_services.set_deliverable(session, project, key, done=True, actor=founder, now=now)
    project_services.fire_event(session, project, "approve_gate", actor=manager, now=now, version=project.version,
                                comment="Convincing pitch")
    session.commit()

    client = login_as(founder)
    html = text(client.get(f"/projects/{project.id}"))
    tab = text(client.get(f"/projects/{project.id}/history"))

    # the overview lists the latest events, told in the past tense with who did them
    assert f"Gate approved by {manager.name}" in section(html, "latest-title")
    history = section(tab, "history-title")
    assert f"<td>Gate approved by {manager.name}</td>" in history
    assert "<td>— → Idea</td>" in history  # the creation, with the stage's label
    assert f"<td>Project created by {founder.name}</td>" in history
    gates = section(tab, "gates-title")
    assert "decision-go" in gates
    assert f"<td>{manager.name}</td><td>Convincing pitch</td>" in gates
    assert "<td>2/3</td>" in gates  # two of the three deliverables were done at the gate
    assert "Gate approved" in html


def test_project_page_without_gate_decision_says_so(login_as, make_project, founder):
    html = text(login_as(founder).get(f"/projects/{make_project().id}/history"))

    assert "No gate decision yet." in section(html, "gates-title")


@pytest.mark.parametrize("who, status", [
    ("owner", 200),
    ("other_founder", 404),
    ("assigned_mentor", 200),
    ("other_mentor", 404),
    ("manager", 200),
])
def test_project_page_is_visible_only_to_its_people(login_as, make_project, make_user, assign, founder, manager,
                                                    who, status):
    project = make_project()
    mentor = make_user("mentor")
    assign(project, mentor)
    user = {"owner": founder, "other_founder": make_user("founder"), "assigned_mentor": mentor,
            "other_mentor": make_user("mentor"), "manager": manager}[who]

    assert login_as(user).get(f"/projects/{project.id}").status_code == status


def test_unknown_project_page_is_404(login_as, manager):
    response = login_as(manager).get("/projects/424242")

    assert response.status_code == 404
    assert "Nothing here" in text(response)


# Ticking deliverables through the form -----------------------------------------------------


def test_ticking_a_deliverable_through_the_form(login_as, session, make_project, founder):
    project = make_project()
    client = login_as(founder)

    response = client.post(f"/projects/{project.id}/deliverables/problem_statement", data={"done": "y", "version": 1})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{project.id}#deliverables"
    row = session.scalars(select(DeliverableState)).one()
    assert (row.key, row.is_done, row.updated_by_id) == ("problem_statement", True, founder.id)
    assert reload(session, project).version == 2
    page = text(client.get(f"/projects/{project.id}"))
    assert "Deliverable updated." in flashes(page)
    assert 'aria-label="Mark “Problem statement” as not done"' in page


def test_unticking_a_deliverable_through_the_form(login_as, session, make_project, founder, now):
    project = make_project()
    project_services.set_deliverable(session, project, "problem_statement", done=True, actor=founder, now=now)
    session.commit()

    login_as(founder).post(f"/projects/{project.id}/deliverables/problem_statement", data={"version": 2})

    session.expire_all()
    assert session.scalars(select(DeliverableState.is_done)).all() == [False]


def test_ticking_with_a_stale_version_changes_nothing(login_as, session, make_project, founder, now):
    project = make_project()
    project_services.update_project(session, project, version=1, actor=founder, now=now, name="Renamed")
    session.commit()
    client = login_as(founder)

    response = client.post(f"/projects/{project.id}/deliverables/problem_statement", data={"done": "y", "version": 1})

    assert response.status_code == 303
    assert count(session, DeliverableState) == 0
    assert reload(session, project).version == 2
    assert any("changed by someone else" in m for m in flashes(text(client.get(f"/projects/{project.id}"))))


@pytest.mark.parametrize("who, key, status", [
    ("assigned_mentor", "problem_statement", 403),
    ("other_founder", "problem_statement", 404),
    ("owner", "business_plan", 404),
])
def test_ticking_is_refused_to_outsiders_and_for_unknown_keys(login_as, session, make_project, make_user, assign,
                                                              founder, who, key, status):
    project = make_project()
    mentor = make_user("mentor")
    assign(project, mentor)
    user = {"owner": founder, "assigned_mentor": mentor, "other_founder": make_user("founder")}[who]

    response = login_as(user).post(f"/projects/{project.id}/deliverables/{key}", data={"done": "y", "version": 1})

    assert response.status_code == status
    assert count(session, DeliverableState) == 0


def test_ticking_without_a_version_is_400(login_as, session, make_project, founder):
    project = make_project()

    response = login_as(founder).post(f"/projects/{project.id}/deliverables/problem_statement", data={"done": "y"})

    assert response.status_code == 400
    assert count(session, DeliverableState) == 0


# Firing events through the form ------------------------------------------------------------


def test_firing_an_event_through_the_form(login_as, session, make_project, founder):
    project = make_project()
    client = login_as(founder)

    response = client.post(f"/projects/{project.id}/events",
                           data={"event": "hold", "comment": "Exams", "version": 1})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{project.id}"
    stored = reload(session, project)
    assert (stored.status, stored.version) == ("on_hold", 2)
    record = session.scalars(select(ProjectEvent).where(ProjectEvent.event == "hold")).one()
    assert (record.comment, record.actor_id) == ("Exams", founder.id)
    assert "Done: Put on hold." in flashes(text(client.get(f"/projects/{project.id}")))


def test_refused_event_flashes_the_reasons_and_changes_nothing(login_as, session, make_project, founder):
    project = make_project()
    client = login_as(founder)

    response = client.post(f"/projects/{project.id}/events", data={"event": "advance", "comment": "", "version": 1})

    assert response.status_code == 303
    stored = reload(session, project)
    assert (stored.stage, stored.version) == ("idea", 1)
    assert count(session, ProjectEvent, event="advance") == 0
    (message,) = [m for m in flashes(text(client.get(f"/projects/{project.id}"))) if "not possible" in m]
    assert message.startswith("“Move to the next stage” is not possible now.")
    assert "Deliverable “Problem statement” is not done." in message
    assert "The gate of stage “Idea” has not been approved." in message


def test_event_with_a_stale_version_changes_nothing(login_as, session, make_project, founder, now):
    project = make_project()
    project_services.set_deliverable(session, project, "team_formed", done=True, actor=founder, now=now)
    session.commit()
    client = login_as(founder)

    response = client.post(f"/projects/{project.id}/events", data={"event": "hold", "comment": "x", "version": 1})

    assert response.status_code == 303
    stored = reload(session, project)
    assert (stored.status, stored.version) == ("active", 2)
    assert count(session, ProjectEvent, event="hold") == 0
    assert any("changed by someone else" in m for m in flashes(text(client.get(f"/projects/{project.id}"))))


def test_event_needing_confirmation_is_not_fired_without_it(login_as, session, make_project, founder):
    project = make_project()
    client = login_as(founder)

    client.post(f"/projects/{project.id}/events", data={"event": "abandon", "comment": "We stop", "version": 1})

    assert reload(session, project).status == "active"
    assert "Please confirm “Abandon the project”: it cannot be undone." in flashes(
        text(client.get(f"/projects/{project.id}")))

    client.post(f"/projects/{project.id}/events",
                data={"event": "abandon", "comment": "We stop", "version": 1, "confirm": "y"})

    assert reload(session, project).status == "abandoned"


def test_event_form_without_a_version_changes_nothing(login_as, session, make_project, founder):
    project = make_project()
    client = login_as(founder)

    response = client.post(f"/projects/{project.id}/events", data={"event": "hold", "comment": "x"})

    assert response.status_code == 302
    assert reload(session, project).status == "active"
    assert any(m.startswith("The form was incomplete") for m in flashes(text(client.get(f"/projects/{project.id}"))))


def test_founder_of_another_project_cannot_fire_its_events(login_as, session, make_project, make_user):
    project = make_project()

    response = login_as(make_user("founder")).post(f"/projects/{project.id}/events",
                                                   data={"event": "hold", "comment": "Mine", "version": 1})

    assert response.status_code == 404
    assert reload(session, project).status == "active"


def test_manager_overrides_the_gates_from_the_page(login_as, session, make_project, manager):
    project = make_project()
    client = login_as(manager)

    response = client.post(f"/projects/{project.id}/events", data={
        "event": "advance", "override": "y", "comment": "Committee decision", "version": 1})

    assert response.status_code == 302
    assert reload(session, project).stage == "project"
    record = session.scalars(select(ProjectEvent).where(ProjectEvent.event == "advance")).one()
    assert (record.is_override, record.comment, record.actor_id) == (True, "Committee decision", manager.id)
    html = text(client.get(f"/projects/{project.id}"))
    assert current_step(html) == "Project"
    assert "override</span>" in section(html, "latest-title")
    assert "override</span>" in section(text(client.get(f"/projects/{project.id}/history")), "history-title")


def test_manager_override_without_comment_is_refused(login_as, session, make_project, manager):
    project = make_project()
    client = login_as(manager)

    client.post(f"/projects/{project.id}/events", data={"event": "advance", "override": "y", "version": 1})

    assert reload(session, project).stage == "idea"
    assert any("An override needs a comment." in m for m in flashes(text(client.get(f"/projects/{project.id}"))))


def test_founder_cannot_override_by_posting_the_flag(login_as, session, make_project, founder):
    project = make_project()

    login_as(founder).post(f"/projects/{project.id}/events",
                           data={"event": "advance", "override": "y", "comment": "Let me", "version": 1})

    assert reload(session, project).stage == "idea"


def test_gate_approval_through_the_form_records_the_decision(login_as, session, make_project, manager, founder,
                                                             tick_all):
    project = make_project()
    tick_all(project, founder)

    login_as(manager).post(f"/projects/{project.id}/events",
                           data={"event": "approve_gate", "comment": "Go", "version": project.version})

    assert reload(session, project).gate_decision == "go"
    assert session.scalars(select(GateDecision.decision)).all() == ["go"]


# Editing -----------------------------------------------------------------------------------


def test_editing_a_project_through_the_form(login_as, session, make_project, founder):
    project = make_project()

    response = login_as(founder).post(f"/projects/{project.id}/edit",
                                      data={"name": "Atlas Pay", "summary": "New", "pole": "multimedia",
                                            "version": 1})

    assert response.status_code == 302
    stored = reload(session, project)
    assert (stored.name, stored.summary, stored.version) == ("Atlas Pay", "New", 2)


def test_editing_with_a_stale_version_is_refused_and_changes_nothing(login_as, session, make_project, founder,
                                                                     now):
    project = make_project()
    project_services.update_project(session, project, version=1, actor=founder, now=now, name="Theirs")
    session.commit()

    response = login_as(founder).post(f"/projects/{project.id}/edit",
                                      data={"name": "Mine", "pole": "multimedia", "version": 1})

    assert response.status_code == 409
    assert "changed by someone else" in text(response)
    assert reload(session, project).name == "Theirs"


def test_assigned_mentor_may_not_edit(login_as, make_project, mentor, assign):
    project = make_project()
    assign(project, mentor)

    assert login_as(mentor).get(f"/projects/{project.id}/edit").status_code == 403


# CSRF --------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(database_url):
    """The app with CSRF protection on, as in production, over the test's database."""
    config = type("CsrfConfig", (make_config(database_url),), {"WTF_CSRF_ENABLED": True})
    app = create_app(config)
    yield app
    with app.app_context():
        flask_db.session.remove()
        flask_db.engine.dispose()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token field"
    return match.group(1)


def sign_in_with_csrf(client, user) -> str:
    token = csrf_token(text(client.get("/login")))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return token


def test_login_form_rejects_a_post_without_csrf_token(csrf_app, founder):
    client = csrf_app.test_client()

    response = client.post("/login", data={"email": founder.email, "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/projects").status_code == 302  # still signed out
    sign_in_with_csrf(client, founder)  # the same credentials with the token pass
    assert client.get("/projects").status_code == 200


@pytest.mark.parametrize("language, says", [("fr", "Le formulaire a expiré"), ("en", "The form has expired")])
def test_an_expired_form_is_explained_in_the_reader_language(csrf_app, language, says):
    client = csrf_app.test_client()

    response = client.post("/login", data={"email": "a@example.com", "password": "x"},
                           headers={"Accept-Language": language})

    page = text(response)
    assert response.status_code == 400
    assert says in page
    assert "CSRF" not in page and "Bad Request" not in page


def test_project_forms_reject_a_post_without_csrf_token(csrf_app, session, founder, make_project):
    project = make_project()
    client = csrf_app.test_client()
    token = sign_in_with_csrf(client, founder)

    create = client.post("/projects/new", data={"name": "Sneaky", "pole": "multimedia"})
    fire = client.post(f"/projects/{project.id}/events", data={"event": "hold", "comment": "x", "version": 1})
    tick = client.post(f"/projects/{project.id}/deliverables/problem_statement", data={"done": "y", "version": 1})
    forged = client.post("/projects/new", data={"name": "Sneaky", "pole": "multimedia", "csrf_token": "forged"})

    assert [r.status_code for r in (create, fire, tick, forged)] == [400, 400, 400, 400]
    assert count(session, Project) == 1
    assert reload(session, project).status == "active"
    assert count(session, DeliverableState) == 0
    created = client.post("/projects/new", data={"name": "Honest", "pole": "multimedia", "csrf_token": token})
    assert created.status_code == 302
    assert count(session, Project) == 2


def test_every_form_of_the_project_page_carries_a_csrf_token(csrf_app, make_project, manager):
    project = make_project()
    client = csrf_app.test_client()
    sign_in_with_csrf(client, manager)

    for path in (f"/projects/{project.id}", "/projects/new", f"/projects/{project.id}/edit", "/projects"):
        html = text(client.get(path))
        posts = re.findall(r'<form[^>]*method="post".*?</form>', html, re.S)
        assert posts, path
        for form in posts:
            assert 'name="csrf_token"' in form, (path, form[:200])


def test_api_is_exempt_from_csrf(csrf_app, founder):
    response = csrf_app.test_client().post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD})

    assert response.status_code == 201

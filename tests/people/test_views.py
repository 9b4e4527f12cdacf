"""People pages: the people list and its actions, invitations, accepting one, a project's team card."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.notifications.models import OutgoingEmail
from app.people import services
from app.people.models import Invitation
from app.projects import queries as project_queries
from app.projects import services as project_services
from tests.conftest import PASSWORD
from tests.people.conftest import invitation_link

EN = {"Accept-Language": "en"}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def flashes(page: str) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page, re.S)


def follow(client, response):
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"])


# The people list ---------------------------------------------------------------------------------


def test_the_people_page_lists_filters_and_searches(login_as, manager, make_user):
    make_user("mentor", name="Salma Bennani")
    make_user("founder", name="Omar Tazi")
    client = login_as(manager)

    everyone = text(client.get("/people"))
    mentors = text(client.get("/people?role=mentor"))
    searched = text(client.get("/people?q=TAZI"))

    assert "Salma Bennani" in everyone and "Omar Tazi" in everyone
    assert "Salma Bennani" in mentors and "Omar Tazi" not in mentors
    assert "Omar Tazi" in searched and "Salma Bennani" not in searched
    assert "Nobody matches these filters." in text(client.get("/people?q=nobody-at-all"))


@pytest.mark.parametrize("role", ["founder", "mentor", "applicant"])
def test_only_managers_see_the_people_pages(login_as, make_user, role):
    client = login_as(make_user(role))

    assert client.get("/people").status_code == 403
    assert client.get("/people/invitations").status_code == 403


def test_the_actions_follow_the_managers_rights(login_as, manager, make_user):
    other_manager = make_user("manager", name="Other Manager")
    page = text(login_as(manager).get("/people"))

    row = re.search(rf'<tr data-user="{other_manager.email}">.*?</tr>', page, re.S).group(0)
    mine = re.search(rf'<tr data-user="{manager.email}">.*?</tr>', page, re.S).group(0)
    assert "an admin's business" in row and "Deactivate" not in row
    assert "Change role" not in mine and ">you<" in mine


def test_a_deactivated_persons_session_ends_and_their_sign_in_is_refused(app, login_as, manager, founder, session):
    founder_browser = app.test_client()
    assert founder_browser.post("/login", data={"email": founder.email, "password": PASSWORD}).status_code == 302
    client = login_as(manager)

    unconfirmed = client.post(f"/people/{founder.id}/active", data={})
    assert "Tick the box to confirm the deactivation." in flashes(text(follow(client, unconfirmed)))
    response = client.post(f"/people/{founder.id}/active", data={"confirm": "y"})

    assert f"{founder.name} is deactivated: they can no longer sign in." in flashes(text(follow(client, response)))
    session.expire_all()
    assert session.get(User, founder.id).is_disabled
    assert founder_browser.get("/projects").headers["Location"].startswith("/login")
    refused = app.test_client().post("/login", data={"email": founder.email, "password": PASSWORD}, headers=EN)
    assert refused.status_code == 422
    assert "A deactivated account cannot sign in" in text(refused)
    # The same words for a wrong password: the page does not tell whether the password was right.
    wrong = app.test_client().post("/login", data={"email": founder.email, "password": "not-the-password"},
                                   headers=EN)
    assert "A deactivated account cannot sign in" in text(wrong) and "Wrong email or password." in text(wrong)

    reactivated = client.post(f"/people/{founder.id}/active", data={"active": "y"})
    assert f"{founder.name} can sign in again." in flashes(text(follow(client, reactivated)))
    assert app.test_client().post("/login", data={"email": founder.email, "password": PASSWORD}).status_code == 302


def test_a_manager_changes_a_role_within_their_rights(login_as, manager, make_user, session):
    founder, other_manager = make_user("founder"), make_user("manager")
    client = login_as(manager)

    done = follow(client, client.post(f"/people/{founder.id}/role", data={"role": "mentor"}))
    refused = follow(client, client.post(f"/people/{other_manager.id}/role", data={"role": "founder"}))
    promoted = follow(client, client.post(f"/people/{founder.id}/role", data={"role": "admin"}))

    assert f"{founder.name} is now mentor." in flashes(text(done))
    assert "Only admins manage the accounts of managers and admins." in flashes(text(refused))
    assert "Only admins grant the role “admin”." in flashes(text(promoted))
    session.expire_all()
    assert (session.get(User, founder.id).role, session.get(User, other_manager.id).role) == ("mentor", "manager")


# Invitations --------------------------------------------------------------------------------------


def test_a_manager_invites_resends_and_revokes(login_as, manager, session):
    client = login_as(manager)
    form = text(client.get("/people/invitations"))
    assert 'value="manager"' not in form and 'value="mentor"' in form  # managers invite founders and mentors

    sent = client.post("/people/invitations", data={"email": "ines@example.org", "role": "mentor", "locale": "en"})
    page = text(follow(client, sent))
    assert "Invitation sent to ines@example.org." in flashes(page)
    assert 'data-invitation="ines@example.org"' in page
    invitation = session.scalar(select(Invitation))
    again = follow(client, client.post(f"/invitations/{invitation.id}/resend"))
    assert "Invitation sent again to ines@example.org; the earlier link no longer works." in flashes(text(again))
    assert len(session.scalars(select(OutgoingEmail)).all()) == 2

    unconfirmed = follow(client, client.post(f"/invitations/{invitation.id}/revoke", data={}))
    assert "Tick the box to confirm the revocation." in flashes(text(unconfirmed))
    revoked = follow(client, client.post(f"/invitations/{invitation.id}/revoke", data={"confirm": "y"}))
    assert "The invitation to ines@example.org is revoked: its link no longer works." in flashes(text(revoked))
    assert "No invitation here." in text(revoked)
    assert 'data-invitation="ines@example.org"' in text(client.get("/people/invitations?status=revoked"))


def test_an_invalid_invitation_form_re_renders_with_its_errors(login_as, manager):
    client = login_as(manager)
    client.post("/people/invitations", data={"email": "twice@example.org", "role": "mentor", "locale": "fr"})

    response = client.post("/people/invitations", data={"email": "twice@example.org", "role": "mentor",
                                                         "locale": "fr"})

    assert response.status_code == 409
    assert "twice@example.org already has a pending invitation: re-send it instead." in text(response)


def test_an_invited_mentor_sets_a_password_and_lands_on_their_mentees(client, login_as, manager, session, app):
    login_as(manager).post("/people/invitations", data={"email": "ines@example.org", "role": "mentor",
                                                         "locale": "en"})
    link = invitation_link(session.scalar(select(OutgoingEmail.body)))
    newcomer = app.test_client()

    form = newcomer.get(link)
    assert form.status_code == 200 and "ines@example.org" in text(form)
    short = newcomer.post(link, data={"name": "Ines", "password": "short", "confirm": "short"})
    assert short.status_code == 422
    # Law 09-08: an invited person reads the privacy notice and consents, as one who signs up does.
    unconsented = newcomer.post(link, data={"name": "Ines Alaoui", "password": PASSWORD, "confirm": PASSWORD},
                                headers=EN)
    assert unconsented.status_code == 422 and 'href="/privacy"' in text(unconsented)
    assert "Tick the box to accept the privacy notice." in text(unconsented)
    assert 'value="Ines Alaoui"' in text(unconsented)  # what was typed stays
    assert session.scalar(select(User).where(User.email == "ines@example.org")) is None
    done = newcomer.post(link, data={"name": "Ines Alaoui", "password": PASSWORD, "confirm": PASSWORD,
                                     "consent": "y"})

    assert done.headers["Location"] == "/"
    assert newcomer.get("/").headers["Location"] == "/mentees"
    user = session.scalar(select(User).where(User.email == "ines@example.org"))
    assert (user.role, user.name, user.is_verified) == ("mentor", "Ines Alaoui", True)
    assert user.consented_at is not None and user.consent_notice_version == app.config["PRIVACY_NOTICE_VERSION"]
    used = newcomer.get(link)
    assert used.status_code == 410 and "This invitation was already accepted" in text(used)


@pytest.mark.parametrize("reason, words", [
    ("expired", "This invitation has expired."),
    ("revoked", "This invitation was withdrawn."),
    ("unknown", "This link is not a valid invitation"),
])
def test_unusable_links_show_a_clear_page(client, session, manager, now, reason, words):
    sent = services.create_invitation(session, actor=manager, email="x@example.org", role="founder",
                                      now=now - (dt.timedelta(days=8) if reason == "expired" else dt.timedelta(0)))
    if reason == "revoked":
        services.revoke_invitation(session, sent.invitation, now=now)
    session.commit()

    response = client.get("/invitations/" + ("nothing-here" if reason == "unknown" else sent.token), headers=EN)

    assert response.status_code == 410 and words in text(response)
    assert session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_an_existing_account_signs_in_and_joins_the_team_without_a_new_account(client, login_as, founder,
                                                                                make_user, make_project, session,
                                                                                now):
    project = make_project(owner=founder)
    known = make_user("founder")
    sent = services.create_invitation(session, actor=founder, email=known.email, role="founder", project=project,
                                      relations=project_queries.relations(session, project, founder), now=now)
    session.commit()
    link = f"/invitations/{sent.token}"

    anonymous = text(client.get(link, headers=EN))
    assert "already has a Parcours account" in anonymous and "Sign in to accept" in anonymous
    login_as(known)
    joined = client.post(link, data={"confirm": "y"})

    assert joined.headers["Location"] == f"/projects/{project.id}"
    assert project_queries.is_member(session, project, known)
    assert len(session.scalars(select(User).where(User.email == known.email)).all()) == 1


# A project's team --------------------------------------------------------------------------------


def team_card(page: str) -> str:
    return re.search(r'<section id="members".*?</section>', page, re.S).group(0)


def test_founders_invite_co_founders_from_the_team_card(login_as, founder, make_project, session):
    project = make_project(owner=founder)
    client = login_as(founder)
    card = team_card(text(client.get(f"/projects/{project.id}")))
    assert "Invite a co-founder by email" in card and "Add to the team" not in card and "Remove…" not in card

    response = client.post(f"/projects/{project.id}/team/invitations", data={"email": "co@example.org",
                                                                              "locale": "fr"})

    assert response.headers["Location"].endswith(f"/projects/{project.id}#members")
    page = text(client.get(f"/projects/{project.id}"))
    assert "Invitation sent to co@example.org." in flashes(page) and "co@example.org" in team_card(page)
    invitation = session.scalar(select(Invitation))
    assert (invitation.project_id, invitation.role, invitation.locale) == (project.id, "founder", "fr")


def test_a_mentor_does_not_invite_to_a_team(login_as, mentor, make_project, assign, session):
    project = make_project()
    assign(project, mentor)
    client = login_as(mentor)

    assert "Invite a co-founder" not in team_card(text(client.get(f"/projects/{project.id}")))
    assert client.post(f"/projects/{project.id}/team/invitations", data={"email": "x@example.org",
                                                                         "locale": "fr"}).status_code == 403


def test_managers_add_and_remove_members_but_the_last_founder_stays(login_as, manager, founder, make_user,
                                                                    make_project, session):
    project = make_project(owner=founder)
    other = make_user("founder")
    client = login_as(manager)

    added = follow(client, client.post(f"/projects/{project.id}/team/members", data={"email": other.email}))
    assert f"{other.name} joined the team." in flashes(text(added))
    unknown = follow(client, client.post(f"/projects/{project.id}/team/members", data={"email": "no@example.org"}))
    assert "No founder account has this address: invite the person instead." in flashes(text(unknown))
    removed = follow(client, client.post(f"/projects/{project.id}/team/members/{founder.id}/remove",
                                         data={"confirm": "y"}))
    assert "The member was removed from the team." in flashes(text(removed))
    assert "The last founder cannot be removed" in team_card(text(removed))
    last = follow(client, client.post(f"/projects/{project.id}/team/members/{other.id}/remove",
                                      data={"confirm": "y"}))

    assert "The last founder of a project cannot be removed: add another founder first." in flashes(text(last))
    session.expire_all()
    assert project_queries.is_member(session, project, other)
    assert not project_queries.is_member(session, project, founder)
    assert project_services.LastFounder.code == "last_founder"

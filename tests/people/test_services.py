"""People services: who may change whom, invitations' life (expiry, revocation, reuse), the team's last founder."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.auth import services as auth_services
from app.auth import web_sessions
from app.auth.models import ApiToken
from app.auth.models import UserSession
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import NotFound
from app.core.errors import ValidationFailed
from app.people import services
from app.people.models import Invitation
from app.projects import queries as project_queries
from app.projects import services as project_services
from app.projects.models import ProjectMember
from tests.conftest import PASSWORD

# (actor role, target role, change, allowed: True | the error class)
ACCOUNT_RIGHTS = [
    ("manager", "founder", {"active": False}, True),
    ("manager", "mentor", {"active": False}, True),
    ("manager", "applicant", {"role": "founder"}, True),
    ("manager", "founder", {"role": "mentor"}, True),
    ("manager", "mentor", {"role": "manager"}, Forbidden),
    ("manager", "founder", {"role": "admin"}, Forbidden),
    ("manager", "manager", {"active": False}, Forbidden),
    ("manager", "admin", {"active": False}, Forbidden),
    ("manager", "manager", {"role": "founder"}, Forbidden),
    ("admin", "manager", {"active": False}, True),
    ("admin", "admin", {"active": False}, True),
    ("admin", "mentor", {"role": "manager"}, True),
    ("admin", "manager", {"role": "admin"}, True),
    ("manager", "founder", {"role": "wizard"}, ValidationFailed),
]


@pytest.mark.parametrize(("actor_role", "target_role", "change", "outcome"), ACCOUNT_RIGHTS,
                         ids=[f"{a}-{t}-{c}" for a, t, c, _ in ACCOUNT_RIGHTS])
def test_account_rights(session, make_user, now, actor_role, target_role, change, outcome):
    actor, target = make_user(actor_role), make_user(target_role)

    if outcome is True:
        services.update_account(session, target, actor=actor, now=now, **change)
        session.commit()
        assert target.role == change.get("role", target_role)
        assert target.is_active is change.get("active", True)
    else:
        with pytest.raises(outcome) as caught:
            services.update_account(session, target, actor=actor, now=now, **change)
        assert set(caught.value.errors) == set(change)  # the field at fault
        session.rollback()
        assert (target.role, target.is_active) == (target_role, True)


@pytest.mark.parametrize("role", ["manager", "admin"])
@pytest.mark.parametrize(("change", "field"), [({"active": False}, "active"), ({"role": "founder"}, "role")])
def test_nobody_deactivates_or_demotes_themselves(session, make_user, now, role, change, field):
    me = make_user(role)

    with pytest.raises(ValidationFailed) as caught:
        services.update_account(session, me, actor=me, now=now, **change)

    assert list(caught.value.errors) == [field]


def test_deactivating_ends_sessions_and_tokens_keeps_history_and_can_be_undone(session, make_user, make_project,
                                                                              manager, founder, now):
    project = make_project(owner=founder)
    secret, _ = auth_services.issue_token(session, founder, now=now, ttl=dt.timedelta(hours=1))
    web_sessions.open_session(session, founder, now=now, max_age=dt.timedelta(days=1))
    epoch = founder.session_epoch

    services.update_account(session, founder, actor=manager, now=now, active=False)
    session.commit()

    assert founder.is_disabled and founder.session_epoch == epoch + 1
    assert auth_services.user_for_token(session, secret, now=now) is None
    assert session.scalars(select(UserSession).where(UserSession.user_id == founder.id)).all() == []
    assert auth_services.authenticate(session, founder.email, PASSWORD) is None
    assert project_queries.is_member(session, project, founder)  # their place and history stay

    services.update_account(session, founder, actor=manager, now=now, active=True)
    session.commit()
    assert auth_services.authenticate(session, founder.email, PASSWORD) == founder
    # Reactivation does not bring the old token back.
    assert session.scalar(select(ApiToken).where(ApiToken.user_id == founder.id)).revoked_at is not None


def test_a_founder_on_a_team_keeps_the_role_until_taken_off_it(session, make_user, make_project, manager, now):
    founder = make_user("founder")
    make_project(owner=founder)

    with pytest.raises(ValidationFailed) as caught:
        services.update_account(session, founder, actor=manager, now=now, role="mentor")

    assert list(caught.value.errors) == ["role"]


# Invitations -------------------------------------------------------------------------------------

# (inviter role, invited role, on a project of the inviter?, allowed: True | the error class)
INVITE_RIGHTS = [
    ("manager", "founder", False, True),
    ("manager", "mentor", False, True),
    ("manager", "manager", False, Forbidden),
    ("manager", "admin", False, Forbidden),
    ("admin", "manager", False, True),
    ("admin", "admin", False, True),
    ("founder", "founder", True, True),
    ("founder", "founder", False, ValidationFailed),
    ("founder", "mentor", True, ValidationFailed),
    ("mentor", "founder", False, Forbidden),
    ("manager", "founder", True, True),
]


@pytest.mark.parametrize(("actor_role", "role", "team", "outcome"), INVITE_RIGHTS,
                         ids=[f"{a}-{r}-{'team' if t else 'alone'}" for a, r, t, _ in INVITE_RIGHTS])
def test_invitation_rights(session, make_user, make_project, now, actor_role, role, team, outcome):
    actor = make_user(actor_role)
    project = make_project(owner=actor if actor_role == "founder" else None) if team else None
    relations = project_queries.relations(session, project, actor) if project else frozenset()

    def invite():
        return services.create_invitation(session, actor=actor, email="New.Person@Example.org", role=role,
                                          project=project, relations=relations, now=now)

    if outcome is True:
        sent = invite()
        session.commit()
        assert sent.invitation.email == "new.person@example.org"
        assert sent.invitation.token_hash != sent.token and len(sent.token) > 30  # only a hash is stored
    else:
        with pytest.raises(outcome):
            invite()


def test_a_founder_cannot_invite_to_another_founders_team(session, make_user, make_project, now):
    stranger, project = make_user("founder"), make_project()

    with pytest.raises(Forbidden):
        services.create_invitation(session, actor=stranger, email="x@example.org", role="founder", project=project,
                                   relations=project_queries.relations(session, project, stranger), now=now)


def test_founders_invitations_are_capped_per_day(session, founder, make_project, now):
    project = make_project(owner=founder)
    relations = project_queries.relations(session, project, founder)
    for n in range(services.FOUNDER_DAILY_INVITATIONS):
        services.create_invitation(session, actor=founder, email=f"co{n}@example.org", role="founder",
                                   project=project, relations=relations, now=now)

    with pytest.raises(services.TooManyInvitations):
        services.create_invitation(session, actor=founder, email="one-more@example.org", role="founder",
                                   project=project, relations=relations, now=now)
    # A day later the founder may invite again.
    services.create_invitation(session, actor=founder, email="tomorrow@example.org", role="founder",
                               project=project, relations=relations, now=now + dt.timedelta(days=1, minutes=1))


def test_a_second_pending_invitation_for_one_address_is_refused(session, manager, now):
    services.create_invitation(session, actor=manager, email="twice@example.org", role="mentor", now=now)

    with pytest.raises(Conflict) as caught:
        services.create_invitation(session, actor=manager, email="TWICE@example.org", role="founder", now=now)
    assert "email" in caught.value.errors


def _invite(session, manager, now, **kw):
    sent = services.create_invitation(session, actor=manager, email=kw.pop("email", "invitee@example.org"),
                                      role=kw.pop("role", "mentor"), now=now, **kw)
    session.commit()
    return sent


def test_accepting_creates_a_verified_account_once(session, manager, now):
    sent = _invite(session, manager, now, locale="en")

    user = services.accept_invitation(session, sent.token, name="Ines Mentor", password=PASSWORD, now=now)
    session.commit()

    assert (user.email, user.role, user.locale, user.is_verified) == ("invitee@example.org", "mentor", "en", True)
    assert sent.invitation.accepted_at == now and sent.invitation.accepted_by_id == user.id
    with pytest.raises(services.InvitationInvalid) as caught:
        services.accept_invitation(session, sent.token, name="Again", password=PASSWORD, now=now)
    assert caught.value.reason == "accepted"


def test_a_short_password_keeps_the_link_usable(session, manager, now):
    sent = _invite(session, manager, now)

    with pytest.raises(ValidationFailed):
        services.accept_invitation(session, sent.token, name="Ines", password="short", now=now)
    session.rollback()

    assert services.find_invitation(session, sent.token, now=now).id == sent.invitation.id


@pytest.mark.parametrize("reason", ["expired", "revoked", "unknown"])
def test_expired_revoked_and_unknown_links_do_not_work(session, manager, now, reason):
    sent = _invite(session, manager, now)
    at = now
    if reason == "expired":
        at = now + services.INVITATION_TTL + dt.timedelta(seconds=1)
    elif reason == "revoked":
        services.revoke_invitation(session, sent.invitation, now=now)
        session.commit()
    token = "forged-token" if reason == "unknown" else sent.token

    with pytest.raises(services.InvitationInvalid) as caught:
        services.accept_invitation(session, token, name="Ines", password=PASSWORD, now=at)
    assert caught.value.reason == reason


def test_resending_replaces_the_link_and_renews_the_expiry(session, manager, now):
    sent = _invite(session, manager, now)
    later = now + dt.timedelta(days=8)  # expired by then

    again = services.resend_invitation(session, sent.invitation, actor=manager, now=later)
    session.commit()

    assert again.invitation.resent_count == 1 and again.invitation.expires_at == later + services.INVITATION_TTL
    with pytest.raises(services.InvitationInvalid):
        services.find_invitation(session, sent.token, now=later)
    assert services.find_invitation(session, again.token, now=later).id == sent.invitation.id


def test_a_founder_resends_an_invitation_at_most_once_a_day(session, founder, make_project, now):
    project = make_project(owner=founder)
    sent = services.create_invitation(session, actor=founder, email="co@example.org", role="founder",
                                      project=project, relations=project_queries.relations(session, project, founder),
                                      now=now)
    # Each re-send reuses the invitation's row: without a limit of its own, one address could be
    # emailed again and again under the daily cap.
    with pytest.raises(services.TooManyInvitations):
        services.resend_invitation(session, sent.invitation, actor=founder, now=now + dt.timedelta(hours=23))

    services.resend_invitation(session, sent.invitation, actor=founder, now=now + dt.timedelta(days=1, minutes=1))
    with pytest.raises(services.TooManyInvitations):
        services.resend_invitation(session, sent.invitation, actor=founder, now=now + dt.timedelta(days=1, hours=1))


def test_managers_resend_invitations_without_waiting(session, manager, now):
    sent = _invite(session, manager, now)

    services.resend_invitation(session, sent.invitation, actor=manager, now=now + dt.timedelta(minutes=1))
    services.resend_invitation(session, sent.invitation, actor=manager, now=now + dt.timedelta(minutes=2))

    assert sent.invitation.resent_count == 2


def test_a_deactivated_account_leaves_no_working_invitation_behind(session, make_user, now):
    admin, other_admin = make_user("admin"), make_user("admin")
    sent = _invite(session, admin, now, email="next-admin@example.org", role="admin")
    kept = _invite(session, other_admin, now, email="mentor@example.org", role="mentor")

    services.update_account(session, admin, actor=other_admin, now=now, active=False)
    session.commit()

    with pytest.raises(services.InvitationInvalid) as caught:
        services.accept_invitation(session, sent.token, name="Mallory", password=PASSWORD, now=now)
    assert caught.value.reason == "revoked"
    assert services.find_invitation(session, kept.token, now=now) is not None


def test_a_demoted_admin_leaves_no_working_admin_invitation(session, make_user, now):
    admin, other_admin = make_user("admin"), make_user("admin")
    to_admin = _invite(session, admin, now, email="next-admin@example.org", role="admin")
    to_mentor = _invite(session, admin, now, email="mentor@example.org", role="mentor")

    services.update_account(session, admin, actor=other_admin, now=now, role="manager")
    session.commit()

    with pytest.raises(services.InvitationInvalid):
        services.find_invitation(session, to_admin.token, now=now)
    assert services.find_invitation(session, to_mentor.token, now=now) is not None


def test_a_founder_taken_off_a_team_leaves_no_working_invitation_to_it(session, founder, make_user, make_project,
                                                                        now):
    project, partner = make_project(owner=founder), make_user("founder")
    project_services.add_member(session, project, partner, now=now)
    relations = project_queries.relations(session, project, partner)
    sent = services.create_invitation(session, actor=partner, email="friend@example.org", role="founder",
                                      project=project, relations=relations, now=now)
    session.commit()

    services.remove_member(session, project, partner.id, now=now)
    session.commit()

    with pytest.raises(services.InvitationInvalid):
        services.find_invitation(session, sent.token, now=now)


def test_accepted_invitations_are_neither_revoked_nor_resent(session, manager, now):
    sent = _invite(session, manager, now)
    services.accept_invitation(session, sent.token, name="Ines", password=PASSWORD, now=now)
    session.commit()

    with pytest.raises(Conflict):
        services.revoke_invitation(session, sent.invitation, now=now)
    with pytest.raises(Conflict):
        services.resend_invitation(session, sent.invitation, actor=manager, now=now)


def test_a_team_invitation_adds_the_new_founder_to_the_team(session, founder, make_project, now):
    project = make_project(owner=founder)
    sent = services.create_invitation(session, actor=founder, email="cofounder@example.org", role="founder",
                                      project=project, relations=project_queries.relations(session, project, founder),
                                      now=now)
    session.commit()

    user = services.accept_invitation(session, sent.token, name="Co Founder", password=PASSWORD, now=now)
    session.commit()

    assert project_queries.is_member(session, project, user)


def test_an_existing_account_joins_the_team_without_a_second_account(session, founder, make_user, make_project,
                                                                      now):
    applicant = make_user("applicant", email="known@example.org")
    project = make_project(owner=founder)
    sent = services.create_invitation(session, actor=founder, email="known@example.org", role="founder",
                                      project=project, relations=project_queries.relations(session, project, founder),
                                      now=now)
    session.commit()

    with pytest.raises(Conflict):
        services.accept_invitation(session, sent.token, name="Someone", password=PASSWORD, now=now)
    session.rollback()
    with pytest.raises(Forbidden):
        services.join_with_account(session, sent.token, founder, now=now)
    services.join_with_account(session, sent.token, applicant, now=now)
    session.commit()

    assert project_queries.is_member(session, project, applicant) and applicant.role == "founder"


# The team ------------------------------------------------------------------------------------------


def test_the_last_founder_cannot_be_removed(session, founder, make_user, make_project, now):
    project = make_project(owner=founder)
    other = make_user("founder")
    project_services.add_member(session, project, other, now=now)
    session.commit()

    project_services.remove_member(session, project, other.id)
    session.commit()
    with pytest.raises(project_services.LastFounder) as caught:
        project_services.remove_member(session, project, founder.id)

    assert caught.value.code == "last_founder"
    session.rollback()
    assert session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)).all() == [
        founder.id]


def test_only_founders_join_a_team_and_only_members_leave_it(session, make_project, mentor, make_user, now):
    project = make_project()

    with pytest.raises(ValidationFailed):
        project_services.add_member(session, project, mentor, now=now)
    with pytest.raises(NotFound):
        project_services.remove_member(session, project, make_user("founder").id)
    assert session.scalar(select(Invitation.id)) is None

"""Notifications and the email outbox at the service layer, and the page that lists them."""

from __future__ import annotations

from sqlalchemy import select

from app.notifications import services
from app.notifications.models import Notification
from app.notifications.models import OutgoingEmail


def message(user, key: str = "k1", *, kind: str = "checkin_reminder") -> services.Message:
    params = {"project": "Atlas", "due_at": "2026-12-01T09:00:00+00:00"}
    return services.Message(user=user, kind=kind, params=params, link="/projects/1",
                            dedupe_key=key, subject="Check-in tomorrow", body="See you at 10:00.")


def outbox(session) -> list[OutgoingEmail]:
    return list(session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))


def test_a_message_is_a_notification_and_a_pending_email(session, founder, now):
    queued = services.queue(session, [message(founder)], now=now)
    session.commit()

    assert queued == 1
    [note] = session.scalars(select(Notification))
    assert (note.user_id, note.kind, note.link, note.read_at) == (founder.id, "checkin_reminder", "/projects/1", None)
    [email] = outbox(session)
    assert (email.to_address, email.status, email.attempts) == (founder.email, "pending", 0)
    assert email.next_attempt_at == now


def test_queueing_the_same_message_twice_stores_it_once(session, founder, now):
    services.queue(session, [message(founder)], now=now)
    again = services.queue(session, [message(founder), message(founder, "k2")], now=now)
    session.commit()

    assert again == 1
    assert [e.dedupe_key for e in outbox(session)] == ["k1", "k2"]
    assert session.query(Notification).count() == 2


def test_the_email_switch_of_one_kind_leaves_the_other_kinds_alone(session, founder, now):
    services.update_preferences(session, founder, kinds={"checkin_reminder": {"email": False}})
    session.commit()

    services.queue(session, [message(founder, "reminder"), message(founder, "escalation", kind="checkin_overdue")],
                   now=now)
    session.commit()

    assert [e.dedupe_key for e in outbox(session)] == ["escalation"]
    assert session.query(Notification).count() == 2  # in the app, both


def test_unread_count_and_mark_all_read_are_per_user(session, founder, mentor, now):
    services.queue(session, [message(founder, "a"), message(founder, "b"), message(mentor, "c")], now=now)
    session.commit()

    assert services.count_unread(session, founder) == 2
    services.mark_all_read(session, founder, now=now)
    session.commit()

    assert services.count_unread(session, founder) == 0
    assert services.count_unread(session, mentor) == 1


def test_the_page_lists_only_the_readers_notifications_and_marks_them_read(session, client, login_as, founder,
                                                                         mentor, now):
    services.queue(session, [message(founder, "mine"), message(mentor, "theirs")], now=now)
    session.commit()
    login_as(founder)

    page = client.get("/notifications")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('href="/projects/1"') == 1
    assert "Check-in of Atlas on" in html

    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/notifications")
    session.expire_all()
    assert services.count_unread(session, founder) == 0
    assert services.count_unread(session, mentor) == 1


def test_the_page_needs_a_signed_in_user(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]

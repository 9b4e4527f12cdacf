"""Per-person choices: `queue()` honours each switch and the digest, the API and the account page set them."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy import select

from app.notifications import kinds
from app.notifications import services
from app.notifications.models import Notification
from app.notifications.models import NotificationPreference
from app.notifications.models import OutgoingEmail


def message(user, key: str, kind: str = "mentor_assigned") -> services.Message:
    return services.Message(user=user, kind=kind, params={"project": "Atlas", "mentor": "Salma", "mentor_id": 0},
                            link="/projects/1", dedupe_key=key)


def stored(session, model, user) -> list[str]:
    column = model.user_id if model is Notification else model.to_user_id
    return [row.dedupe_key for row in session.scalars(select(model).where(column == user.id).order_by(model.id))]


@contextmanager
def counted(engine):
    seen: list[str] = []

    def hook(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", hook)


def test_each_switch_and_the_digest_are_honoured(session, make_user, now):
    quiet_app, quiet_email, digest, plain = (make_user("founder") for _ in range(4))
    services.update_preferences(session, quiet_app, kinds={"mentor_assigned": {"in_app": False}})
    services.update_preferences(session, quiet_email, kinds={"mentor_assigned": {"email": False}})
    services.update_preferences(session, digest, kinds={}, digest=True)
    session.commit()

    services.queue(session, [message(u, f"m:{u.id}") for u in (quiet_app, quiet_email, digest, plain)], now=now)
    session.commit()

    assert (stored(session, Notification, quiet_app), stored(session, OutgoingEmail, quiet_app)) == \
        ([], [f"m:{quiet_app.id}"])
    assert (stored(session, Notification, quiet_email), stored(session, OutgoingEmail, quiet_email)) == \
        ([f"m:{quiet_email.id}"], [])
    [held] = session.scalars(select(OutgoingEmail).where(OutgoingEmail.to_user_id == digest.id))
    assert (held.status, held.kind, held.link) == ("held", "mentor_assigned", "/projects/1")
    assert "Salma" in held.subject  # rendered now, in the reader's language, for the digest to list
    [sent] = session.scalars(select(OutgoingEmail).where(OutgoingEmail.to_user_id == plain.id))
    assert sent.status == "pending" and "http://" in sent.body and "/projects/1" in sent.body


def test_a_kind_that_cannot_be_switched_off_always_goes_even_to_a_digest_reader(session, make_user, now):
    reader = make_user("founder")
    services.update_preferences(session, reader, kinds={}, digest=True)
    session.commit()

    services.queue(session, [services.Message(user=reader, kind="password_reset", params={}, link="",
                                              dedupe_key="reset", subject="Reset", body="…")], now=now)

    [email] = session.scalars(select(OutgoingEmail).where(OutgoingEmail.to_user_id == reader.id))
    assert email.status == "pending"


def test_queue_reads_the_choices_in_a_fixed_number_of_statements(session, engine, make_user, now):
    people = [make_user("founder") for _ in range(6)]
    for person in people[::2]:
        services.update_preferences(session, person, kinds={"mentor_assigned": {"email": False}})
    session.commit()

    with counted(engine) as few:
        services.queue(session, [message(people[1], "one")], now=now)
    with counted(engine) as many:
        services.queue(session, [message(p, f"k:{p.id}:{i}") for p in people for i in range(3)], now=now)

    assert len(many) == len(few) <= 4


def test_the_api_reads_and_partially_updates_the_choices(session, api, founder):
    client = api(founder)

    first = client.get("/api/v1/me/notification-preferences")

    assert first.status_code == 200
    body = first.get_json()
    assert body["digest"] is False
    assert set(body["kinds"]) == {k.key for k in kinds.switchable()}
    assert "password_reset" not in body["kinds"]
    assert body["kinds"]["mentor_assigned"] == {"in_app": True, "email": True, "label": "Mentor assigned"}

    changed = client.put("/api/v1/me/notification-preferences",
                         json={"kinds": {"mentor_assigned": {"email": False}, "call_closing": {"in_app": False}},
                               "digest": True})

    assert changed.status_code == 200, changed.get_json()
    kinds_now = changed.get_json()["kinds"]
    assert (kinds_now["mentor_assigned"]["in_app"], kinds_now["mentor_assigned"]["email"]) == (True, False)
    assert (kinds_now["call_closing"]["in_app"], kinds_now["call_closing"]["email"]) == (False, True)
    assert client.get("/api/v1/me/notification-preferences").get_json() == changed.get_json()
    again = client.put("/api/v1/me/notification-preferences", json={"kinds": {"mentor_assigned": {"in_app": False}}})
    assert again.get_json()["kinds"]["mentor_assigned"] == {"in_app": False, "email": False,
                                                            "label": "Mentor assigned"}
    assert again.get_json()["digest"] is True  # left out: kept
    assert session.scalar(select(NotificationPreference.email).where(
        NotificationPreference.user_id == founder.id, NotificationPreference.kind == "mentor_assigned")) is False


def test_the_api_refuses_an_unknown_or_unswitchable_kind_naming_it(api, founder):
    client = api(founder)

    unknown = client.put("/api/v1/me/notification-preferences",
                         json={"kinds": {"fax_received": {"email": False}, "password_reset": {"email": False}}})

    assert unknown.status_code == 422
    assert unknown.headers["Content-Type"].startswith("application/problem+json")
    assert set(unknown.get_json()["errors"]) == {"kinds.fax_received", "kinds.password_reset"}
    assert "fax_received" in unknown.get_json()["detail"]
    assert client.put("/api/v1/me/notification-preferences",
                      json={"kinds": {"call_closing": {"email": "no"}}}).status_code == 422
    assert api().get("/api/v1/me/notification-preferences").status_code == 401


def test_the_account_page_saves_the_choices_and_shows_them_again(session, client, login_as, make_user):
    person = make_user("founder", locale="fr")
    login_as(person)

    page = client.get("/account").get_data(as_text=True)

    assert '<th scope="row">Mentor attribué</th>' in page
    assert "Check-ins en retard" not in page  # a managers' kind is not offered to a founder
    assert '<input checked id="email__mentor_assigned" name="email__mentor_assigned"' in page
    assert '<label for="email__mentor_assigned" class="sr-only">Mentor attribué\xa0: par e-mail</label>' in page
    ticked = {f"in_app__{k.key}": "y" for k in kinds.listed_for("founder")}
    ticked |= {f"email__{k.key}": "y" for k in kinds.listed_for("founder") if k.key != "mentor_assigned"}

    response = client.post("/account/notifications", data={**ticked, "email_digest": "y"})

    assert response.status_code == 302 and response.headers["Location"].endswith("/account#notifications")
    session.expire_all()
    chosen = services.get_preferences(session, person)
    assert chosen.digest is True
    assert chosen.kinds["mentor_assigned"] == services.Choice(in_app=True, email=False)
    assert chosen.kinds["session_logged"] == services.Choice(in_app=True, email=True)
    again = client.get("/account").get_data(as_text=True)
    assert '<input id="email__mentor_assigned" name="email__mentor_assigned"' in again
    assert '<input checked id="in_app__mentor_assigned"' in again
    assert '<input checked id="email_digest" name="email_digest"' in again
    assert "Choix de notifications enregistrés." in again

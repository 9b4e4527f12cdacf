"""The daily digest: held emails listed once a local day, in the reader's language, exactly once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db as flask_db
from app.notifications import services
from app.notifications.models import OutgoingEmail
from app.scheduling.jobs import run_sweep
from tests.checkins.test_concurrency import at_once

#: 18:00 is the default digest hour; Casablanca is UTC+1 on these dates.
DAY = dt.datetime(2031, 3, 4, tzinfo=dt.UTC)


def hold(session, user, key: str, *, project: str = "Atlas", at: dt.datetime = DAY) -> None:
    services.queue(session, [services.Message(user=user, kind="mentor_assigned",
                                              params={"project": project, "mentor": "Salma", "mentor_id": 0},
                                              link=f"/projects/{key}", dedupe_key=key)], now=at)
    session.commit()


def reader(session, make_user, *, locale: str = "en", timezone: str = "Africa/Casablanca"):
    user = make_user("founder", locale=locale)
    user.timezone = timezone
    services.update_preferences(session, user, kinds={}, digest=True)
    session.commit()
    return user


def sweep(app, at: dt.datetime):
    with app.app_context():
        report = run_sweep(at)
        flask_db.session.remove()
    return report


def test_one_digest_a_local_day_lists_the_held_emails_in_the_readers_language(session, mail_app, smtp_server,
                                                                             make_user):
    french = reader(session, make_user, locale="fr")
    idle = reader(session, make_user)
    hold(session, french, "1", project="Atlas Pay")
    hold(session, french, "2", project="Nour Agri")

    assert sweep(mail_app, DAY.replace(hour=16)).digests == 0  # 17:00 in Casablanca: not yet
    assert smtp_server.messages == []  # held, not sent one by one
    report = sweep(mail_app, DAY.replace(hour=17, minute=5))

    assert report.digests == 1
    [digest] = smtp_server.received_by(french.email)
    assert digest.subject == "Votre journée sur Parcours\u00a0: 2 notifications"
    base = mail_app.config["BASE_URL"].rstrip("/")
    assert "Salma accompagne Atlas Pay" in digest.body and "Salma accompagne Nour Agri" in digest.body
    assert f"{base}/projects/1" in digest.body and f"{base}/projects/2" in digest.body
    assert smtp_server.received_by(idle.email) == []  # nothing held: nothing sent
    session.expire_all()
    assert {e.status for e in session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind != ""))} == \
        {"digested"}

    hold(session, french, "3", at=DAY.replace(hour=20))
    assert sweep(mail_app, DAY.replace(hour=21)).digests == 0  # the day's digest is gone: tomorrow's
    assert sweep(mail_app, DAY.replace(hour=22, minute=59)).digests == 0  # 23:59 local: still the same day
    assert sweep(mail_app, DAY + dt.timedelta(days=1, hours=17)).digests == 1
    assert [m.subject for m in smtp_server.received_by(french.email)][1] == \
        "Votre journée sur Parcours\u00a0: 1 notification"


def test_concurrent_sweeps_send_each_digest_once(session, mail_app, smtp_server, make_user):
    readers = [reader(session, make_user, timezone="UTC") for _ in range(6)]
    for person in readers:
        for i in range(3):
            hold(session, person, f"{person.id}:{i}")

    reports = at_once(mail_app, lambda: run_sweep(DAY.replace(hour=18)), n=4)
    again = at_once(mail_app, lambda: run_sweep(DAY.replace(hour=19)), n=2)

    assert sum(r.digests for r in reports) == len(readers)
    assert sum(r.digests for r in again) == 0
    for person in readers:
        [digest] = smtp_server.received_by(person.email)
        assert digest.subject == "Your day on Parcours: 3 notifications"
    keys = session.scalars(select(OutgoingEmail.dedupe_key).where(OutgoingEmail.dedupe_key.like("digest:%")))
    assert sorted(keys) == sorted(f"digest:{p.id}:2031-03-04" for p in readers)

"""The calendar feed, `GET /api/v1/checkins`, and the check-in, account and notification pages."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import update

from app.auth.models import User
from app.checkins.models import CheckIn
from app.projects import services as project_services
from tests.checkins.reads import notifications

DAY = dt.timedelta(days=1)


def feed(client, user: User):
    return client.get(f"/calendar/{user.calendar_token}.ics")


def vevents(response) -> dict[str, dict]:
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def planned(make_project, mentor, plan):
    project = make_project(name="Atlas")
    return project, plan(project, mentor)


def test_the_feed_has_one_event_per_checkin_with_a_stable_uid_and_growing_sequence(session, client, sweep, founder,
                                                                                    mentor, planned):
    project, checkin = planned

    [(uid, event)] = vevents(feed(client, founder)).items()

    assert uid.startswith(f"checkin-{checkin.id}@")
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == checkin.due_at
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert "Atlas" in str(event["SUMMARY"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert list(vevents(feed(client, mentor))) == [uid]  # the mentor's feed holds it too

    sweep(checkin.due_at)  # scheduled → due

    [(same_uid, changed)] = vevents(feed(client, founder)).items()
    assert same_uid == uid
    assert changed["SEQUENCE"] > event["SEQUENCE"]


def test_a_cancelled_checkin_stays_in_the_feed_marked_cancelled(session, client, founder, manager, planned, now):
    project, checkin = planned
    project_services.fire_event(session, project, "hold", actor=founder, now=now + DAY, version=project.version,
                                comment="paused")
    session.commit()

    events = vevents(feed(client, founder))

    event = events[next(iter(events))]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1


def test_a_feed_only_shows_the_user_s_own_checkins(client, make_user, planned):
    stranger = make_user("founder")

    assert vevents(feed(client, stranger)) == {}


def test_an_unknown_token_or_a_disabled_user_gets_404(session, client, founder, planned):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    founder.is_disabled = True
    session.commit()
    assert feed(client, founder).status_code == 404


def test_regenerating_the_token_retires_the_old_url(session, client, login_as, founder, planned):
    old = f"/calendar/{founder.calendar_token}.ics"
    login_as(founder)

    response = client.post("/account/calendar-token")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account#calendar")
    assert client.get(old).status_code == 404
    session.refresh(founder)
    assert f"/calendar/{founder.calendar_token}.ics" != old
    assert len(vevents(feed(client, founder))) == 1


def test_me_gives_a_working_calendar_url(client, api, founder, planned):
    body = api(founder).get("/api/v1/me").get_json()

    url = urlsplit(body["calendar_url"])
    assert url.scheme in ("http", "https") and url.path.endswith(".ics")
    assert len(vevents(client.get(url.path))) == 1


# -- GET /api/v1/checkins --------------------------------------------------------------------------------------


@pytest.fixture
def two_projects(session, make_project, make_user, founder, mentor, plan, now):
    """Atlas (founder, mentor, overdue) and Bora (another founder and mentor, scheduled)."""
    atlas = make_project(name="Atlas")
    bora_founder, bora_mentor = make_user("founder"), make_user("mentor")
    bora = make_project(name="Bora", owner=bora_founder)
    late, upcoming = plan(atlas, mentor), plan(bora, bora_mentor)
    session.execute(update(CheckIn).where(CheckIn.id == late.id).values(status="overdue"))
    session.commit()
    return {"atlas": atlas, "bora": bora, "late": late, "upcoming": upcoming, "bora_founder": bora_founder,
            "bora_mentor": bora_mentor}


def listed(api, user, query: str = "") -> list[int]:
    response = api(user).get(f"/api/v1/checkins{query}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return [item["id"] for item in body["items"]]


def test_checkins_are_scoped_like_projects(api, make_user, founder, mentor, manager, two_projects):
    late, upcoming = two_projects["late"].id, two_projects["upcoming"].id

    assert listed(api, founder) == [late]
    assert listed(api, mentor) == [late]
    assert listed(api, two_projects["bora_founder"]) == [upcoming]
    assert listed(api, make_user("founder")) == []
    assert sorted(listed(api, manager)) == sorted([late, upcoming])


def test_a_checkin_in_the_api(api, founder, mentor, two_projects):
    [item] = api(founder).get("/api/v1/checkins").get_json()["items"]

    assert item["project_id"] == two_projects["atlas"].id and item["project_name"] == "Atlas"
    assert item["mentor"] == {"id": mentor.id, "name": mentor.name}
    assert (item["stage"], item["status"]) == ("idea", "overdue")
    assert item["due_at"].endswith("Z") or item["due_at"].endswith("+00:00")


def test_checkins_filter_by_status_project_and_mentor(api, manager, two_projects):
    late, upcoming = two_projects["late"].id, two_projects["upcoming"].id

    assert listed(api, manager, "?status=overdue") == [late]
    assert listed(api, manager, "?status=scheduled") == [upcoming]
    assert listed(api, manager, "?status=done") == []
    assert listed(api, manager, f"?project_id={two_projects['bora'].id}") == [upcoming]
    assert listed(api, manager, f"?mentor_id={two_projects['bora_mentor'].id}") == [upcoming]
    assert listed(api, manager, f"?project_id={two_projects['bora'].id}&status=overdue") == []


@pytest.mark.parametrize("query", ["?status=late", "?project_id=abc", "?mentor_id=1.5"])
def test_a_bad_filter_is_a_400_problem(api, manager, two_projects, query):
    response = api(manager).get(f"/api/v1/checkins{query}")

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 400


def test_checkins_need_authentication(api, two_projects):
    assert api().get("/api/v1/checkins").status_code == 401


# -- pages ----------------------------------------------------------------------------------------------------


def test_the_checkins_page_shows_managers_the_overdue_ones_by_default(client, login_as, manager, two_projects):
    login_as(manager)

    default = client.get("/checkins")
    scheduled = client.get("/checkins?status=scheduled")

    assert default.status_code == 200
    assert b"Atlas" in default.data and b"Bora" not in default.data
    assert b"Bora" in scheduled.data and b"Atlas" not in scheduled.data
    assert client.get("/checkins?status=nonsense").status_code == 400


def test_the_checkins_page_shows_a_founder_their_open_ones(client, login_as, founder, two_projects):
    login_as(founder)

    page = client.get("/checkins")

    assert page.status_code == 200
    assert b"Atlas" in page.data and b"Bora" not in page.data


def test_the_checkins_page_needs_a_login(client):
    response = client.get("/checkins")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_account_settings_change_the_language_and_zone(session, client, login_as, founder):
    login_as(founder)
    page = client.get("/account")
    assert page.status_code == 200
    assert founder.calendar_token.encode() in page.data

    response = client.post("/account", data={"locale": "fr", "timezone": "UTC"})

    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    session.refresh(founder)
    assert (founder.locale, founder.timezone) == ("fr", "UTC")

    client.post("/account", data={"locale": "en", "timezone": "Africa/Casablanca"})
    session.refresh(founder)
    assert (founder.locale, founder.timezone) == ("en", "Africa/Casablanca")


def test_account_settings_refuse_an_unknown_language(session, client, login_as, founder):
    login_as(founder)

    response = client.post("/account", data={"locale": "xx", "timezone": "UTC"})

    assert response.status_code == 422
    session.refresh(founder)
    assert founder.locale == "en"


def test_the_notifications_page_lists_reminders_and_marks_them_read(session, client, login_as, sweep, founder,
                                                                    planned):
    project, checkin = planned
    sweep(checkin.due_at - dt.timedelta(hours=1))
    login_as(founder)

    page = client.get("/notifications")

    assert page.status_code == 200
    assert b"Check-in of Atlas on" in page.data
    assert client.post("/notifications/read").status_code == 302
    assert all(n.read_at is not None for n in notifications(session, user_id=founder.id))


def test_the_checkins_page_shows_times_in_the_reader_s_zone(session, client, login_as, founder, planned):
    project, checkin = planned
    session.execute(update(CheckIn).where(CheckIn.id == checkin.id)
                    .values(due_at=dt.datetime(2026, 6, 4, 9, 0, tzinfo=dt.UTC)))  # Casablanca: UTC+1
    founder.timezone = "UTC"
    session.commit()
    login_as(founder)

    in_utc = client.get("/checkins").get_data(as_text=True)
    founder.timezone = "Africa/Casablanca"
    session.commit()
    in_casablanca = client.get("/checkins").get_data(as_text=True)

    assert "Jun 4, 2026, 9:00\u202fAM" in in_utc
    assert "Jun 4, 2026, 10:00\u202fAM" in in_casablanca


def test_account_settings_keep_a_zone_that_is_not_in_the_short_list(session, client, login_as, founder):
    founder.timezone = "Asia/Tokyo"
    session.commit()
    login_as(founder)

    assert b"Asia/Tokyo" in client.get("/account").data
    response = client.post("/account", data={"locale": "en", "timezone": "Asia/Tokyo"})

    assert response.status_code == 302
    session.refresh(founder)
    assert founder.timezone == "Asia/Tokyo"


@pytest.mark.parametrize(("locale", "summary"), [("en", "Check-in · منصة الدفع"), ("fr", "Point d'étape · منصة الدفع")])
def test_the_feed_speaks_its_owner_s_language(session, client, founder, planned, locale, summary):
    """A calendar app fetches the feed without a session: its words are in the owner's language."""
    project, _ = planned
    project.name = "منصة الدفع"
    founder.locale = locale
    session.merge(project), session.merge(founder)
    session.commit()

    [event] = vevents(feed(client, founder)).values()

    assert str(event["SUMMARY"]) == summary

"""Times in Morocco: 10:00 entered in Casablanca reads 10:00 everywhere (issue 16, item 1).

pytz 2026.6 puts Africa/Casablanca at UTC+0 after 2026 where the zone database (zoneinfo,
tzdata 2026.6) says UTC+1; the app formats through zoneinfo only, so pages, history, emails
and the calendar all agree with the clock on the wall.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import update

from app.checkins.models import CheckIn
from app.core.dates import format_datetime
from app.core.dates import format_time
from app.projects import services as project_services

UTC = dt.UTC
CASABLANCA = ZoneInfo("Africa/Casablanca")
#: 10:00 in Casablanca on Friday 27 November 2026 (UTC+1).
NOVEMBER = dt.datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
#: 10:00 in Casablanca on Saturday 20 February 2027, inside Ramadan 2027 (UTC+0 from 7 Feb to 14 Mar).
RAMADAN = dt.datetime(2027, 2, 20, 10, 0, tzinfo=UTC)
APP_DIR = Path(__file__).resolve().parents[2] / "app"


def plain(text: str) -> str:
    """CLDR formats use narrow and non-breaking spaces; compare with plain ones."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_the_zone_database_pins_casablanca_in_november_2026_and_in_ramadan_2027():
    assert NOVEMBER.astimezone(CASABLANCA).utcoffset() == dt.timedelta(hours=1)
    assert RAMADAN.astimezone(CASABLANCA).utcoffset() == dt.timedelta(0)
    # The Ramadan period of tzdata 2026.6: UTC+0 from 7 February 02:00 UTC to 14 March 02:00 UTC.
    assert dt.datetime(2027, 2, 7, 1, 59, tzinfo=UTC).astimezone(CASABLANCA).utcoffset() == dt.timedelta(hours=1)
    assert dt.datetime(2027, 2, 7, 2, 0, tzinfo=UTC).astimezone(CASABLANCA).utcoffset() == dt.timedelta(0)
    assert dt.datetime(2027, 3, 14, 2, 0, tzinfo=UTC).astimezone(CASABLANCA).utcoffset() == dt.timedelta(hours=1)


@pytest.mark.parametrize("instant", [NOVEMBER, RAMADAN], ids=["november-2026", "ramadan-2027"])
def test_the_formatters_write_10_00_for_10_00_in_casablanca(app, instant):
    with app.test_request_context():
        assert format_time(instant, "HH:mm", tz="Africa/Casablanca") == "10:00"
        assert "10:00" in format_datetime(instant, "short", tz="Africa/Casablanca", locale="fr")
        # Without a reader, the cluster's default zone (Africa/Casablanca).
        assert format_time(instant, "HH:mm") == "10:00"


def test_no_code_path_formats_or_converts_times_through_pytz():
    """Flask-Babel's date helpers and Babel's zone lookup use pytz when it is installed."""
    banned = {("flask_babel", n) for n in ("format_datetime", "format_date", "format_time", "to_user_timezone",
                                           "get_timezone", "to_utc")}
    banned |= {("babel.dates", "get_timezone")}
    found = []
    for path in APP_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "pytz" for a in node.names):
                found.append((path.name, "pytz"))
            elif isinstance(node, ast.ImportFrom):
                found += [(path.name, a.name) for a in node.names if (node.module, a.name) in banned]
                if (node.module or "").split(".")[0] == "pytz":
                    found.append((path.name, node.module))
    assert found == []


@pytest.fixture
def checkin_at_ten(session, make_project, mentor, plan):
    """A check-in planned for 10:00 Casablanca time on 27 November 2026."""
    project = make_project(name="Atlas Pay")
    checkin = plan(project, mentor)
    session.execute(update(CheckIn).where(CheckIn.id == checkin.id).values(due_at=NOVEMBER))
    session.commit()
    session.expire_all()
    return project, checkin


def test_the_reminder_email_says_10_00_in_its_subject_and_body(session, sweep, smtp_server, founder, checkin_at_ten):
    founder.locale = "fr"
    session.commit()

    sweep(NOVEMBER - dt.timedelta(hours=23))

    [received] = smtp_server.received_by(founder.email)
    subject, body = plain(received.subject), plain(received.body)
    assert "vendredi 27 novembre 2026" in subject and "10:00" in subject and "09:00" not in subject
    assert "10:00" in body and "09:00" not in body


def test_the_checkins_page_and_the_calendar_feed_say_10_00(client, login_as, founder, checkin_at_ten):
    login_as(founder)  # en, Africa/Casablanca

    page = plain(client.get("/checkins").get_data(as_text=True))

    assert "Nov 27, 2026, 10:00 AM" in page and "9:00 AM" not in page and ":00:00" not in page
    feed = Calendar.from_ical(client.get(f"/calendar/{founder.calendar_token}.ics").data)
    [event] = feed.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start == NOVEMBER  # an instant (UTC), which every calendar shows at 10:00 in Casablanca
    assert start.astimezone(CASABLANCA).strftime("%H:%M") == "10:00"


def test_a_session_held_at_10_00_and_the_history_read_10_00(session, client, login_as, make_project, mentor,
                                                           manager, assign):
    project = make_project(name="Atlas Pay")
    project_services.fire_event(session, project, "advance", actor=manager, now=NOVEMBER, version=project.version,
                                comment="Jury of 27 November", override=True)
    session.commit()
    assign(project, mentor)
    client = login_as(mentor)  # en, Africa/Casablanca

    response = client.post(f"/projects/{project.id}/sessions/new", data={
        "held_at": "2026-11-27T10:00", "duration_minutes": "45", "summary": "Pricing.", "notes": ""})

    assert response.status_code == 303, response.get_data(as_text=True)
    sessions_page = plain(client.get(f"/projects/{project.id}/sessions").get_data(as_text=True))
    assert "Nov 27, 2026, 10:00 AM" in sessions_page and "9:00 AM" not in sessions_page
    history = plain(client.get(f"/projects/{project.id}/history").get_data(as_text=True))
    assert "11/27/26, 10:00 AM" in history and "9:00 AM" not in history

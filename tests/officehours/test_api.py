"""The office hours API: availability, slots, bookings (201, 409 when taken, by racing threads too), cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.officehours.models import Booking
from app.projects import services as project_services
from tests.officehours.conftest import EVERY_DAY

AVAILABILITY = {"timezone": "Africa/Casablanca", "slot_minutes": 30, "buffer_minutes": 0, "notice_hours": 24,
                "horizon_days": 14, "weekly_cap": None, "windows": EVERY_DAY, "exceptions": [{"date": "2030-01-07"}]}


def test_a_mentor_publishes_and_founders_of_their_stage_read_slots(api, mentor, founder, other_founder, manager,
                                                                    project):
    assert api(founder).put(f"/api/v1/mentors/{mentor.id}/availability", json=AVAILABILITY).status_code == 403
    response = api(mentor).put(f"/api/v1/mentors/{mentor.id}/availability", json=AVAILABILITY)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["windows"][0] == EVERY_DAY[0]
    bad = api(mentor).put(f"/api/v1/mentors/{mentor.id}/availability",
                          json={**AVAILABILITY, "windows": [{"weekday": 1, "start": "11:00", "end": "10:00"}]})
    assert bad.status_code == 422 and "windows.0.end" in bad.get_json()["errors"]

    today = dt.date.today()
    slots = api(founder).get(f"/api/v1/mentors/{mentor.id}/slots?from={today + dt.timedelta(days=3)}"
                             f"&to={today + dt.timedelta(days=3)}").get_json()["items"]
    assert len(slots) == 6 and slots[0]["starts_at"].endswith(("Z", "+00:00"))
    assert api(manager).get(f"/api/v1/mentors/{mentor.id}/slots").status_code == 200
    assert api(other_founder).get(f"/api/v1/mentors/{mentor.id}/slots").status_code == 403
    assert api(founder).get(f"/api/v1/mentors/{mentor.id}/slots?from=soon").status_code == 400


def test_book_then_409_then_cancel_and_list(api, session, mentor, founder, project, slot):
    body = {"mentor_id": mentor.id, "project_id": project.id, "starts_at": slot.starts_at.isoformat(),
            "topic": "Pricing"}
    created = api(founder).post("/api/v1/bookings", json=body)
    assert created.status_code == 201, created.get_json()
    booking = created.get_json()
    assert (booking["status"], booking["mentor"]["id"], booking["sequence"]) == ("booked", mentor.id, 0)

    taken = api(founder).post("/api/v1/bookings", json=body)
    assert taken.status_code == 409 and taken.get_json()["code"] == "slot_taken"
    assert api(mentor).post("/api/v1/bookings", json=body).status_code == 403

    listed = api(founder).get(f"/api/v1/bookings?project_id={project.id}&upcoming=1").get_json()
    assert [b["id"] for b in listed["items"]] == [booking["id"]]
    cancelled = api(mentor).post(f"/api/v1/bookings/{booking['id']}/cancel", json={"reason": "Ill"})
    assert cancelled.status_code == 200
    assert (cancelled.get_json()["status"], cancelled.get_json()["cancelled_by"]["id"]) == ("cancelled", mentor.id)


@pytest.mark.parametrize("attempt", range(2))
def test_two_founders_racing_for_one_slot_get_one_booking_and_one_409(app, api, session, make_user, mentor, project,
                                                                      slot, race, attempt):
    cofounder = make_user("founder")
    project_services.add_member(session, project, cofounder, now=slot.starts_at - dt.timedelta(days=2))
    session.commit()
    headers = [api(project.members[0].user).headers, api(cofounder).headers]
    body = {"mentor_id": mentor.id, "project_id": project.id, "starts_at": slot.starts_at.isoformat(),
            "topic": "Race"}

    def task(header):
        def send(go):
            client = app.test_client()
            go()
            response = client.post("/api/v1/bookings", json=body, headers=header)
            return response.status_code, response.get_json()
        return send

    results = race([task(h) for h in headers])

    assert sorted(status for status, _ in results) == [201, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "slot_taken" and loser["detail"]
    session.expire_all()
    assert session.scalar(select(func.count(Booking.id)).where(Booking.mentor_id == mentor.id)) == 1

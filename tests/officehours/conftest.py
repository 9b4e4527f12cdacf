"""Office hours fixtures: a mentor who publishes hours, assigned to the founder's project."""

from __future__ import annotations

import pytest

from app.officehours import services
from tests.outbox import settle

EVERY_DAY = [{"weekday": day, "start": "09:00", "end": "12:00", "place": "Room B2"} for day in range(7)]


def publish(session, mentor, now, **kw):
    data = services.AvailabilityInput(**{"timezone": "Africa/Casablanca", "slot_minutes": 30, "notice_hours": 24,
                                         "horizon_days": 14, "windows": EVERY_DAY, **kw})
    availability = services.update_availability(session, mentor, data, actor=mentor, now=now)
    session.commit()
    return availability


@pytest.fixture
def project(make_project, mentor, assign, session):
    """The founder's project with `mentor` assigned at its stage; the assignment's emails set aside."""
    record = make_project()
    assign(record, mentor)
    settle(session)
    return record


@pytest.fixture
def hours(session, mentor, now, project):
    return publish(session, mentor, now)


@pytest.fixture
def slot(session, mentor, now, hours):
    """The mentor's first free slot."""
    return services.free_slots(session, mentor.id, now=now)[0]


@pytest.fixture
def book(session, founder, mentor, project, now):
    def make(slot, *, actor=None, topic="Pricing"):
        booking = services.book_slot(session, actor=actor or founder, mentor=mentor, project=project,
                                     starts_at=slot.starts_at, topic=topic, now=now)
        session.commit()
        return booking

    return make

"""The scheduler's calls step: remind applicants with a draft that the call closes soon.

The notice goes once per draft (dedupe key), from `days` days before the call's last day, read
in the call's own time zone (the one its dates are in).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calls.models import Application
from app.calls.models import Call
from app.notifications.services import Message


def closing_messages(session: Session, *, now: dt.datetime, days: int) -> list[Message]:
    """`call_closing` to the applicant of each draft whose call closes within `days` days (its last day included)."""
    drafts = session.scalars(select(Application).join(Call, Call.id == Application.call_id).where(
        Application.status == "draft", Call.closes_at > now, Call.closes_at <= now + dt.timedelta(days=days + 1))
        .order_by(Application.id))
    messages = []
    for application in drafts:
        call = application.call
        left = (call.closes_on - now.astimezone(ZoneInfo(call.timezone)).date()).days
        if left > days:
            continue
        params = {"call": call.title, "call_id": call.id, "title": application.title,
                  "application_id": application.id, "closes_on": call.closes_on.isoformat(), "days_left": left}
        messages.append(Message(user=application.applicant, kind="call_closing", params=params,
                                link=f"/applications/{application.id}",
                                dedupe_key=f"call:{call.id}:closing:{application.id}"))
    return messages

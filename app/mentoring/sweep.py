"""The scheduler's mentoring step: tell who must act that an action item is due tomorrow.

"Tomorrow" is read in each recipient's time zone; the dedupe key (item, person) makes the
notice go once whatever the number of sweeps, and `queue()` skips what it queued before.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.mentoring.models import ActionItem
from app.notifications.services import Message
from app.projects.models import Project
from app.projects.models import ProjectMember

FALLBACK_ZONE = "Africa/Casablanca"


def _today(now: dt.datetime, zone_name: str | None) -> dt.date:
    try:
        return now.astimezone(ZoneInfo(zone_name or FALLBACK_ZONE)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(ZoneInfo(FALLBACK_ZONE)).date()


def due_tomorrow_messages(session: Session, *, now: dt.datetime) -> list[Message]:
    """`action_item_due` for each open item due tomorrow: to its owner, or to the founders if nobody owns it."""
    utc_today = now.astimezone(dt.UTC).date()
    # Tomorrow somewhere on Earth is between today and the day after tomorrow in UTC.
    items = list(session.scalars(select(ActionItem).where(
        ActionItem.is_done.is_(False), ActionItem.due_on.between(utc_today, utc_today + dt.timedelta(days=2)))
        .order_by(ActionItem.id)))
    if not items:
        return []
    project_ids = {i.project_id for i in items}
    names = dict(session.execute(select(Project.id, Project.name).where(Project.id.in_(project_ids))).all())
    founders: dict[int, list[User]] = defaultdict(list)
    if any(i.owner_id is None for i in items):
        for member in session.scalars(select(ProjectMember).where(ProjectMember.project_id.in_(project_ids))):
            founders[member.project_id].append(member.user)
    messages = []
    for item in items:
        params = {"project": names[item.project_id], "project_id": item.project_id, "title": item.title,
                  "due_on": item.due_on.isoformat(), "action_item_id": item.id}
        for person in [item.owner] if item.owner else founders[item.project_id]:
            if _today(now, person.timezone) + dt.timedelta(days=1) == item.due_on:
                messages.append(Message(user=person, kind="action_item_due", params=params,
                                        link=f"/projects/{item.project_id}/sessions",
                                        dedupe_key=f"action_item:{item.id}:due:{person.id}"))
    return messages

"""The daily digest: the emails held for a person, listed in one email once a local day.

Exactly once per person and local date, whatever runs at once, decided by the database:
1. a person is claimed for their local date by an UPDATE … WHERE `digest_sent_on` is older
   (two sweeps cannot both claim the same person for the same day);
2. their held emails are claimed by an UPDATE … WHERE status = 'held' (each is listed once);
3. the digest goes through the outbox under the key `digest:<user>:<local date>` (unique).
The caller commits once after; nothing is sent for a person whose held emails are gone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.notifications.models import OutgoingEmail
from app.notifications.services import Renderer
from app.notifications.services import queue_email

FALLBACK_ZONE = "Africa/Casablanca"


@dataclass(frozen=True)
class Digest:
    """One person's digest of the day: the held emails it lists."""

    user: User
    day: dt.date
    entries: list[OutgoingEmail]

    @property
    def dedupe_key(self) -> str:
        return f"digest:{self.user.id}:{self.day.isoformat()}"


def _local(now: dt.datetime, name: str | None) -> dt.datetime:
    try:
        return now.astimezone(ZoneInfo(name or FALLBACK_ZONE))
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(ZoneInfo(FALLBACK_ZONE))


def claim_digests(session: Session, *, now: dt.datetime, hour: int) -> list[Digest]:
    """Claim the digests due at `now` (from `hour` o'clock local time) with the emails they list."""
    people = list(session.scalars(select(User).where(User.is_disabled.is_(False), User.id.in_(
        select(OutgoingEmail.to_user_id).where(OutgoingEmail.status == "held")))))
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for person in people:
        local = _local(now, person.timezone)
        if local.hour >= hour and person.digest_sent_on != local.date():
            by_day[local.date()].append(person.id)
    claimed: dict[int, dt.date] = {}
    for day, ids in by_day.items():
        won = session.scalars(update(User).where(User.id.in_(ids), or_(User.digest_sent_on.is_(None),
                                                                       User.digest_sent_on < day))
                              .values(digest_sent_on=day).returning(User.id)
                              .execution_options(synchronize_session=False))
        claimed.update({user_id: day for user_id in won})
    if not claimed:
        return []
    entries = session.scalars(update(OutgoingEmail).where(OutgoingEmail.to_user_id.in_(claimed),
                                                          OutgoingEmail.status == "held",
                                                          OutgoingEmail.created_at <= now)
                              .values(status="digested").returning(OutgoingEmail)
                              .execution_options(synchronize_session=False))
    listed: dict[int, list[OutgoingEmail]] = defaultdict(list)
    for entry in entries:
        listed[entry.to_user_id].append(entry)
    found = {person.id: person for person in people}
    return [Digest(found[user_id], claimed[user_id], sorted(rows, key=lambda e: (e.created_at, e.id)))
            for user_id, rows in sorted(listed.items())]


def queue_digests(session: Session, digests: list[Digest], render: Renderer, *, base_url: str,
                  now: dt.datetime) -> int:
    """Queue each digest email in its reader's language; return how many were queued."""
    queued = 0
    for digest in digests:
        params = {"count": len(digest.entries), "day": digest.day.isoformat(), "link": f"{base_url}/notifications",
                  "entries": [{"subject": e.subject, "link": base_url + e.link if e.link else ""}
                              for e in digest.entries]}
        subject, body = render("digest", digest.user, params)
        queued += queue_email(session, user=digest.user, subject=subject, body=body,
                              dedupe_key=digest.dedupe_key, now=now)
    return queued

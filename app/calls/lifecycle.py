"""A published call's life, run by managers: edited while a draft (not open yet), then extended,
closed early or withdrawn once open. Each change is a `CallEvent` (who, when, why); the boundary
tells the applicants who hold a draft (`app.calls.notify.call_changed_messages`).

Domain code like `services.py`: permissions checked here, add and flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.calls import permissions
from app.calls.models import Call
from app.calls.models import CallEvent
from app.calls.models import CallPole
from app.calls.services import CriterionInput
from app.calls.services import QuestionInput
from app.calls.services import check_call_fields
from app.calls.services import criterion_rows
from app.calls.services import question_rows
from app.calls.services import start_of
from app.core.errors import ConcurrentEdit
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.i18n import _l

REASON_MAX = 2000


def _require_manager(actor: User) -> None:
    if not permissions.can_manage_calls(actor):
        raise Forbidden(_l("Only managers run calls for projects."))


def _check_version(call: Call, version: int | None) -> None:
    if version is not None and version != call.version:
        raise ConcurrentEdit(_l("This call was changed elsewhere (version %(current)s, yours %(yours)s). "
                                "Reload it and try again.", current=call.version, yours=version))


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise ConcurrentEdit(_l("This call was changed elsewhere. Reload it and try again.")) from None


def _record(session: Session, call: Call, kind: str, *, actor: User, now: dt.datetime, reason: str = "",
            before: dt.date | None = None, after: dt.date | None = None) -> CallEvent:
    event = CallEvent(call_id=call.id, kind=kind, actor_id=actor.id, at=now, reason=reason.strip(),
                      closes_on_before=before, closes_on_after=after)
    call.events.append(event)
    _flush(session)
    return event


def _check_reason(reason: str, *, required: bool) -> None:
    if required and not reason.strip():
        raise ValidationFailed(_l("Say why: the applicants read it."), reason=[_l("Say why: the applicants read it.")])
    if len(reason) > REASON_MAX:
        message = _l("At most %(n)s characters (%(length)s now).", n=REASON_MAX, length=len(reason))
        raise ValidationFailed(message, reason=[message])


def grid_of(call: Call) -> tuple[list[CriterionInput], list[QuestionInput]]:
    """The call's grid and questions as inputs (to change some fields and keep the rest)."""
    return ([CriterionInput(c.key, c.title, c.weight, tuple(c.descriptors), c.help_text) for c in call.criteria],
            [QuestionInput(q["key"], q["text"], q.get("kind", "long_text"), q.get("help", ""),
                           tuple(q.get("options", []))) for q in call.questions])


def update_call(session: Session, call: Call, *, actor: User, now: dt.datetime, version: int | None, title: str,
                description: str, poles: list[str], opens_on: dt.date, closes_on: dt.date,
                criteria: list[CriterionInput], questions: list[QuestionInput], workflow: str, stage: str,
                requires_deck: bool = True) -> Call:
    """Change a draft call (not open yet): everything can change, nobody has applied."""
    _require_manager(actor)
    _check_version(call, version)
    if call.status(now) != "draft":
        raise ValidationFailed(_l("Only a call that is not open yet can be edited: extend, close or withdraw it "
                                  "instead."), status=[call.status(now)])
    zone = ZoneInfo(call.timezone)
    errors = check_call_fields(session, title=title, description=description, poles=poles, opens_on=opens_on,
                               closes_on=closes_on, workflow=workflow, stage=stage, timezone=call.timezone,
                               today=now.astimezone(zone).date(), criteria=criteria, questions=questions)
    if errors:
        raise ValidationFailed(_l("The call has invalid fields."), **errors)
    call.title, call.description = title.strip(), description.strip()
    call.opens_on, call.closes_on = opens_on, closes_on
    call.opens_at, call.closes_at = start_of(opens_on, zone), start_of(closes_on + dt.timedelta(days=1), zone)
    call.workflow_key, call.stage, call.requires_deck = workflow, stage, requires_deck
    call.questions = question_rows(questions)
    call.criteria = criterion_rows(call, criteria)
    wanted = list(dict.fromkeys(poles))
    call.poles = [p for p in call.poles if p.pole_key in wanted] + [
        CallPole(pole_key=p) for p in wanted if p not in call.pole_keys]
    _record(session, call, "edited", actor=actor, now=now)
    return call


def extend_call(session: Session, call: Call, *, actor: User, now: dt.datetime, closes_on: dt.date,
                reason: str = "", version: int | None = None) -> CallEvent:
    """Move an open call's last day later."""
    _require_manager(actor)
    _check_version(call, version)
    if call.status(now) != "open":
        raise ValidationFailed(_l("Only an open call can be extended."), status=[call.status(now)])
    _check_reason(reason, required=False)
    if closes_on <= call.closes_on:
        message = _l("The new closing date must be later than the current one.")
        raise ValidationFailed(message, closes_on=[message])
    before = call.closes_on
    call.closes_on = closes_on
    call.closes_at = start_of(closes_on + dt.timedelta(days=1), ZoneInfo(call.timezone))
    return _record(session, call, "extended", actor=actor, now=now, reason=reason, before=before, after=closes_on)


def close_call(session: Session, call: Call, *, actor: User, now: dt.datetime, reason: str,
               version: int | None = None) -> CallEvent:
    """Close an open call now, before its last day: drafts can no longer be submitted."""
    _require_manager(actor)
    _check_version(call, version)
    if call.status(now) != "open":
        raise ValidationFailed(_l("Only an open call can be closed early."), status=[call.status(now)])
    _check_reason(reason, required=True)
    before = call.closes_on
    call.closes_on = max(now.astimezone(ZoneInfo(call.timezone)).date(), call.opens_on)
    call.closes_at = max(now, call.opens_at + dt.timedelta(seconds=1))
    return _record(session, call, "closed", actor=actor, now=now, reason=reason, before=before,
                   after=call.closes_on)


def withdraw_call(session: Session, call: Call, *, actor: User, now: dt.datetime, reason: str,
                  version: int | None = None) -> CallEvent:
    """Withdraw a draft or open call: it takes no more applications and leaves the public list."""
    _require_manager(actor)
    _check_version(call, version)
    if call.status(now) not in ("draft", "open"):
        raise ValidationFailed(_l("Only a call that is open or not open yet can be withdrawn."),
                               status=[call.status(now)])
    _check_reason(reason, required=True)
    call.withdrawn_at = now
    return _record(session, call, "withdrawn", actor=actor, now=now, reason=reason)

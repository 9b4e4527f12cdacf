"""Writes on cohorts: create one, change its name, programme, dates or demo day (managers).

A project's own cohort is set with the project (`app.projects.services.update_project`), and a
call's label puts its projects in the call's cohort (`Placement.cohort_id`). Services add and
flush, never commit: the boundary commits once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import User
from app.cohorts import permissions
from app.cohorts import queries
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import NotFound
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.projects.models import Cohort
from app.workflow.catalog import catalog_of

NAME_MAX = 120
#: The longest a cohort may run: a programme of three years at most.
LONGEST = dt.timedelta(days=3 * 366)
#: Dates are of this century's programmes (a typo such as 0202 is refused, not stored).
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class CohortInput:
    """A cohort's fields, as a form or the API gives them."""

    name: str
    workflow: str
    starts_on: dt.date
    ends_on: dt.date
    demo_day: dt.date | None = None


def check_cohort(session: Session, data: CohortInput) -> CohortInput:
    """Validate a cohort's fields; raise `ValidationFailed` naming each bad field."""
    errors: dict[str, list] = {}
    name = (data.name or "").strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = [_l("A name of 1 to %(n)s characters is required.", n=NAME_MAX)]
    try:
        catalog_of(session).latest(data.workflow or "")
    except NotFound:
        errors["workflow"] = [_l("Unknown path “%(workflow)s”.", workflow=data.workflow)]
    for field in ("starts_on", "ends_on", "demo_day"):
        day = getattr(data, field)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[field] = [_l("Choose a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)]
    if "starts_on" not in errors and "ends_on" not in errors:
        if data.ends_on < data.starts_on:
            errors["ends_on"] = [_l("The cohort cannot end before it starts.")]
        elif data.ends_on - data.starts_on > LONGEST:
            errors["ends_on"] = [_l("A cohort runs for three years at most.")]
        elif "demo_day" not in errors and data.demo_day is not None and not (
                data.starts_on <= data.demo_day <= data.ends_on):
            errors["demo_day"] = [_l("The demo day falls between the cohort's start and end.")]
    if errors:
        raise ValidationFailed(_l("The cohort has invalid fields."), **errors)
    return CohortInput(name, data.workflow, data.starts_on, data.ends_on, data.demo_day)


def create_cohort(session: Session, data: CohortInput, *, actor: User, now: dt.datetime) -> Cohort:
    """Create a cohort (managers).

    :raises Conflict: another cohort has this name.
    """
    if not permissions.can_manage_cohorts(actor):
        raise Forbidden(_l("Only managers create cohorts."))
    data = check_cohort(session, data)
    cohort = Cohort(name=data.name, workflow_key=data.workflow, starts_on=data.starts_on, ends_on=data.ends_on,
                    demo_day=data.demo_day, created_at=now)
    _flush_unique(session, cohort, data.name)
    return cohort


def update_cohort(session: Session, cohort: Cohort, data: CohortInput, *, actor: User) -> Cohort:
    """Change a cohort (managers); its path stays while projects or calls are in it."""
    if not permissions.can_manage_cohorts(actor):
        raise Forbidden(_l("Only managers change cohorts."))
    data = check_cohort(session, data)
    if data.workflow != cohort.workflow_key and queries.is_used(session, cohort):
        message = _l("Projects or calls are in this cohort: its path stays “%(workflow)s”.",
                     workflow=cohort.workflow_key)
        raise ValidationFailed(_l("The cohort has invalid fields."), workflow=[message])
    cohort.name, cohort.workflow_key = data.name, data.workflow
    cohort.starts_on, cohort.ends_on, cohort.demo_day = data.starts_on, data.ends_on, data.demo_day
    _flush_unique(session, cohort, data.name)
    return cohort


def _flush_unique(session: Session, cohort: Cohort, name: str) -> None:
    """Flush the cohort; its name is unique (a database constraint, so two managers at once cannot both take it)."""
    try:
        with session.begin_nested():
            session.add(cohort)
    except IntegrityError:
        raise _name_taken(name) from None


def _name_taken(name: str) -> Conflict:
    return Conflict(_l("A cohort named “%(name)s” already exists.", name=name), name=[_l("Already taken.")])

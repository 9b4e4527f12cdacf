"""Request and response shapes of cohorts (kept apart from `schemas.py`, already long)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from pydantic import Field

from app.api.schemas import Page
from app.api.schemas import Strict
from app.cohorts.services import NAME_MAX


class CohortIn(Strict):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    workflow: str = Field(max_length=64, description="The programme: a workflow's key (GET /workflows); only "
                                                     "projects of this workflow join the cohort.")
    starts_on: dt.date
    ends_on: dt.date = Field(description="On or after `starts_on`, at most three years later.")
    demo_day: dt.date | None = Field(default=None, description="Between `starts_on` and `ends_on`.")


class CohortPatch(Strict):
    """The fields to change; the others stay."""

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    workflow: str | None = Field(default=None, max_length=64)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    demo_day: dt.date | None = Field(default=None, description="null takes the demo day away.")


class CohortOut(BaseModel):
    id: int
    name: str
    workflow: str
    starts_on: dt.date
    ends_on: dt.date
    demo_day: dt.date | None
    created_at: dt.datetime
    #: Projects in the cohort.
    project_count: int


class CohortPage(Page):
    items: list[CohortOut]

"""The one seam through which areas add their part to a project's pages.

The project page (projects.views) shows mentoring, readiness, KPIs, partners and the call's label,
but imports none of those areas: each area's blueprint provides its panel when it is registered
(`provide(bp, "mentoring", builder)`), and the page asks for it by name (`build("mentoring", ...)`).
The registry is the app's own (`app.extensions`), so two apps in one process never share one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint
from flask import current_app
from sqlalchemy.orm import Session

from app.auth.models import User
from app.projects.models import Project

EXTENSION = "parcours.project_panels"


@dataclass(frozen=True)
class PanelRequest:
    """What every panel may need: the project, its reader and their relations to it, the time, and
    how many of the latest rows a list shows (None: all)."""

    session: Session
    project: Project
    user: User
    relations: frozenset[str]
    now: dt.datetime
    shown: int | None = None


Builder = Callable[[PanelRequest], Any]


def provide(bp: Blueprint, name: str, builder: Builder) -> None:
    """Register `builder` as the panel `name` on every app `bp` is registered with."""
    bp.record_once(lambda state: state.app.extensions.setdefault(EXTENSION, {}).__setitem__(name, builder))


def build(name: str, request: PanelRequest) -> Any:
    """The panel `name`, built by the area that provides it."""
    return current_app.extensions[EXTENSION][name](request)

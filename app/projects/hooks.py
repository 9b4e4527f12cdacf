"""What other areas add to a project's rules, without the projects area importing them.

Mentoring, check-ins and the cluster sit above projects (their rows point at projects, their
services read projects), so projects cannot call them back without a circle. Instead they
subscribe here when the app is wired (`app.areas.connect`, called by `create_app`):

- `see_also`: who else sees a project (a mentor assigned to it, a commission member of its pole),
  and `holds_role`: the roles the project's pages and events check (`assigned_mentor`, `commission`),
  as SQL conditions on a `Link`'s bound parameters (built once, whoever asks about whichever project);
- `list_assignments`: the project's active mentor assignments (the gates count the stage's mentors);
- `end_assignments`: a stage or the project ends, so do its stage's assignments;
- `after_event`: what follows a workflow event (check-ins are re-planned), in subscription order.

Subscribing the same function twice keeps it once, so several apps in one process share the same
rules rather than pile them up. Without a subscriber, a project is seen by its members and managers
only, has no mentor and nothing follows its events: the rules fail closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter
from sqlalchemy import ColumnElement
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import bindparam
from sqlalchemy.orm import Session

from app.auth.models import User
from app.projects.models import Project


@dataclass(frozen=True)
class EventFired:
    """A workflow event was applied to `project` (already flushed): where it came from."""

    project: Project
    from_stage: str
    from_status: str
    now: dt.datetime


#: user -> SQL condition on `Project`: the projects this rule lets the user see.
Visibility = Callable[[User], ColumnElement[bool]]


@dataclass(frozen=True)
class Link:
    """A project and a user, as the SQL parameters a role condition compares with (`LINK`): the
    condition is built once, and `link_values` gives the values of each question."""

    project_id: BindParameter[int]
    stage: BindParameter[str]
    pole_key: BindParameter[str]
    user_id: BindParameter[int]


LINK = Link(project_id=bindparam("link_project_id", type_=Integer), stage=bindparam("link_stage", type_=String),
            pole_key=bindparam("link_pole_key", type_=String), user_id=bindparam("link_user_id", type_=Integer))


def link_values(project: Project, user: User) -> dict[str, Any]:
    """The values of `LINK`'s parameters for `user` on `project`."""
    return {"link_project_id": project.id, "link_stage": project.stage, "link_pole_key": project.pole_key,
            "link_user_id": user.id}


#: link -> SQL condition: the link's user holds the role on the link's project.
RoleCondition = Callable[[Link], ColumnElement[bool]]


@dataclass
class _Rules:
    visibility: list[Visibility]
    roles: dict[str, RoleCondition]
    assignments: list[Callable[[Session, Project], list[Any]]]
    enders: list[Callable[[Session, Project, dt.datetime, str], None]]
    followers: list[Callable[[Session, EventFired], None]]


_rules = _Rules(visibility=[], roles={}, assignments=[], enders=[], followers=[])


def _keep(functions: list, function) -> None:
    if function not in functions:
        functions.append(function)


def see_also(rule: Visibility) -> None:
    _keep(_rules.visibility, rule)


def holds_role(role: str, condition: RoleCondition) -> None:
    _rules.roles[role] = condition


def list_assignments_with(provider: Callable[[Session, Project], list[Any]]) -> None:
    _keep(_rules.assignments, provider)


def end_assignments_with(ender: Callable[[Session, Project, dt.datetime, str], None]) -> None:
    _keep(_rules.enders, ender)


def after_event(follower: Callable[[Session, EventFired], None]) -> None:
    _keep(_rules.followers, follower)


def visibility_rules(user: User) -> list[ColumnElement[bool]]:
    return [rule(user) for rule in _rules.visibility]


def role_rules() -> tuple[tuple[str, RoleCondition], ...]:
    """The roles other areas hold on projects, each with its condition (called on `LINK`; give
    `link_values` when executing it)."""
    return tuple(_rules.roles.items())


def list_assignments(session: Session, project: Project) -> list[Any]:
    """The project's active mentor assignments (objects with `stage`, `mentor`), oldest first."""
    return [a for provider in _rules.assignments for a in provider(session, project)]


def end_assignments(session: Session, project: Project, now: dt.datetime, reason: str) -> None:
    for ender in _rules.enders:
        ender(session, project, now, reason)


def event_fired(session: Session, event: EventFired) -> None:
    for follower in _rules.followers:
        follower(session, event)

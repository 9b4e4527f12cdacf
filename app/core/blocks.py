"""Blocks a higher area adds to a lower area's page, asked for by name.

Like `app/projects/panels.py` for a project's pages, but for any page: the mentees page
(mentoring) and the projects list (projects) show what waits for their reader, which the
attention area computes above them. The area's blueprint provides the block when it is
registered (`provide(bp, "attention", builder)`); the page asks for it (`build("attention", …)`)
and gets None when no area provides it. The registry is the app's own (`app.extensions`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask import current_app

EXTENSION = "parcours.page_blocks"


def provide(bp: Blueprint, name: str, builder: Callable[..., Any]) -> None:
    """Register `builder` as the block `name` on every app `bp` is registered with."""
    bp.record_once(lambda state: state.app.extensions.setdefault(EXTENSION, {}).__setitem__(name, builder))


def build(name: str, *args: Any, **kwargs: Any) -> Any:
    """The block `name` built by the area that provides it, or None."""
    builder = current_app.extensions.get(EXTENSION, {}).get(name)
    return builder(*args, **kwargs) if builder is not None else None

"""`/cockpit`: a manager's first screen (what waits today above the portfolio's tiles and board),
and the attention block the mentees page and the projects list show their reader."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import Session

from app.attention.queries import Kind
from app.attention.queries import attention
from app.auth.decorators import role_required
from app.auth.models import User
from app.core import blocks
from app.core.dates import format_date
from app.core.time import utcnow
from app.extensions import db
from app.pipeline.queries import Filters
from app.pipeline.queries import pipeline
from app.projects import queries as project_queries
from app.workflow.catalog import catalog_of
from app.workflow.definition import STATUSES

bp = Blueprint("attention", __name__)


def attention_block(session: Session, user: User, now: dt.datetime) -> list[Kind]:
    """What waits for `user`, for another area's page (see `app.core.blocks`)."""
    return attention(session, user, now=now)


blocks.provide(bp, "attention", attention_block)
bp.add_app_template_filter(lambda value: format_date(value) if value else "", "day")


@bp.get("/cockpit")
@role_required("manager")
def cockpit():
    now = utcnow()
    figures = pipeline(db.session, Filters(), now=now, mentor_rows=0, stalled_list=False)  # neither is shown
    default = current_app.config["DEFAULT_WORKFLOW"]
    return render_template(
        "attention/cockpit.html", kinds=attention(db.session, current_user, now=now), p=figures,
        board_workflows=sorted(figures.workflows, key=lambda key: key != default),  # the default path first
        workflows=catalog_of(db.session).all_latest(), statuses=STATUSES, filters=Filters(),
        poles={p.key: p.name for p in project_queries.list_poles(db.session)},
        membership_target=current_app.config["MEMBERSHIP_TARGET"])

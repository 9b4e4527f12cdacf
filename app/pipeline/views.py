"""`/pipeline`: the managers' view of the whole portfolio, and its exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import render_template
from flask import request
from flask import stream_with_context
from flask_babel import format_percent
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.auth.decorators import role_required
from app.core.bidi import right_to_left
from app.core.dates import reader_zone
from app.core.i18n import current_language
from app.core.time import utcnow
from app.extensions import db
from app.pipeline import charts
from app.pipeline import exports
from app.pipeline.filters import filters_from
from app.pipeline.queries import mentor_filter
from app.pipeline.queries import pipeline
from app.pipeline.roster import iter_roster
from app.projects import queries as project_queries
from app.projects.params import list_filters
from app.projects.params import list_sort
from app.workflow.catalog import catalog_of
from app.workflow.definition import STATUSES

bp = Blueprint("pipeline", __name__)
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/pipeline")
@role_required("manager")
def index():
    filters = filters_from(request.args)
    mentor = mentor_filter(db.session, filters.mentor, request.args.get("mentor_name", ""))
    filters = replace(filters, mentor=mentor.mentor_id)
    figures = pipeline(db.session, filters, now=utcnow())
    poles = {p.key: p.name for p in project_queries.list_poles(db.session)}
    return render_template(
        "pipeline/index.html", p=figures, filters=filters, poles=poles, workflows=catalog_of(db.session).all_latest(),
        statuses=STATUSES, mentor=mentor, cohorts=project_queries.list_cohorts(db.session),
        charts=_charts(figures, poles),
        membership_target=current_app.config["MEMBERSHIP_TARGET"],
    )


def _charts(figures, poles: dict[str, str]) -> dict:
    result = {}
    for workflow in figures.workflows:
        stages = figures.stages_of(workflow)
        labels = [s.label for s in stages]
        result[workflow] = {
            "by_pole": charts.stacked_bars(
                chart_id=f"poles-{workflow}", title=_("Projects by stage and pole"),
                description=_("For each stage, the number of projects, split by pole."), categories=labels,
                series=[charts.Series(poles.get(pole, pole), tuple(s.by_pole.get(pole, 0) for s in stages))
                        for pole in figures.poles],
                x_label=_("Projects"), y_label=_("Stage")),
            "funnel": charts.bars(
                chart_id=f"funnel-{workflow}", title=_("Funnel: projects that reached each stage"),
                description=_("How many projects ever reached each stage, and the share of the previous stage."),
                categories=labels, values=[s.reached for s in stages],
                value_labels=[f"{s.reached}" + (f" ({format_percent(s.conversion)})"
                                                if s.conversion is not None else "") for s in stages],
                x_label=_("Projects"), y_label=_("Stage")),
        }
    return result


def _export_tables():
    figures = pipeline(db.session, filters_from(request.args), now=utcnow(), mentor_rows=None)  # every mentor
    labels = {"stages": _("Stages"), "by_pole": _("By pole"), "stalled": _("Stalled projects"),
              "mentors": _("Mentor load"), "poles": {p.key: p.name for p in project_queries.list_poles(db.session)}}
    paths = {d.key: d.label for d in catalog_of(db.session).all_latest()}
    return exports.tables(figures, labels, paths)


def _formatting_locale() -> str:
    """The Babel locale that writes the reader's numbers ("fr", "en", Arabic's "ar_MA")."""
    return str(get_locale() or current_language())


def _dialect() -> exports.Dialect:
    """The reader's CSV dialect; `?sep=comma|semicolon` overrides the one their locale implies."""
    return exports.Dialect.of(_formatting_locale(), request.args.get("sep"))


def _attachment(response: Response, name: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/pipeline.csv")
@role_required("manager")
def export_csv():
    return _attachment(Response(exports.to_csv(_export_tables(), _dialect()), content_type=CSV), "pipeline.csv")


@bp.get("/pipeline.xlsx")
@role_required("manager")
def export_xlsx():
    body = exports.to_xlsx(_export_tables(), right_to_left=right_to_left(get_locale()))
    return _attachment(Response(body, mimetype=XLSX), "pipeline.xlsx")


def _roster() -> tuple[list[str], Iterator[list]]:
    """The header and the rows of the projects list the reader sees, with the list's filters and sort."""
    stmt = project_queries.select_projects(current_user, list_filters(request.args), list_sort(request.args))
    language, zone = _formatting_locale(), reader_zone()
    rows = (exports.roster_values(row, language, zone) for row in iter_roster(db.session, stmt, now=utcnow()))
    return exports.roster_header(), rows


@bp.get("/projects.csv")
@login_required
def projects_csv():
    """Streamed: 50,000 projects are written chunk by chunk, never held whole."""
    header, rows = _roster()
    dialect = _dialect()
    body = stream_with_context(exports.stream_csv([("", header, rows)], dialect, titles=False))
    return _attachment(Response(body, content_type=CSV), "projects.csv")


@bp.get("/projects.xlsx")
@login_required
def projects_xlsx():
    header, rows = _roster()
    # Write-only mode streams the rows into the compressed file; what is held is the file, not the rows.
    body = exports.to_xlsx([(_("Projects"), header, rows)], right_to_left=right_to_left(get_locale()))
    return _attachment(Response(body, mimetype=XLSX), "projects.xlsx")

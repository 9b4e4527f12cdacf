"""`/pipeline`: the managers' view of the whole portfolio, and its exports."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import format_percent
from flask_babel import gettext as _

from app.auth.decorators import role_required
from app.core.time import utcnow
from app.extensions import db
from app.pipeline import charts
from app.pipeline import exports
from app.pipeline.filters import filters_from
from app.pipeline.queries import mentor_choices
from app.pipeline.queries import pipeline
from app.projects import queries as project_queries
from app.workflow.catalog import catalog_of
from app.workflow.definition import STATUSES

bp = Blueprint("pipeline", __name__)


@bp.get("/pipeline")
@role_required("manager")
def index():
    filters = filters_from(request.args)
    figures = pipeline(db.session, filters, now=utcnow())
    poles = {p.key: p.name for p in project_queries.list_poles(db.session)}
    return render_template(
        "pipeline/index.html", p=figures, filters=filters, poles=poles, workflows=catalog_of(db.session).all_latest(),
        statuses=STATUSES, mentors=mentor_choices(db.session), cohorts=project_queries.list_cohorts(db.session),
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
                value_labels=[f"{s.reached}" + (f" ({format_percent(s.conversion)})" if s.conversion is not None else "")
                              for s in stages],
                x_label=_("Projects"), y_label=_("Stage")),
        }
    return result


def _export_tables():
    figures = pipeline(db.session, filters_from(request.args), now=utcnow(), mentor_rows=None)  # every mentor
    labels = {"stages": _("Stages"), "by_pole": _("By pole"), "stalled": _("Stalled projects"),
              "mentors": _("Mentor load")}
    return exports.tables(figures, labels)


@bp.get("/pipeline.csv")
@role_required("manager")
def export_csv():
    response = Response(exports.to_csv(_export_tables()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="pipeline.csv"'
    return response


@bp.get("/pipeline.xlsx")
@role_required("manager")
def export_xlsx():
    response = Response(exports.to_xlsx(_export_tables()),
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = 'attachment; filename="pipeline.xlsx"'
    return response

"""`/reports/funders`: the funders' report as a page, an XLSX workbook and a PDF, in French or English."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import gettext as _

from app.auth.decorators import role_required
from app.core.bidi import right_to_left
from app.core.branding import branding
from app.core.dates import format_date
from app.core.i18n import current_language
from app.core.i18n import in_language
from app.core.time import utcnow
from app.extensions import db
from app.impact import charts as impact_charts
from app.impact import pdf
from app.impact import tables
from app.impact.filters import BadFilters
from app.impact.filters import parse_filters
from app.impact.queries import FundersReport
from app.impact.queries import funders_report
from app.pipeline.exports import to_xlsx
from app.projects import queries as project_queries

bp = Blueprint("impact", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def compute() -> FundersReport:
    """The report for the query string's period and filters (400 on a malformed one)."""
    try:
        filters = parse_filters(request.args, today=utcnow().date())
    except BadFilters as exc:
        abort(400, str(exc))
    return funders_report(db.session, filters, members_target=current_app.config["MEMBERSHIP_TARGET"])


def language() -> str:
    """`?lang=fr|en` for the downloads; the reader's language otherwise."""
    lang = request.args.get("lang") or current_language()
    if lang not in current_app.config["LANGUAGES"]:
        abort(400, _("Unknown language."))
    return lang


@bp.get("/reports/funders")
@role_required("manager")
def funders():
    report = compute()
    poles = {p.key: p.name for p in project_queries.list_poles(db.session)}
    drawn = [(chart, impact_charts.svg(chart)) for chart in impact_charts.funder_charts(report)]
    cohorts = project_queries.list_cohorts(db.session)
    return render_template("impact/funders.html", r=report, sections=tables.sections(report), poles=poles,
                           charts=drawn, text=tables.text, languages=current_app.config["LANGUAGES"],
                           cohorts=cohorts, cohort_name=cohort_name(report.filters.cohort))


@bp.get("/reports/funders.xlsx")
@role_required("manager")
def funders_xlsx():
    lang = language()
    with in_language(lang):  # labels of stages and figures too, so compute inside
        report = compute()
        body = to_xlsx(tables.sections(report), right_to_left=right_to_left(lang))
    return _download(body, XLSX, report, "xlsx")


@bp.get("/reports/funders.pdf")
@role_required("manager")
def funders_pdf():
    lang = language()
    with in_language(lang):
        report = compute()
        brand = branding(current_app.config)
        body = pdf.render(title=_("Funders' report"), subtitle=subtitle(report), tables=tables.sections(report),
                          footer=_("%(cluster)s · generated on %(date)s", cluster=brand.name,
                                   date=format_date(utcnow(), "long")),
                          language=lang, charts=impact_charts.funder_charts(report), brand=brand)
    return _download(body, "application/pdf", report, "pdf")


def subtitle(report: FundersReport) -> list[str]:
    """The period and the filters, in words."""
    f = report.filters
    lines = [_("Period: %(start)s to %(end)s", start=format_date(f.start, "long"), end=format_date(f.end, "long"))]
    if f.pole:
        pole = project_queries.get_pole(db.session, f.pole)
        lines.append(_("Pole: %(pole)s", pole=pole.name if pole else f.pole))
    if f.cohort:
        lines.append(_("Cohort: %(name)s", name=cohort_name(f.cohort)))
    return lines


def cohort_name(cohort_id: int | None) -> str:
    """The name of the report's cohort (its number when no cohort has it)."""
    if cohort_id is None:
        return ""
    cohort = project_queries.get_cohort(db.session, cohort_id)
    return cohort.name if cohort else f"#{cohort_id}"


def _download(body: bytes, mimetype: str, report: FundersReport, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    name = f"funders-report-{report.filters.start.isoformat()}-{report.filters.end.isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

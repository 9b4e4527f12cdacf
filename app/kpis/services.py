"""Writes on KPI reports: submitting figures and correcting them with a trail (add + flush, never commit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.core.errors import ConcurrentEdit
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.kpis import permissions
from app.kpis import queries
from app.kpis.models import KpiReport
from app.kpis.models import KpiValue
from app.kpis.models import KpiValueChange
from app.projects import queries as project_queries
from app.workflow.definition import Metric

REASON_MAX = 1000
#: Larger figures are a typo, not a start-up's month.
VALUE_MAX = Decimal("1e15")


@dataclass(frozen=True)
class ValueInput:
    """A figure as given: a number (or its text) and, optionally, the unit the giver meant."""

    value: object
    unit: str | None = None


def ensure_can_submit(session: Session, report: KpiReport, actor: User) -> None:
    """Refuse someone who may not give this report's figures (the API asks before reading a body)."""
    if not permissions.can_submit(project_queries.relations(session, report.project, actor)):
        raise Forbidden(_l("Only the project's founders and managers give its figures."))


def submit_report(session: Session, report: KpiReport, *, actor: User, now: dt.datetime,
                  values: Mapping[str, ValueInput], reason: str = "", version: int | None = None) -> KpiReport:
    """Give a report's figures (every metric, the first time) or correct some of them (with a reason).

    Every value given or changed is written to the trail with its author, time and reason.

    :raises ConcurrentEdit: `version` is stale, or someone else saved at the same time.
    :raises ValidationFailed: a figure is missing, of the wrong type or unit, or below its minimum
        (errors by `values.<metric>`), or a correction has no reason.
    """
    ensure_can_submit(session, report, actor)
    if version is not None and version != report.version:
        raise ConcurrentEdit(_l("This report was changed by someone else. Reload it and try again."))
    metrics = {m.key: m for m in queries.metrics_of(report)}
    parsed, errors = parse_values(values, metrics, require_all=report.status == "open")
    reason = (reason or "").strip()
    current = report.value_map()
    changed = {k: v for k, v in parsed.items() if k not in current or current[k].value != v}
    if report.status == "submitted" and changed and not reason:
        errors["reason"] = [_l("Say why the submitted figures are corrected.")]
    if len(reason) > REASON_MAX:
        errors["reason"] = [_l("At most %(n)s characters.", n=REASON_MAX)]
    if errors:
        raise ValidationFailed(_l("The report has invalid figures."), **errors)
    for key, value in changed.items():
        row = current.get(key)
        session.add(KpiValueChange(report_id=report.id, metric_key=key, old_value=row.value if row else None,
                                   new_value=value, unit=metrics[key].unit, changed_by_id=actor.id, changed_at=now,
                                   reason=reason))
        if row is None:
            report.values.append(KpiValue(metric_key=key, value=value, unit=metrics[key].unit))
        else:
            row.value = value
    if report.status == "open":
        report.status, report.submitted_at, report.submitted_by_id = "submitted", now, actor.id
        report.updated_at = now
    elif changed:
        report.updated_at = now
    try:
        session.flush()
    except StaleDataError:
        raise ConcurrentEdit(_l("This report was changed by someone else. Reload it and try again.")) from None
    return report


def parse_values(values: Mapping[str, ValueInput], metrics: Mapping[str, Metric], *,
                 require_all: bool) -> tuple[dict[str, Decimal], dict[str, list[str]]]:
    """Check each figure against its metric: number, type (whole, places), unit, minimum."""
    parsed: dict[str, Decimal] = {}
    errors: dict[str, list[str]] = {}
    for key in sorted(set(values) - set(metrics)):
        errors[f"values.{key}"] = [_l("This report does not ask for “%(key)s”.", key=key)]
    for key, metric in metrics.items():
        given = values.get(key)
        if given is None or given.value is None or (isinstance(given.value, str) and not given.value.strip()):
            if require_all:
                errors[f"values.{key}"] = [_l("A figure is required.")]
            continue
        value, problem = parse_value(given, metric)
        if problem:
            errors[f"values.{key}"] = [problem]
        else:
            parsed[key] = value
    return parsed, errors


def parse_value(given: ValueInput, metric: Metric) -> tuple[Decimal, str | None]:
    """One figure as an exact Decimal, or the reason it is refused."""
    if given.unit is not None and given.unit != metric.unit:
        return Decimal(0), str(_l("The unit is “%(unit)s”, not “%(given)s”.", unit=metric.unit, given=given.unit))
    if isinstance(given.value, bool | float):  # floats are not exact: figures come as text or whole numbers
        text = repr(given.value) if isinstance(given.value, float) else ""
    else:
        text = str(given.value).strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    try:
        value = Decimal(text.replace(",", ".")) if text.count(",") <= 1 and "." not in text else Decimal(text)
    except InvalidOperation:
        return Decimal(0), str(_l("Not a number."))
    if not value.is_finite() or abs(value) >= VALUE_MAX:
        return Decimal(0), str(_l("Not a number."))
    if metric.type == "int" and value != value.to_integral_value():
        return value, str(_l("A whole number."))
    if -value.as_tuple().exponent > metric.places and value != value.quantize(Decimal(1).scaleb(-metric.places)):
        return value, str(_l("At most %(n)s decimal places.", n=metric.places))
    if metric.min is not None and value < metric.min:
        return value, str(_l("At least %(min)s.", min=metric.min))
    return value.quantize(Decimal(1).scaleb(-metric.places)), None

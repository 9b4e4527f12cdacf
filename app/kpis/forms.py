"""KPI report forms: one text field per metric (exact decimals), built from the report's metrics."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import Length
from wtforms.validators import Optional

from app.kpis.services import REASON_MAX
from app.workflow.definition import Metric


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("Why are you correcting these figures?"),
                           validators=[Optional(), Length(max=REASON_MAX)])
    version = HiddenField()

    def values(self, metrics: list[Metric]) -> dict[str, str]:
        """metric key → the text typed (blank ones left out)."""
        return {m.key: (getattr(self, f"value_{m.key}").data or "").strip() for m in metrics
                if (getattr(self, f"value_{m.key}").data or "").strip()}


def report_form(metrics: list[Metric], **kwargs) -> ReportForm:
    """A form with a `value_<key>` field per metric, labelled with its unit."""

    class Form(ReportForm):
        pass

    for metric in metrics:
        label = f"{metric.label} ({metric.unit})" if metric.unit else metric.label
        setattr(Form, f"value_{metric.key}", StringField(label, validators=[Optional(), Length(max=32)]))
    return Form(**kwargs)

"""The readiness scoring form: one choice of level per dimension, each level with its descriptor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import choices
from app.readiness.services import COMMENT_MAX
from app.workflow.definition import ReadinessScale


class AssessmentForm(FlaskForm):
    comment = TextAreaField(_l("Comment (what the scores rest on)"), validators=[Optional(), Length(max=COMMENT_MAX)])

    def scores(self, scale: ReadinessScale) -> dict[str, int]:
        return {key: getattr(self, f"score_{key}").data for key in scale.keys}


def assessment_form(scale: ReadinessScale, **kwargs) -> AssessmentForm:
    """A form with a `score_<dimension>` radio group per dimension of `scale`."""

    class Form(AssessmentForm):
        pass

    for dimension in scale.dimensions:
        options = choices((level, f"{level} — {scale.descriptor(dimension.key, level)}") for level in scale.levels)
        setattr(Form, f"score_{dimension.key}", RadioField(dimension.label, coerce=int, choices=options,
                                                            validators=[InputRequired()]))
    return Form(**kwargs)

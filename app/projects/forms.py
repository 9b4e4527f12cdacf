"""Project forms: field checks only; services do the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.projects.evidence import URL_MAX
from app.projects.services import COMMENT_MAX
from app.projects.services import NAME_MAX
from app.projects.services import SUMMARY_MAX


class ProjectForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=SUMMARY_MAX)])
    pole = SelectField(_l("Pole of excellence"), validators=[DataRequired()])
    workflow = SelectField(_l("Path"), validators=[Optional()])
    #: Managers only (the edit page removes it for others): a cohort of the project's path, or none.
    cohort_id = SelectField(_l("Cohort"), validators=[Optional()])
    version = HiddenField()


class DeliverableForm(FlaskForm):
    done = BooleanField(_l("Done"))
    version = IntegerField(validators=[InputRequired()])


class EventForm(FlaskForm):
    event = HiddenField(validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=COMMENT_MAX)])
    override = BooleanField(_l("Override the gates"))
    version = IntegerField(validators=[InputRequired()])


class EvidenceForm(FlaskForm):
    """A file or a link for a deliverable, with a comment (the service checks which and what)."""

    file = FileField(_l("File (PDF, office document or image)"))
    url = StringField(_l("Link (http:// or https://)"), validators=[Optional(), Length(max=URL_MAX)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=COMMENT_MAX)])


class EvidenceRemoveForm(FlaskForm):
    """Removing evidence: the token only (the page asks first)."""

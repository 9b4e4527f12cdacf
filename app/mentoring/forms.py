"""Mentoring forms: field checks only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import DateTimeLocalField
from wtforms import FieldList
from wtforms import Form
from wtforms import FormField
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from app.mentoring.services import BIO_MAX
from app.mentoring.services import NOTES_MAX
from app.mentoring.services import SUMMARY_MAX
from app.mentoring.services import TITLE_MAX


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProfileForm(FlaskForm):
    poles = MultiCheckboxField(_l("Poles of expertise"))
    stages = MultiCheckboxField(_l("Stages covered"))
    dimensions = MultiCheckboxField(_l("Readiness dimensions you are strong in"))
    capacity = IntegerField(_l("Capacity (active mentees)"), validators=[InputRequired(), NumberRange(0, 100)])
    languages = StringField(_l("Languages (comma-separated)"), validators=[Optional(), Length(max=200)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=BIO_MAX)])


class AssignForm(FlaskForm):
    mentor_id = IntegerField(validators=[InputRequired()])
    override = BooleanField(_l("Assign past capacity"))


class ActionItemForm(Form):
    """One row of the session form's action items (a sub-form: CSRF is the parent's)."""

    title = StringField(_l("Action item"), validators=[Optional(), Length(max=TITLE_MAX)])
    owner_id = SelectField(_l("Owner"), coerce=int, validators=[Optional()])
    due_on = DateField(_l("Due on"), validators=[Optional()])


class SessionForm(FlaskForm):
    held_at = DateTimeLocalField(_l("Held at"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[InputRequired(), NumberRange(1, 1440)])
    summary = TextAreaField(_l("Summary (shared with the founders)"),
                            validators=[DataRequired(), Length(max=SUMMARY_MAX)])
    notes = TextAreaField(_l("Private notes (only you see them)"), validators=[Optional(), Length(max=NOTES_MAX)])
    checkin_id = IntegerField(validators=[Optional()])
    action_items = FieldList(FormField(ActionItemForm), _l("Action item"), min_entries=3, max_entries=20)


class RatingForm(FlaskForm):
    usefulness = SelectField(_l("How useful was it?"), coerce=int, validators=[InputRequired()],
                             choices=[SelectChoice(str(n)) for n in (5, 4, 3, 2, 1)])
    comment = StringField(_l("Comment"), validators=[Optional(), Length(max=500)])

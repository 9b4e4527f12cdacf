"""Office hours forms: field checks only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import FieldList
from wtforms import Form
from wtforms import FormField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from app.officehours.services import PLACE_MAX
from app.officehours.services import REASON_MAX
from app.officehours.services import TOPIC_MAX

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
            _l("Sunday"))
#: Blank rows are offered under the saved ones, to add windows without JavaScript.
SPARE_ROWS = 2


class WindowRow(Form):
    """A weekly window (a row left without a day is ignored)."""

    weekday = SelectField(_l("Day"), coerce=str, validators=[Optional()],
                          choices=[SelectChoice("", "—")] + [SelectChoice(str(i), d) for i, d in enumerate(WEEKDAYS)])
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("To"), validators=[Optional()])
    place = StringField(_l("Place (room or video link)"), validators=[Optional(), Length(max=PLACE_MAX)])


class OneOffRow(Form):
    """A window on one date (a row left without a date is ignored)."""

    date = DateField(_l("Date"), validators=[Optional()])
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("To"), validators=[Optional()])
    place = StringField(_l("Place (room or video link)"), validators=[Optional(), Length(max=PLACE_MAX)])


class DayOffRow(Form):
    date = DateField(_l("Day off"), validators=[Optional()])


class AvailabilityForm(FlaskForm):
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])
    slot_minutes = SelectField(_l("Meeting length"), coerce=int, choices=[
        SelectChoice("30", _l("30 minutes")), SelectChoice("45", _l("45 minutes")), SelectChoice("60", _l("1 hour"))])
    buffer_minutes = IntegerField(_l("Break between meetings (minutes)"), validators=[InputRequired(),
                                                                                      NumberRange(0, 120)])
    notice_hours = IntegerField(_l("Minimum notice (hours)"), validators=[InputRequired(), NumberRange(0, 720)])
    horizon_days = IntegerField(_l("Bookable ahead (days)"), validators=[InputRequired(), NumberRange(1, 180)])
    weekly_cap = IntegerField(_l("At most this many meetings a week (empty: no limit)"),
                              validators=[Optional(), NumberRange(0, 100)])
    windows = FieldList(FormField(WindowRow), min_entries=SPARE_ROWS, max_entries=50)
    one_offs = FieldList(FormField(OneOffRow), min_entries=1, max_entries=50)
    days_off = FieldList(FormField(DayOffRow), min_entries=1, max_entries=200)


class BookForm(FlaskForm):
    slot = RadioField(_l("Slot"), validators=[InputRequired(message=_l("Choose a slot."))])
    topic = StringField(_l("What do you want to talk about?"), validators=[DataRequired(), Length(max=TOPIC_MAX)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason (both sides read it)"), validators=[DataRequired(), Length(max=REASON_MAX)])
    confirm = BooleanField(_l("Yes, cancel this meeting"), validators=[DataRequired()])

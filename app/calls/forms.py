"""Forms of calls, applications, reviews and decisions: field checks only; services check the rest.

The evaluation grid and the questions of a call are typed one per line (see `parse_criteria`
and `parse_questions`), which keeps the page a plain form that works without JavaScript.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import DateField
from wtforms import HiddenField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.calls.services import CriterionInput
from app.calls.services import QuestionInput
from app.calls.services import slug
from app.core.forms import choices

SCORES = choices((str(n), str(n)) for n in range(1, 6))


class CallForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)])
    poles = SelectMultipleField(_l("Poles"), validators=[DataRequired()])
    opens_on = DateField(_l("Opens on"), validators=[DataRequired()])
    closes_on = DateField(_l("Closes on (last day to submit)"), validators=[DataRequired()])
    criteria = TextAreaField(_l("Evaluation grid: one criterion per line"), validators=[DataRequired(),
                                                                                         Length(max=20_000)])
    questions = TextAreaField(_l("Questions to applicants: one per line"), validators=[Optional(),
                                                                                       Length(max=20_000)])
    stage = SelectField(_l("Labelled projects enter the path at"), validators=[DataRequired()])
    cohort_id = SelectField(_l("Labelled projects join the cohort"), validators=[Optional()])
    requires_deck = BooleanField(_l("A pitch deck is required"), default=True)


class CallCohortForm(FlaskForm):
    """The cohort a call feeds, changed on the call's page."""

    cohort_id = SelectField(_l("Labelled projects join the cohort"), validators=[Optional()])


def parse_criteria(text: str) -> tuple[list[CriterionInput], list[str]]:
    """`Title | weight | what 1 means / … / what 5 means` per line; return inputs and line errors."""
    criteria, errors = [], []
    for number, line in enumerate(filter(None, (raw.strip() for raw in (text or "").splitlines())), start=1):
        parts = [p.strip() for p in line.split("|")]
        try:
            weight = int(parts[1]) if len(parts) > 1 and parts[1] else 1
        except ValueError:
            errors.append(_l("Line %(n)s: the weight must be a whole number.", n=number))
            continue
        descriptors = tuple(d.strip() for d in parts[2].split("/")) if len(parts) > 2 and parts[2] else ()
        criteria.append(CriterionInput(key=slug(parts[0]) or f"criterion_{number}", title=parts[0], weight=weight,
                                       descriptors=descriptors))
    return criteria, errors


def parse_questions(text: str) -> list[QuestionInput]:
    return [QuestionInput(key=f"q{number}", text=line)
            for number, line in enumerate(filter(None, (raw.strip() for raw in (text or "").splitlines())), start=1)]


class StartForm(FlaskForm):
    title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=200)])
    pole = SelectField(_l("Pole"), validators=[DataRequired()])


class ApplicationForm(FlaskForm):
    """The draft; one `answer_<key>` text area per question is read from the request by the view.
    Partners are added and removed one at a time (`calls.partners`)."""

    title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])
    pole = SelectField(_l("Pole"), validators=[DataRequired()])
    version = HiddenField()


class DeckForm(FlaskForm):
    deck = FileField(_l("Pitch deck (PDF)"), validators=[FileRequired()])


class SubmitForm(FlaskForm):
    version = HiddenField()


class ReviewForm(FlaskForm):
    """The overall comment and the conflict box; `score_<key>` and `comment_<key>` per criterion are read
    by the view."""

    conflict = BooleanField(_l("I have a conflict of interest with this application"))
    comment = TextAreaField(_l("Overall comment"), validators=[Optional(), Length(max=5000)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=choices([
        ("labelled", _l("Label the project")), ("rejected", _l("Reject")),
        ("more_info", _l("Ask for more information (once)"))]), validators=[InputRequired()])
    comment = TextAreaField(_l("Comment to the applicant"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

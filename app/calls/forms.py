"""Forms of calls, applications, reviews and decisions: field checks only; services check the rest.

The evaluation grid and the questions of a call are rows of sub-forms (`FieldList`): the page adds,
removes and moves rows with plain submit buttons (`row_action`), so it works without JavaScript.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import DateField
from wtforms import FieldList
from wtforms import Form
from wtforms import FormField
from wtforms import HiddenField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.calls import services
from app.calls.services import CriterionInput
from app.calls.services import QuestionInput
from app.calls.services import slug
from app.core.forms import ErrorSlot
from app.core.forms import choices

SCORES = choices((str(n), str(n)) for n in range(1, 6))
ROWS_MAX = 20
QUESTION_KIND_LABELS = (("short_text", _l("Short text")), ("long_text", _l("Long text")), ("number", _l("Number")),
                        ("choice", _l("Choice")))


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CriterionRowForm(Form):
    """One criterion of the evaluation grid (a sub-form: CSRF is the parent's)."""

    key = HiddenField()
    title = StringField(_l("Criterion"), validators=[Optional(), Length(max=services.TITLE_MAX)])
    #: Text, not IntegerField: a wrong weight gets the service's message naming the row, once.
    weight = StringField(_l("Weight (1 to 5)"), default="1", render_kw={"inputmode": "numeric"})
    help = TextAreaField(_l("Help for the reviewers"), validators=[Optional(), Length(max=services.HELP_MAX)])


class QuestionRowForm(Form):
    """One question to the applicants (a sub-form)."""

    key = HiddenField()
    text = StringField(_l("Question"), validators=[Optional(), Length(max=services.QUESTION_MAX)])
    kind = SelectField(_l("Kind of answer"), choices=choices(QUESTION_KIND_LABELS), default="long_text")
    help = TextAreaField(_l("Help for the applicants"), validators=[Optional(), Length(max=services.HELP_MAX)])
    options = TextAreaField(_l("Options (a choice: one per line)"), validators=[Optional(), Length(max=4000)])


class CallForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=services.TITLE_MAX)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=services.TEXT_MAX)])
    poles = CheckboxesField(_l("Poles"), validators=[DataRequired(message=_l("Choose at least one pole."))])
    opens_on = DateField(_l("Opens on"), validators=[DataRequired(message=_l("Give the opening date."))])
    closes_on = DateField(_l("Closes on (last day to submit)"),
                          validators=[DataRequired(message=_l("Give the closing date."))])
    criteria = FieldList(FormField(CriterionRowForm), _l("Criterion"), min_entries=1, max_entries=ROWS_MAX)
    questions = FieldList(FormField(QuestionRowForm), _l("Question"), min_entries=0, max_entries=ROWS_MAX)
    stage = SelectField(_l("Labelled projects enter the path at"), validators=[DataRequired()])
    #: Only when creating: afterwards the call's page changes it (`CallCohortForm`).
    cohort_id = SelectField(_l("Labelled projects join the cohort"), validators=[Optional()])
    cohort_id = SelectField(_l("Labelled projects join the cohort"), validators=[Optional()])
    requires_deck = BooleanField(_l("A pitch deck is required"), default=True)
    version = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: The grid's and the questions' row-named messages (the service's, and the rows' own).
        self.criteria_problems = ErrorSlot("criteria")
        self.questions_problems = ErrorSlot("questions")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.opens_on.data and self.closes_on.data and self.closes_on.data < self.opens_on.data:
            self.closes_on.errors = [*self.closes_on.errors, _l("The call cannot close before it opens.")]
            valid = False
        return valid

    def criterion_inputs(self) -> list[CriterionInput]:
        """The filled rows (an empty row is ignored), each with a key: its own, or one made from its title."""
        rows = [r for r in self.criteria if (r.title.data or "").strip() or (r.help.data or "").strip()]
        keys = _keys([r.key.data or slug(r.title.data) for r in rows], "criterion")
        return [CriterionInput(key=k, title=r.title.data or "", weight=_whole(r.weight.data), help=r.help.data or "")
                for k, r in zip(keys, rows, strict=True)]

    def question_inputs(self) -> list[QuestionInput]:
        rows = [r for r in self.questions if (r.text.data or "").strip() or (r.help.data or "").strip()]
        keys = _keys([r.key.data or "" for r in rows], "q")
        return [QuestionInput(key=k, text=r.text.data or "", kind=r.kind.data or "long_text", help=r.help.data or "",
                              options=tuple(o.strip() for o in (r.options.data or "").splitlines() if o.strip()))
                for k, r in zip(keys, rows, strict=True)]

    def row_action(self, raw: str | None) -> bool:
        """Apply `add-criteria`, `remove-criteria-2`, `up-questions-1`…; True when it was one (re-render, no save)."""
        verb, _, rest = (raw or "").partition("-")
        name, _, index = rest.partition("-")
        rows = {"criteria": self.criteria, "questions": self.questions}.get(name)
        if rows is None or verb not in ("add", "remove", "up", "down"):
            return False
        entries = [dict(e.data) for e in rows]
        at = int(index) if index.isdigit() else -1
        if verb == "add" and len(entries) < ROWS_MAX:
            entries.append({})
        elif verb == "remove" and 0 <= at < len(entries):
            entries.pop(at)
        elif verb in ("up", "down") and 0 <= at < len(entries):
            other = at - 1 if verb == "up" else at + 1
            if 0 <= other < len(entries):
                entries[at], entries[other] = entries[other], entries[at]
        while len(rows):
            rows.pop_entry()
        for entry in entries:
            rows.append_entry(entry)
        return True


class CallCohortForm(FlaskForm):
    """The cohort a call feeds, changed on the call's page."""

    cohort_id = SelectField(_l("Labelled projects join the cohort"), validators=[Optional()])


def _whole(text) -> int:
    """A typed weight as a number; 0 (refused by the service, naming the row) when it is none."""
    text = str(text if text is not None else "").strip()
    return int(text) if text.lstrip("-").isdigit() and len(text) < 6 else 0


def _keys(wanted: list[str], prefix: str) -> list[str]:
    """Unique keys: each row's own when it has one and it is free, else `<prefix><n>`."""
    taken: set[str] = set()
    keys = []
    for number, key in enumerate(wanted, start=1):
        if not key or key in taken:
            key = f"{prefix}{number}"
            while key in taken:
                key += "_"
        taken.add(key)
        keys.append(key)
    return keys


def call_rows(call) -> dict:
    """A call's grid and questions as the form's rows (to edit it)."""
    return {"criteria": [{"key": c.key, "title": c.title, "weight": str(c.weight), "help": c.help_text}
                         for c in call.criteria],
            "questions": [{"key": q["key"], "text": q["text"], "kind": q.get("kind", "long_text"),
                           "help": q.get("help", ""), "options": "\n".join(q.get("options", []))}
                          for q in call.questions]}


class CallChangeForm(FlaskForm):
    """Extend (a later last day), close early or withdraw an open call; the reason goes to the applicants."""

    closes_on = DateField(_l("New last day to submit"), validators=[Optional()])
    reason = TextAreaField(_l("Reason (sent to the applicants with a draft)"),
                           validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class StartForm(FlaskForm):
    title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=200)])
    pole = SelectField(_l("Pole"), validators=[DataRequired()])


class ApplicationForm(FlaskForm):
    """The draft and, in the same submit, the pitch deck (so nothing typed is lost by an upload); one
    `answer_<key>` field per question is read from the request by the view. Partners are added and
    removed one at a time (`calls.partners`)."""

    title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=services.TITLE_MAX)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=services.SUMMARY_MAX)])
    pole = SelectField(_l("Pole"), validators=[DataRequired()])
    deck = FileField(_l("Pitch deck (PDF)"))
    version = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: The answers' messages (each names its question).
        self.answers_problems = ErrorSlot("answers")


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

"""People forms: field checks only (rights are the services' and the predicates')."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length

from app.auth.forms import consent_field
from app.auth.services import NAME_MAX
from app.auth.services import PASSWORD_MIN


class InvitationForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    locale = SelectField(_l("Language of the email"), validators=[DataRequired()])


class TeamInvitationForm(FlaskForm):
    """A co-founder invited to a project's team (the role is always founder)."""

    email = EmailField(_l("Email of the co-founder"), validators=[DataRequired(), Length(max=254)])
    locale = SelectField(_l("Language of the email"), validators=[DataRequired()])


class AddMemberForm(FlaskForm):
    email = EmailField(_l("Email of a founder account"), validators=[DataRequired(), Length(max=254)])


class ConfirmForm(FlaskForm):
    """A destructive action asks for a ticked box (checked again by the server)."""

    confirm = BooleanField(_l("I confirm"), validators=[DataRequired()])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])


class ActiveForm(FlaskForm):
    #: "y" reactivates, anything else deactivates (which also needs `confirm`).
    active = HiddenField()
    confirm = BooleanField(_l("I confirm"))


class AcceptForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)])
    confirm = PasswordField(_l("Password, again"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two do not match."))])
    #: Law 09-08: an invited person consents like one who signs up.
    consent = consent_field()

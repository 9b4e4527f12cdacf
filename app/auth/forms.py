"""Sign-in, sign-up and password reset forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length


def consent_field() -> BooleanField:
    """The privacy notice's consent box (law 09-08) of every form that creates an account."""
    return BooleanField(_l("I have read the privacy notice and agree that the cluster keeps my data for its "
                           "programme"),
                        validators=[DataRequired(message=_l("Tick the box to accept the privacy notice."))])


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class SignupForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])
    #: Law 09-08: the web form requires it (the API records it when given).
    consent = consent_field()


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("New password, again"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two do not match."))])

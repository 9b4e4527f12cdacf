"""Account settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import PasswordField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length

from app.auth.services import LOCALES
from app.core.i18n import LANGUAGE_NAMES

#: Offered first; any IANA zone is accepted by the service.
COMMON_ZONES = ("Africa/Casablanca", "Africa/Algiers", "Africa/Tunis", "Africa/Dakar", "Africa/Abidjan",
                "Europe/Paris", "Europe/London", "Europe/Madrid", "UTC")


class SettingsForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code])
                                                   for code in LOCALES])
    timezone = SelectField(_l("Time zone"), choices=[SelectChoice(z) for z in COMMON_ZONES])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("New password, again"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The two do not match."))])


class NotificationsForm(FlaskForm):
    """Per kind, a switch for the app and one for email (fields added by `notifications_form`), and the digest."""

    email_digest = BooleanField(_l("Send me one daily digest instead of one email per notification"))


def notifications_form(kinds, choices: dict, digest: bool) -> NotificationsForm:
    """The form for these kinds (registry entries), filled with the person's current `choices`."""

    class Form(NotificationsForm):
        pass

    data = {"email_digest": digest}
    for kind in kinds:
        setattr(Form, f"in_app__{kind.key}", BooleanField(_l("%(kind)s: in the app", kind=kind.label)))
        setattr(Form, f"email__{kind.key}", BooleanField(_l("%(kind)s: by email", kind=kind.label)))
        data[f"in_app__{kind.key}"], data[f"email__{kind.key}"] = choices[kind.key].in_app, choices[kind.key].email
    return Form(data=data)

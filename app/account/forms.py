"""Account settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import SelectChoice
from wtforms import SelectField

from app.auth.services import LOCALES

#: Offered first; any IANA zone is accepted by the service.
COMMON_ZONES = ("Africa/Casablanca", "Africa/Algiers", "Africa/Tunis", "Africa/Dakar", "Africa/Abidjan",
                "Europe/Paris", "Europe/London", "Europe/Madrid", "UTC")


class SettingsForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[SelectChoice(code, {"fr": "Français", "en": "English"}[code])
                                                   for code in LOCALES])
    timezone = SelectField(_l("Time zone"), choices=[SelectChoice(z) for z in COMMON_ZONES])
    wants_email_reminders = BooleanField(_l("Email me check-in reminders"))

"""Cluster forms: field checks only; the services validate the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import EmailField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.cluster import labels
from app.cluster.services import CURRENCIES
from app.cluster.services import DESCRIPTION_MAX
from app.cluster.services import NAME_MAX
from app.core.forms import choices


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    kind = SelectField(_l("Kind"), choices=choices(labels.KINDS.items()))
    membership_status = SelectField(_l("Membership"), choices=choices(labels.MEMBERSHIP.items()))
    joined_on = DateField(_l("Joined on"), validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=120)])
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Length(max=254)])


class PartnerForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired()])
    role = SelectField(_l("Role"), choices=choices(labels.PARTNER_ROLES.items()))


class FundingForm(FlaskForm):
    source = SelectField(_l("Source"), choices=choices(labels.FUNDING_SOURCES.items()))
    amount = StringField(_l("Amount"), validators=[DataRequired(), Length(max=32)])
    currency = SelectField(_l("Currency"), choices=choices((c, c) for c in CURRENCIES), default="MAD")
    status = SelectField(_l("Status"), choices=choices(labels.FUNDING_STATUSES.items()))
    applied_on = DateField(_l("Applied on"), validators=[Optional()])
    decided_on = DateField(_l("Decided on"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    version = HiddenField()


class SupportRequestForm(FlaskForm):
    kind = SelectField(_l("What do you need?"), choices=choices(labels.SUPPORT_KINDS.items()))
    description = TextAreaField(_l("Describe it"), validators=[DataRequired(), Length(max=DESCRIPTION_MAX)])


class SupportAnswerForm(FlaskForm):
    assignee_id = IntegerField(validators=[Optional()])
    answer = TextAreaField(_l("Answer"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])


class ExchangeRateForm(FlaskForm):
    currency = SelectField(_l("Currency"), choices=choices((c, c) for c in CURRENCIES if c != "MAD"))
    rate_to_mad = StringField(_l("Dirhams for one unit"), validators=[DataRequired(), Length(max=32)])
    valid_on = DateField(_l("Valid from"), validators=[DataRequired()])
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=200)])

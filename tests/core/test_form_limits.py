"""Length limits shown and enforced by the forms fit the columns they fill: a value the form accepts is
never cut, nor refused by the database, and every limited text field says its limit."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from app.calls.forms import ApplicationForm
from app.calls.forms import CallForm
from app.calls.forms import CriterionRowForm
from app.calls.models import Application
from app.calls.models import Call
from app.calls.models import CallCriterion
from app.cluster.forms import OrganisationForm
from app.cluster.models import Organisation
from app.core.forms import max_length
from app.projects.forms import ProjectForm
from app.projects.models import Project

PAIRS = [(CallForm, Call), (ApplicationForm, Application), (CriterionRowForm, CallCriterion),
         (OrganisationForm, Organisation), (ProjectForm, Project)]


@pytest.mark.parametrize("form_class, model", PAIRS, ids=lambda v: getattr(v, "__name__", ""))
def test_form_limits_fit_the_columns(app, form_class, model):
    checked = 0
    with app.test_request_context():
        form = form_class(meta={"csrf": False})
        for field in form:
            column = model.__table__.columns.get(field.name)
            limit = max_length(field)
            if (field.type not in ("StringField", "TextAreaField") or column is None
                    or not isinstance(column.type, String) or column.type.length is None):
                continue
            assert limit is not None, f"{form_class.__name__}.{field.name} has no Length for {column}"
            assert limit <= column.type.length, f"{form_class.__name__}.{field.name}: {limit} > {column}"
            checked += 1
    assert checked


def test_a_limited_field_shows_its_limit_without_cutting_a_paste(login_as, manager):
    page = login_as(manager).get("/calls/new", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert 'data-maxlength="200"' in page and "200 characters max." in page
    assert 'maxlength="200"' not in page.replace('data-maxlength="200"', "")

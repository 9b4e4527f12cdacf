"""Domain errors are data (a code, lazy messages with their parameters): words are chosen at the
boundary, in the reader's language, and the HTTP status is the boundary's choice."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import StringField

from app.auth.links import LinkInvalid
from app.calls.decks import DeckTooLarge
from app.core import errors
from app.core.forms import attach_errors
from app.core.i18n import _l
from app.core.problems import STATUS_BY_CODE
from app.core.problems import http_status
from app.projects import services as project_services
from app.projects.evidence import EvidenceTooLarge


def test_one_error_reads_in_each_language_when_the_boundary_renders_it(app, session, mentor, now):
    with pytest.raises(errors.Forbidden) as refused:  # raised with no request: nobody's language yet
        project_services.create_project(session, name="X", summary="", pole="multimedia", workflow=None,
                                        default_workflow="innovation_path", actor=mentor, now=now)

    error = refused.value
    with app.test_request_context(), force_locale("fr"):
        french = error.text
    with app.test_request_context(), force_locale("en"):
        english = error.text
    assert english == "Only founders and managers create projects."
    assert french != english and "projets" in french
    assert error.code == "forbidden"


@pytest.mark.parametrize(("error", "status"), [
    (errors.NotFound("x"), 404), (errors.Forbidden("x"), 403), (errors.ValidationFailed("x"), 422),
    (errors.ConcurrentEdit("x"), 409), (errors.Conflict("x"), 409), (errors.TransitionNotAllowed("x", []), 422),
    (errors.EventForbidden("x", []), 403), (errors.GateAlreadyApproved("x", []), 409), (DeckTooLarge(10), 413),
    (EvidenceTooLarge(10), 413),
    (LinkInvalid(), 422),  # its own code is not listed: answered as the validation failure it is
])
def test_the_boundary_chooses_the_status_from_the_code(error, status):
    assert http_status(error) == status
    assert not hasattr(error, "status")


def test_every_listed_code_belongs_to_an_error():
    codes = {cls.code for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.DomainError)}
    assert codes | {"deck_too_large", "evidence_too_large"} == set(STATUS_BY_CODE)


def test_the_api_problem_carries_the_code_and_the_readers_words(api, make_user, make_project):
    french_founder = make_user("founder", locale="fr")
    project = make_project(owner=french_founder)
    response = api(french_founder).patch(f"/api/v1/projects/{project.id}",
                                         json={"summary": "Autre", "version": project.version + 5})

    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "concurrent_edit"
    assert body["detail"].startswith("Ce projet a été modifié par quelqu'un d'autre")


class NameForm(FlaskForm):
    name = StringField()


def test_messages_reach_forms_and_flashes_as_plain_text_never_as_trusted_markup(app):
    error = errors.ValidationFailed(_l("Bad %(name)s.", name="<script>"), name=[_l("No %(x)s.", x="<b>")])
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        attach_errors(form, error)
        [message] = form.name.errors
    assert type(message) is str and not isinstance(message, Markup)
    assert message == "No <b>."

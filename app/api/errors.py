"""Map domain errors, validation failures and HTTP errors to problem+json."""

from __future__ import annotations

from flask_babel import gettext as _
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from app.api import bp
from app.api.params import pydantic_errors
from app.core.errors import DomainError
from app.core.errors import TransitionNotAllowed
from app.core.problems import http_status
from app.core.problems import problem
from app.extensions import db


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    # Whatever the service flushed before refusing must not be committed by anyone.
    db.session.rollback()
    # Words are chosen here, in the reader's language; `code` says what happened to programs.
    extra = {"reasons": exc.reason_texts()} if isinstance(exc, TransitionNotAllowed) else {}
    return problem(http_status(exc), exc.text, errors=exc.field_errors() or None, code=exc.code, **extra)


@bp.errorhandler(ValidationError)
def invalid_body(exc: ValidationError):
    return problem(422, _("The request has invalid fields."), errors=pydantic_errors(exc))


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    db.session.rollback()
    headers = {"WWW-Authenticate": "Bearer"} if exc.code == 401 else None
    # Werkzeug's own description is English prose: without ours, the detail is the translated title.
    detail = "" if exc.description == type(exc).description else exc.description
    return problem(exc.code or 500, detail or "", headers=headers)

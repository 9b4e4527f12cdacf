"""RFC 9457 problem details for the JSON API."""

from __future__ import annotations

from http import HTTPStatus

from flask import Response
from flask import g
from flask import has_request_context
from flask import jsonify

from app.core.i18n import _l

PROBLEM_TYPE_BASE = "https://parcours.example.org/problems/"

#: The HTTP status that answers each domain error code (an error whose own code is not listed is
#: answered as its nearest listed parent class).
STATUS_BY_CODE = {
    "invalid": 422,
    "validation_failed": 422,
    "transition_not_allowed": 422,
    "not_found": 404,
    "forbidden": 403,
    "event_forbidden": 403,
    "concurrent_edit": 409,
    "conflict": 409,
    "gate_already_approved": 409,
    "deck_too_large": 413,
    "too_many_requests": 429,
    "evidence_too_large": 413,
}


#: Each status's title in the reader's language (the English ones are HTTP's reason phrases, as before).
TITLES = {
    400: _l("Bad Request"), 401: _l("Unauthorized"), 403: _l("Forbidden"), 404: _l("Not Found"),
    405: _l("Method Not Allowed"), 409: _l("Conflict"), 413: _l("Request Entity Too Large"),
    415: _l("Unsupported Media Type"), 422: _l("Unprocessable Entity"), 429: _l("Too Many Requests"),
    500: _l("Internal Server Error"), 503: _l("Service Unavailable"),
}


def http_status(error) -> int:
    """The HTTP status of a domain error (see `STATUS_BY_CODE`)."""
    if error.code in STATUS_BY_CODE:
        return STATUS_BY_CODE[error.code]
    for cls in type(error).__mro__:
        code = cls.__dict__.get("code")
        if code in STATUS_BY_CODE:
            return STATUS_BY_CODE[code]
    return 422


def problem(status: int, detail: str = "", *, title: str | None = None, type_: str | None = None,
            errors: dict[str, list[str]] | None = None, headers: dict | None = None, **extra) -> Response:
    """Build an `application/problem+json` answer, its title and detail in the reader's language
    (`type` stays the same in every language: programs read it)."""
    phrase = HTTPStatus(status).phrase
    shown = str(TITLES.get(status, phrase))
    body = {
        "type": type_ or PROBLEM_TYPE_BASE + phrase.lower().replace(" ", "-"),
        "title": str(title) if title else shown,
        "status": status,
        "detail": str(detail) if detail else shown,
    }
    if errors:
        body["errors"] = {k: [str(m) for m in v] for k, v in errors.items()}
    body.update(extra)
    request_id = g.get("request_id") if has_request_context() else None
    if request_id:
        body["request_id"] = request_id  # quote it to support: it finds the request's log line
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response

"""Domain errors raised by services and the engine; boundaries turn them into answers.

An error says what happened as data: a stable `code` (for programs; the API's problem+json
carries it) and its message and field messages as lazy strings (`_l("…", name=value)`, the
parameters inside). Nothing is put into words until a boundary asks (`text`, `field_errors()`,
`reason_texts()`), in the reader's language then: one error reads in French or English (and
Arabic later) alike, and a CLI or a sweep renders it in its own locale. Which HTTP status
answers which code is the boundary's business (`app.core.problems.http_status`).
"""

from __future__ import annotations

from typing import Any

#: A message: a lazy string (`_l(...)`) or plain text.
Text = Any


class DomainError(Exception):
    """Base of every error a user can cause."""

    code = "invalid"

    def __init__(self, message: Text = "", *, code: str | None = None, **fields: list[Text]) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        #: field name -> messages, shown next to form fields and in problem+json `errors`.
        self.errors: dict[str, list[Text]] = dict(fields)

    def __str__(self) -> str:
        return str(self.message)

    @property
    def text(self) -> str:
        """The message in the current language."""
        return str(self.message)

    def field_errors(self) -> dict[str, list[str]]:
        """The field messages in the current language."""
        return {field: [str(m) for m in messages] for field, messages in self.errors.items()}


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class ValidationFailed(DomainError):
    code = "validation_failed"


class ConcurrentEdit(DomainError):
    """Someone else changed the record since the client read it."""

    code = "concurrent_edit"


class Conflict(DomainError):
    """The write conflicts with existing data (a duplicate, a full capacity…)."""

    code = "conflict"


class TooManyRequests(DomainError):
    """The actor did this too often lately (a cap against abuse); later it works again."""

    code = "too_many_requests"


class TransitionNotAllowed(DomainError):
    """The event cannot be fired now; `reasons` say why."""

    code = "transition_not_allowed"

    def __init__(self, message: Text, reasons: list[Text]) -> None:
        super().__init__(message, event=reasons)
        self.reasons = reasons

    def reason_texts(self) -> list[str]:
        """The reasons in the current language."""
        return [str(r) for r in self.reasons]


class EventForbidden(TransitionNotAllowed):
    """The actor holds no role that may fire this event (not a guard failure)."""

    code = "event_forbidden"


class GateAlreadyApproved(TransitionNotAllowed):
    """The gate of the current stage visit is already approved: a second approval would be counted twice."""

    code = "gate_already_approved"

"""Helpers shared by the web forms of every area."""

from __future__ import annotations

from flask import flash
from wtforms.fields.choices import SelectChoice

from app.core.errors import DomainError


def attach_errors(form, exc: DomainError) -> None:
    """Show a service's field errors next to the form's fields (others as a flash)."""
    for field, messages in exc.errors.items():
        target = getattr(form, field, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + list(messages)
        else:
            flash(" ".join(messages), "error")
    if not exc.errors:
        flash(exc.message, "error")


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates raw tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]

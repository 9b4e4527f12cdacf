"""Helpers shared by the web forms of every area: the one way a page calls a service and commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import abort
from flask import flash
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.core.errors import DomainError
from app.core.problems import http_status
from app.extensions import db


@dataclass
class Write:
    """What became of a page's one write: `ok`, or the domain `error` that refused it."""

    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        """The status of the page that shows the refusal (200 when there was none)."""
        return http_status(self.error) if self.error is not None else 200


@contextmanager
def one_write(form=None, *, abort_on: tuple[int, ...] = (), field_names=None) -> Iterator[Write]:
    """The boundary of a page's service call: commit when the block ends; on a domain error roll back
    everything the service flushed, show its messages on `form` (when given), and keep the error in
    `write.error` instead of raising it: a page without a form says it its own way (a flash).

    `abort_on`: statuses answered with the error page instead (403 and 404 say nothing about the
    form). `field_names`: maps a service's field name to the form's (`scores.x` → `score_x`).

        with one_write(form) as write:
            project = services.create_project(db.session, ...)
        if write.ok:
            flash(...)
            return redirect(...)
        return render_template(..., form=form), write.status
    """
    write = Write()
    try:
        yield write
    except DomainError as exc:
        db.session.rollback()
        if http_status(exc) in abort_on:
            abort(http_status(exc))
        if field_names is not None:
            exc.errors = {field_names(name): messages for name, messages in exc.errors.items()}
        write.error = exc
        if form is not None:
            attach_errors(form, exc)
    else:
        db.session.commit()


def attach_errors(form, exc: DomainError) -> None:
    """Show a service's field errors next to the form's fields (others as a flash)."""
    # Rendered to text here: a lazy message in a template or a flash would be trusted as markup.
    for field, messages in exc.field_errors().items():
        target = _field_at(form, field)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + messages
        else:
            flash(" ".join(messages), "error")
    if not exc.errors:
        flash(exc.text, "error")


class ErrorSlot:
    """A place on a form for messages about a group of fields (a grid's rows): `attach_errors` fills it,
    the error summary links to `id`."""

    def __init__(self, id: str) -> None:  # noqa: A002 - named like a field's `id`
        self.id = id
        self.errors: list[str] = []


def error_list(form) -> list[tuple[str, str]]:
    """(element id, message) of every error of `form`, in page order: the error summary's links.

    A row of a `FieldList` names itself ("Criterion 2: …"); an `ErrorSlot` attribute of the form
    (`*_problems`) comes right after the fields.
    """
    found: list[tuple[str, str]] = []
    for field in form:
        if field.type == "FieldList":
            for number, entry in enumerate(field.entries, start=1):
                subfields = list(entry) if entry.type == "FormField" else [entry]
                for sub in subfields:
                    found += [(sub.id, f"{field.label.text} {number}: {m}") for m in sub.errors]
            slot = getattr(form, f"{field.name}_problems", None)
            if isinstance(slot, ErrorSlot):
                found += [(slot.id, str(m)) for m in slot.errors]
        elif field.type != "CSRFTokenField":
            found += [(field.id, str(m)) for m in field.errors]
    for slot in list(vars(form).values()):
        if isinstance(slot, ErrorSlot) and not any(i == slot.id for i, _ in found):
            found += [(slot.id, str(m)) for m in slot.errors]
    return found


def max_length(field) -> int | None:
    """The `Length(max=…)` of a text field: shown as a hint and counted as the user types."""
    for validator in getattr(field, "validators", ()):
        if isinstance(validator, Length) and validator.max not in (None, -1):
            return validator.max
    return None


def _field_at(form, path: str):
    """The field a service names: `summary`, or a row's `action_items.2.due_on`; None when the form has none."""
    target = form
    for part in path.split("."):
        if part.isdigit():
            entries = getattr(target, "entries", [])
            target = entries[int(part)] if int(part) < len(entries) else None
        else:
            target = getattr(getattr(target, "form", target), part, None)
        if target is None:
            return None
    return target


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates raw tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]

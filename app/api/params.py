"""Query strings of the API, declared once: each list or filter route names a pydantic model in
its `@doc(query=…)`; the same model parses `request.args` (`query_args()`, 400 with the fields at
fault) and becomes the route's parameters in the OpenAPI document, with their types and bounds."""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import ValidationError

from app.core.bounds import DB_INT_MAX
from app.core.problems import problem

#: The most items one page of a list returns, whatever `per_page` asks.
PER_PAGE_MAX = 100

#: An id to filter by: a whole number a row's id can be.
Id = Field(None, ge=1, le=DB_INT_MAX)


class Query(BaseModel):
    """A route's query string; unknown parameters are ignored, as browsers and proxies add their own."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)


class PageQuery(Query):
    page: int = Field(1, ge=1, le=DB_INT_MAX, description="The page, from 1.")
    per_page: int = Field(20, ge=1, le=DB_INT_MAX,
                          description=f"Items per page (at most {PER_PAGE_MAX} are returned).")


class ProjectListQuery(PageQuery):
    stage: str | None = None
    pole: str | None = None
    status: str | None = None
    workflow: str | None = None
    q: str | None = Field(None, description="Words of the name or summary.")
    cohort: int | None = Field(None, ge=1, le=DB_INT_MAX, description="A cohort's id: its projects only.")
    sort: str = Field("-created", description="`created`, `name`, `stage`… (`-` first for descending).")


class ApplicationListQuery(PageQuery):
    status: str | None = None


class CallListQuery(PageQuery):
    all: bool = Field(False, description="Also the calls a signed-in user follows (drafts, closed).")


class DeckQuery(Query):
    filename: str | None = None


class CheckInListQuery(PageQuery):
    project_id: int | None = Id
    mentor_id: int | None = Id
    status: str | None = None


class OrganisationListQuery(PageQuery):
    kind: str | None = None
    membership_status: str | None = None
    q: str | None = None


class SupportListQuery(PageQuery):
    status: str | None = None


class KpiReportListQuery(PageQuery):
    late: int = Field(0, ge=0, le=1, description="1: only the reports past their due date.")


class UserListQuery(PageQuery):
    role: str | None = None


class PipelineQuery(Query):
    pole: str | None = None
    workflow: str | None = None
    status: str | None = None
    cohort: int | None = Field(None, ge=1, le=DB_INT_MAX, description="A cohort's id: its projects only.")
    mentor: int | None = Id


class FundersReportQuery(Query):
    from_: str | None = Field(None, alias="from", description="First day of the period (YYYY-MM-DD).")
    to: str | None = Field(None, description="Last day of the period (YYYY-MM-DD).")
    pole: str | None = None
    cohort: int | None = Field(None, ge=1, le=DB_INT_MAX, description="A cohort's id: its projects only.")


def query_args() -> Query:
    """The current route's query string, parsed by the model its `@doc` declares (400 when invalid)."""
    if "api_query" not in g:
        view = current_app.view_functions[request.url_rule.endpoint]
        model = view.openapi.query or Query
        try:
            g.api_query = model.model_validate(request.args.to_dict())
        except ValidationError as exc:
            abort(problem(400, _("The query string has invalid parameters."), errors=pydantic_errors(exc)))
    return g.api_query


def page_args() -> tuple[int, int]:
    """`?page=&per_page=` of the current route (its query model extends `PageQuery`)."""
    args = query_args()
    if not isinstance(args, PageQuery):
        raise TypeError(f"{request.url_rule.endpoint} lists a page of items: declare a PageQuery in its @doc")
    return args.page, min(args.per_page, PER_PAGE_MAX)


#: pydantic's words for its common errors, in the reader's language (its own are English only); the
#: context's bounds fill them. Errors of other types keep pydantic's message.
_PYDANTIC_MESSAGES = {
    "missing": lambda c: _("This field is required."),
    "extra_forbidden": lambda c: _("This field is not expected here."),
    "string_too_long": lambda c: _("At most %(n)s characters.", n=c["max_length"]),
    "string_too_short": lambda c: _("At least %(n)s characters.", n=c["min_length"]),
    "too_long": lambda c: _("At most %(n)s items.", n=c["max_length"]),
    "too_short": lambda c: _("At least %(n)s items.", n=c["min_length"]),
    "greater_than_equal": lambda c: _("A number of at least %(n)s.", n=c["ge"]),
    "greater_than": lambda c: _("A number greater than %(n)s.", n=c["gt"]),
    "less_than_equal": lambda c: _("A number of at most %(n)s.", n=c["le"]),
    "less_than": lambda c: _("A number less than %(n)s.", n=c["lt"]),
    "literal_error": lambda c: _("One of: %(values)s.", values=c["expected"]),
    "enum": lambda c: _("One of: %(values)s.", values=c["expected"]),
    "int_parsing": lambda c: _("A whole number."),
    "int_type": lambda c: _("A whole number."),
    "int_from_float": lambda c: _("A whole number."),
    "float_parsing": lambda c: _("A number."),
    "float_type": lambda c: _("A number."),
    "decimal_parsing": lambda c: _("A number."),
    "bool_parsing": lambda c: _("true or false."),
    "bool_type": lambda c: _("true or false."),
    "string_type": lambda c: _("A text."),
    "date_parsing": lambda c: _("A date, as YYYY-MM-DD."),
    "date_from_datetime_parsing": lambda c: _("A date, as YYYY-MM-DD."),
    "date_type": lambda c: _("A date, as YYYY-MM-DD."),
    "datetime_parsing": lambda c: _("A date and time, as ISO 8601 (2026-11-28T14:30:00+01:00)."),
    "datetime_from_date_parsing": lambda c: _("A date and time, as ISO 8601 (2026-11-28T14:30:00+01:00)."),
    "datetime_type": lambda c: _("A date and time, as ISO 8601 (2026-11-28T14:30:00+01:00)."),
    "list_type": lambda c: _("A list."),
    "dict_type": lambda c: _("An object."),
    "model_type": lambda c: _("An object."),
}


def pydantic_message(error: dict) -> str:
    """One pydantic error in the reader's words (pydantic's own English when it is of a rare type)."""
    words = _PYDANTIC_MESSAGES.get(error["type"])
    if words is not None:
        try:
            return words(error.get("ctx") or {})
        except KeyError:  # a context without the expected bound: pydantic's words
            pass
    return error["msg"]


def pydantic_errors(exc: ValidationError) -> dict[str, list[str]]:
    """Group pydantic's errors by field path (`action_items.0.title`), in the reader's language."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        field = ".".join(str(p) for p in error["loc"]) or "body"
        errors.setdefault(field, []).append(pydantic_message(error))
    return errors

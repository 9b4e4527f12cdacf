"""Route metadata for the OpenAPI document, declared next to each view.

`@doc(...)` records what a view takes and returns; `openapi.json` is built from the URL map
and these records, so the document cannot list a route that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class RouteDoc:
    summary: str
    body: type[BaseModel] | None = None
    #: A multipart/form-data body the route also takes (a file upload), beside or instead of `body`.
    multipart: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    list_response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    auth: bool = True
    #: The query string's model (see app.api.params): parses the arguments and documents them.
    query: type[BaseModel] | None = None
    tag: str = "parcours"


def doc(summary: str, **kwargs) -> callable:
    """Attach OpenAPI metadata to a view function."""

    def decorate(view):
        view.openapi = RouteDoc(summary=summary, **kwargs)
        return view

    return decorate

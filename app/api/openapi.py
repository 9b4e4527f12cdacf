"""`GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the routes."""

from __future__ import annotations

import re
from http import HTTPStatus

from flask import current_app
from flask import jsonify
from pydantic import BaseModel
from werkzeug.routing import IntegerConverter

from app.api import bp
from app.api import schemas
from app.api.spec import RouteDoc
from app.api.spec import doc
from app.core.bounds import DB_INT_MAX

REF = "#/components/schemas/{model}"


@bp.get("/openapi.json")
@doc("This document", auth=False, tag="meta")
def openapi():
    # The routes and models are fixed once the app is built: the document is built once per app
    # (~0.3 s of pydantic schema generation), on its first request.
    document = current_app.extensions.get("openapi_document")
    if document is None:
        document = current_app.extensions["openapi_document"] = build_document()
    return jsonify(document)


def build_document() -> dict:
    components: dict[str, dict] = {}
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions.get(rule.endpoint)
        route: RouteDoc | None = getattr(view, "openapi", None)
        if not rule.endpoint.startswith("api.") or route is None:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation(rule, route, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Parcours API", "version": "1.0.0",
                 "description": "Projects on the innovation path, their workflow, mentoring and more."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def schema_ref(model: type[BaseModel], components: dict) -> dict:
    schema = model.model_json_schema(ref_template=REF)
    for name, sub in schema.pop("$defs", {}).items():
        _add_component(components, name, sub)
    _add_component(components, model.__name__, schema)
    return {"$ref": REF.format(model=model.__name__)}


def _add_component(components: dict, name: str, schema: dict) -> None:
    # Components are keyed by class name: two models of one name would silently share a schema
    # (an application's partners were once documented as a project's).
    if components.setdefault(name, schema) != schema:
        raise RuntimeError(f"Two API models are named {name}: rename one.")


#: A variable part of a rule as written: `<int:project_id>`, `<string(length=2):lang>`, `<key>`.
RULE_VARIABLE = re.compile(r"<(?:(?P<converter>[a-zA-Z_]\w*)(?:\((?P<args>.*?)\))?:)?(?P<name>[a-zA-Z_]\w*)>")


def path_converters(rule, converters: dict) -> dict[str, type]:
    """The converter class of each variable of `rule`, read from the rule's text and the app's URL map."""
    return {m["name"]: converters[m["converter"] or "default"] for m in RULE_VARIABLE.finditer(rule.rule)}


def path_schema(converter: type) -> dict:
    """An id in a path: the whole numbers the route accepts (others match no route: 404)."""
    if issubclass(converter, IntegerConverter):
        return {"type": "integer", "minimum": 0, "maximum": DB_INT_MAX}
    return {"type": "string"}


def query_parameters(model: type[BaseModel] | None) -> list[dict]:
    """The query string's parameters, from the model that also parses it (types, bounds, defaults)."""
    if model is None:
        return []
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        # `int | None`: a query parameter is absent rather than null
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        if len(options) == 1:
            prop = {**options[0], **prop}
        if prop.get("default", "") is None:
            del prop["default"]
        description = prop.pop("description", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def operation(rule, route: RouteDoc, components: dict) -> dict:
    op: dict = {"summary": route.summary, "tags": [route.tag], "operationId": rule.endpoint.replace(".", "_")}
    converters = path_converters(rule, current_app.url_map.converters)
    params = [{"name": arg, "in": "path", "required": True, "schema": path_schema(converter)}
              for arg, converter in converters.items()]
    params += query_parameters(route.query)
    if params:
        op["parameters"] = params
    content = {}
    if route.body is not None:
        content["application/json"] = {"schema": schema_ref(route.body, components)}
    if route.multipart is not None:
        content["multipart/form-data"] = {"schema": schema_ref(route.multipart, components)}
    if content:
        op["requestBody"] = {"required": True, "content": content}
    success: dict = {"description": HTTPStatus(route.status).phrase}
    model = route.response or route.list_response
    if model is not None:
        success["content"] = {"application/json": {"schema": schema_ref(model, components)}}
    op["responses"] = {str(route.status): success}
    problem_ref = schema_ref(schemas.Problem, components)
    # 401 everywhere: a public route needs no token, but one that is sent is checked, and an unknown,
    # expired or malformed one is refused rather than silently read as anonymous.
    codes = set(route.errors) | {401}
    if content:
        codes |= {400, 413, 422}
    if route.query:
        codes |= {400}  # query parameters are checked (page and per_page, filters) and refused with a 400
    for code in sorted(codes):
        op["responses"][str(code)] = {"description": HTTPStatus(code).phrase,
                                      "content": {"application/problem+json": {"schema": problem_ref}}}
    if route.auth:
        op["security"] = [{"bearer": []}]
    return op

"""`GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the routes."""

from __future__ import annotations

import re
from http import HTTPStatus

from flask import current_app
from flask import jsonify
from pydantic import BaseModel

from app.api import bp
from app.api import schemas
from app.api.spec import RouteDoc
from app.api.spec import doc

REF = "#/components/schemas/{model}"


@bp.get("/openapi.json")
@doc("This document", auth=False, tag="meta")
def openapi():
    return jsonify(build_document())


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
        components[name] = sub
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def operation(rule, route: RouteDoc, components: dict) -> dict:
    op: dict = {"summary": route.summary, "tags": [route.tag], "operationId": rule.endpoint.replace(".", "_")}
    params = [{"name": arg, "in": "path", "required": True,
               "schema": {"type": "integer" if rule._converters.get(arg).__class__.__name__ == "IntegerConverter"
                          else "string"}}
              for arg in rule.arguments]
    params += [{"name": name, "in": "query", "required": False, "schema": {"type": kind}}
               for name, kind in route.query.items()]
    if params:
        op["parameters"] = params
    if route.body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": schema_ref(route.body, components)}}}
    success: dict = {"description": HTTPStatus(route.status).phrase}
    model = route.response or route.list_response
    if model is not None:
        success["content"] = {"application/json": {"schema": schema_ref(model, components)}}
    op["responses"] = {str(route.status): success}
    problem_ref = schema_ref(schemas.Problem, components)
    codes = set(route.errors) | ({401} if route.auth else set())
    if route.body is not None:
        codes |= {400, 413, 422}
    if route.query:
        codes |= {400}  # query parameters are checked (page and per_page, filters) and refused with a 400
    for code in sorted(codes):
        op["responses"][str(code)] = {"description": HTTPStatus(code).phrase,
                                      "content": {"application/problem+json": {"schema": problem_ref}}}
    if route.auth:
        op["security"] = [{"bearer": []}]
    return op

"""The OpenAPI document describes what the API answers: component names are unique, and the
answers every operation can give are declared."""

from __future__ import annotations

import pytest

from app.api.openapi import _add_component


def test_two_models_of_one_name_are_refused():
    components: dict = {}
    _add_component(components, "PartnerOut", {"type": "object", "required": ["organisation"]})
    _add_component(components, "PartnerOut", {"type": "object", "required": ["organisation"]})  # the same: fine

    with pytest.raises(RuntimeError, match="PartnerOut"):
        _add_component(components, "PartnerOut", {"type": "object", "required": ["organisation_id"]})


def test_an_applications_partners_are_documented_as_answered(api):
    schemas = api(None).get("/api/v1/openapi.json").get_json()["components"]["schemas"]

    ref = schemas["ApplicationOut"]["properties"]["partners"]["items"]["$ref"]
    partner = schemas[ref.rsplit("/", 1)[1]]
    assert set(partner["required"]) == {"organisation_id", "name", "role"}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", "/api/v1/calls", None),
    ("post", "/api/v1/signup", {"email": "new@example.org", "name": "New", "password": "x" * 12}),
    ("post", "/api/v1/password-reset", {"email": "new@example.org"}),
])
def test_a_public_route_declares_the_401_it_gives_to_a_bad_token(api, method, path, body):
    document = api(None).get("/api/v1/openapi.json").get_json()

    response = api(None).request(method.upper(), path, json=body, headers={"Authorization": "Bearer not-a-token"})

    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert "401" in document["paths"][path][method]["responses"]


# Query strings: declared once (a pydantic model in @doc), parsed and documented from it ---------

def test_every_list_route_declares_its_page_parameters(app):
    from app.api.params import PageQuery

    undeclared = [rule.rule for rule in app.url_map.iter_rules()
                  if (doc := getattr(app.view_functions[rule.endpoint], "openapi", None)) is not None
                  and doc.list_response is not None and not (doc.query and issubclass(doc.query, PageQuery))]
    assert undeclared == []


def test_query_parameters_are_documented_with_their_types_and_bounds(client):
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/checkins"]["get"]["parameters"]
                  if p["in"] == "query"}

    assert set(parameters) == {"page", "per_page", "project_id", "mentor_id", "status"}
    assert parameters["project_id"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert parameters["page"]["schema"]["default"] == 1 and parameters["page"]["schema"]["minimum"] == 1
    report = {p["name"] for p in document["paths"]["/api/v1/reports/funders"]["get"]["parameters"]}
    assert {"from", "to", "pole", "cohort"} <= report  # the alias, not the Python name `from_`


@pytest.mark.parametrize(("query", "field"), [("per_page=many", "per_page"), ("page=0", "page"),
                                              ("project_id=-3", "project_id"), ("mentor_id=99999999999", "mentor_id")])
def test_a_bad_query_parameter_is_a_400_naming_it(api, manager, query, field):
    response = api(manager).get(f"/api/v1/checkins?{query}")

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == [field]


def test_a_list_route_reads_its_declared_parameters(api, manager):
    body = api(manager).get("/api/v1/checkins?per_page=500&page=1&unknown=ignored").get_json()

    assert (body["page"], body["per_page"]) == (1, 100)  # capped

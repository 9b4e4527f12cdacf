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

"""The OpenAPI document describes every public route the gateway serves."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration


def test_openapi_document_lists_every_route_and_method(app, client):
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule == "/openapi.json":
            continue
        if rule.endpoint.startswith("web."):  # the browser app's files (gateway/web.py)
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in document["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], (method, path)


def test_openapi_document_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate

    validate(client.get("/openapi.json").get_json())


def test_every_documented_operation_is_a_route(app, client):
    """The other way round: a route removed (or moved to another port, as /metrics was) leaves
    the document too."""
    served = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    document = client.get("/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method in item.keys() & {"get", "put", "post", "delete", "patch"}:
            assert (path, method) in served, (method, path)


def test_the_document_keeps_its_title_and_version(client):
    document = client.get("/openapi.json").get_json()
    assert document["info"] == {"title": "Jaryo API", "version": "1"}


def test_every_refusal_is_documented_as_the_one_problem_shape(client):
    """A client reads every error alike: each 4xx and 5xx answer of every operation is
    application/problem+json with the Problem schema, which offers the machine-readable code."""
    document = client.get("/openapi.json").get_json()
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    refusals = [
        (path, method, status, answer["content"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status, answer in operation["responses"].items()
        if int(status) >= 400
    ]
    assert len(refusals) > 100
    assert [r for r in refusals if r[3] != problem] == []
    schema = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status"} <= set(schema["required"])
    assert schema["properties"]["code"]["type"] == "string"


def test_json_bodies_are_documented_by_the_models_the_views_validate_with(client):
    from gateway.auth.routes import Credentials, Refresh, SignIn
    from jaryo_shared.deck_spec import DeckFromUpload, DeckSpec

    document = client.get("/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    def body(path: str) -> dict:
        return document["paths"][path]["post"]["requestBody"]["content"]["application/json"]

    for path, model in [
        ("/v1/auth/register", Credentials),
        ("/v1/auth/token", SignIn),
        ("/v1/auth/refresh", Refresh),
    ]:
        name = body(path)["schema"]["$ref"].rsplit("/", 1)[-1]
        assert schemas[name]["properties"] == model.model_json_schema()["properties"], path
    deck_bodies = [choice["$ref"] for choice in body("/v1/decks")["schema"]["oneOf"]]
    assert deck_bodies == [f"#/components/schemas/{m.__name__}" for m in (DeckSpec, DeckFromUpload)]

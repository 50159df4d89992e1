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

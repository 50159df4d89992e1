"""Builds the OpenAPI 3.1 document with apispec: the paths from the Flask routes, each
operation from its view's `@documented` models, the schemas from pydantic."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from typing import Any

from apispec import APISpec
from flask import Blueprint, Flask, Response, jsonify
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema
from pydantic_core import core_schema
from werkzeug.routing import Rule

from gateway.openapi.common import all_answers, header
from gateway.openapi.operations import JSON, Answer, Operation, operation_of

TITLE, VERSION, OPENAPI_VERSION = "Jaryo API", "1", "3.1.0"
METHODS = ("get", "put", "post", "delete", "patch")
REF = "#/components/schemas/{model}"
_PATH_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")

blueprint = Blueprint("openapi", __name__)
Refs = dict[tuple[Any, JsonSchemaMode], dict[str, Any]]


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


def document() -> dict[str, Any]:
    """A copy each time, so that no caller can change another's."""
    return copy.deepcopy(_built())


@functools.cache
def _built() -> dict[str, Any]:
    # Built once per process: pydantic takes about 150 ms over all the models.
    operations = list(_documented_routes(_routes_app()))
    refs, schemas = _schemas([operation for _, _, _, operation in operations])
    spec = APISpec(TITLE, VERSION, OPENAPI_VERSION)
    spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    for name, schema in schemas.items():
        spec.components.schema(name, schema)
    for rule, method, endpoint, operation in operations:
        spec.path(
            path=_PATH_ARGUMENT.sub(r"{\2}", rule.rule),
            operations={method: _operation(rule, endpoint, operation, refs)},
        )
    return spec.to_dict()


def _routes_app() -> Flask:
    """A Flask app holding the public routes and nothing else: the document describes the code,
    and needs no server. (Imported here: the route modules import this package.)"""
    from gateway.blueprints import public_blueprints

    app = Flask("gateway")
    for routes in public_blueprints():
        app.register_blueprint(routes)
    return app


def _documented_routes(app: Flask) -> Iterator[tuple[Rule, str, str, Operation]]:
    for rule in app.url_map.iter_rules():
        operation = operation_of(app.view_functions[rule.endpoint])
        if operation is None:
            continue  # tests/integration/test_openapi.py fails on a public route left out
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method.lower(), rule.endpoint, operation


def _schemas(operations: list[Operation]) -> tuple[Refs, dict[str, Any]]:
    """Every body's model as a component: what is read as pydantic validates it, what is
    answered as the views write it."""
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {}
    for operation in operations:
        for model in (*operation.body, operation.form):
            if model is not None:
                wanted[(model, "validation")] = None
        for answer in operation.answers.values():
            if answer.model is not None:
                wanted[(answer.model, "serialization")] = None
    refs, schemas = models_json_schema(
        list(wanted), ref_template=REF, schema_generator=_WithoutNullDefaults
    )
    return dict(refs), schemas.get("$defs", {})


class _WithoutNullDefaults(GenerateJsonSchema):
    """A field that defaults to None is one the client may leave out, or the view does: its
    schema says nothing of null unless the field's type allows it (`gateway.schemas.Absent`)."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> dict[str, Any]:
        found = super().default_schema(schema)
        if "default" in found and found["default"] is None:
            del found["default"]
        return found


def _operation(rule: Rule, endpoint: str, operation: Operation, refs: Refs) -> dict[str, Any]:
    found: dict[str, Any] = {"operationId": endpoint.replace(".", "_")}
    if operation.description:
        found["description"] = operation.description
    if not operation.public:
        found["security"] = [{"bearer": []}]
    parameters = _path_parameters(rule, operation.path)
    for location, model in (("query", operation.query), ("header", operation.headers)):
        if model is not None:
            parameters += _parameters(model, location)
    if parameters:
        found["parameters"] = parameters
    body = _request_body(operation, refs)
    if body:
        found["requestBody"] = body
    found["responses"] = {
        str(status): _response(answer, refs) for status, answer in all_answers(operation).items()
    }
    return found


def _path_parameters(rule: Rule, model: type[BaseModel] | None) -> list[dict[str, Any]]:
    if model is not None:
        return _parameters(model, "path")
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer" if converter == "int" else "string"},
        }
        for converter, name in _PATH_ARGUMENT.findall(rule.rule)
    ]


def _parameters(model: type[BaseModel], location: str) -> list[dict[str, Any]]:
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", ()))
    parameters = []
    for name, field in schema["properties"].items():
        field = {key: value for key, value in field.items() if key not in ("title", "default")}
        parameter: dict[str, Any] = {"name": name, "in": location}
        if "description" in field:
            parameter["description"] = field.pop("description")
        if location == "path" or name in required:
            parameter["required"] = True
        parameters.append({**parameter, "schema": field})
    return parameters


def _request_body(operation: Operation, refs: Refs) -> dict[str, Any] | None:
    if operation.form is not None:
        media_type, schema = "multipart/form-data", refs[(operation.form, "validation")]
    elif operation.body:
        media_type = JSON
        choices = [refs[(model, "validation")] for model in operation.body]
        schema = choices[0] if len(choices) == 1 else {"oneOf": choices}
    else:
        return None
    return {"required": True, "content": {media_type: {"schema": schema}}}


def _response(answer: Answer, refs: Refs) -> dict[str, Any]:
    found: dict[str, Any] = {"description": answer.description}
    if answer.media_type is not None:
        media: dict[str, Any] = {}
        if answer.model is not None:
            media["schema"] = refs[(answer.model, "serialization")]
        types = (answer.media_type, *answer.alternatives)
        found["content"] = {media_type: dict(media) for media_type in types}
    if answer.headers:
        found["headers"] = {name: header(name) for name in answer.headers}
    return found

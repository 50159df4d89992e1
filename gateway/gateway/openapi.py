"""The OpenAPI 3.1 document of the public API, served at /openapi.json. Request bodies come
from the same pydantic models the routes validate with. Schemathesis holds the gateway to it
(tests/integration/test_contract_fuzz.py): every status code, content type, header and body a
route can answer with is written here."""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Response, jsonify
from pydantic import BaseModel

from gateway.auth.routes import Credentials, Refresh, SignIn
from gateway.uploads.receive import IMAGE_TYPES
from jaryo_shared.deck_spec import DeckFromUpload, DeckSpec
from jaryo_shared.ocr_result import OcrResult

blueprint = Blueprint("openapi", __name__)

PROBLEM = {"$ref": "#/components/schemas/Problem"}
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM}},
    }
    if headers:
        response["headers"] = headers
    return response


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "required": True, "schema": {"type": "string"}}


RETRY_AFTER = {"Retry-After": _header("whole seconds to wait before trying again")}
LOCATION = {"Location": _header("the path of what was made")}


def _retry_later(description: str) -> dict[str, Any]:
    return _problem(description, RETRY_AFTER)


def _json(
    schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None
) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        response["headers"] = headers
    return response


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": model.model_json_schema()}},
    }


TOKEN_PAIR = {
    "type": "object",
    "required": ["access_token", "refresh_token", "token_type", "expires_in"],
    "properties": {
        "access_token": {"type": "string"},
        "refresh_token": {"type": "string"},
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer"},
    },
}
USER = {
    "type": "object",
    "properties": {"user_id": {"type": "string"}, "username": {"type": "string"}},
}
IMAGE = {
    "type": "object",
    "properties": {
        "image_id": {"type": "string"},
        "filename": {"type": "string"},
        "status": {
            "enum": ["queued", "processing", "done", "failed"],
            "description": "done once stored and read; failed says why in `reason`",
        },
        "reason": {"type": "string"},
        "storage": {
            "type": "object",
            "properties": {"status": {"enum": ["queued", "stored", "rejected"]}},
        },
        "ocr": {"$ref": "#/components/schemas/OcrResult"},
        "size": {"type": "integer"},
        "type": {"type": ["string", "null"]},
        "width": {"type": ["integer", "null"]},
        "height": {"type": ["integer", "null"]},
        "sha256": {"type": ["string", "null"]},
        "links": {"type": "object"},
    },
}
UPLOAD = {
    "type": "object",
    "properties": {
        "upload_id": {"type": "string"},
        "status": {"enum": ["processing", "completed", "partial", "failed"]},
        "failures": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"image_id": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
        "image_type": {"enum": sorted(IMAGE_TYPES)},
        "created_at": {"type": "string", "format": "date-time"},
        "expires_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "when retention purges it; null if kept forever",
        },
        "images": {"type": "array", "items": IMAGE},
    },
}
UPLOAD_ID = {"name": "upload_id", "in": "path", "required": True, "schema": {"type": "string"}}
IMAGE_ID = {"name": "image_id", "in": "path", "required": True, "schema": {"type": "string"}}
WAIT = {
    "name": "wait",
    "in": "query",
    "description": "wait up to this many seconds for it to finish",
    "schema": {"type": "integer", "minimum": 0, "maximum": 60},
}
NOT_FOUND = _problem("not the caller's, or does not exist")
PAGING = [
    {
        "name": "limit",
        "in": "query",
        "description": "items a page (20 if not given)",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
    {
        "name": "cursor",
        "in": "query",
        "description": "`next_cursor` of the page before",
        "schema": {"type": "string"},
    },
]
SSE_EVENT = {
    "type": "object",
    "description": "one event of the stream (a `retry:` and `: keep-alive` lines besides)",
    "required": ["event", "data"],
    "properties": {
        "event": {"enum": ["progress", "completed", "gone"]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "description": "the upload's state (as GET /v1/uploads/{upload_id} without the "
            "text), or on `gone` a `detail`",
        },
    },
}
BAD_PAGE = _problem("limit out of range, or a cursor this API did not hand out")
TOO_MANY_WAITS = _retry_later(
    "the caller already holds as many waiting requests (?wait, /events) as one user may on "
    "this server; see Retry-After"
)
UNAUTHORIZED = _problem(
    "no bearer token, or not a valid one",
    {"WWW-Authenticate": _header('`Bearer realm="jaryo"`')},
)
TOO_LARGE = _problem("the request is larger than the gateway accepts")
# Refused by the HTTP server before any route sees the request, whatever the route.
MALFORMED = {
    "400": _problem("not a well-formed HTTP request"),
    "414": _problem("the request line (path and query) is too long"),
    "431": _problem("a header, or all of them, too large"),
}
# A server the gateway needs (database, broker, object store) is out of reach, whatever the route.
UNAVAILABLE = _retry_later("a server Jaryo needs is out of reach; see Retry-After")
METHODS = ("get", "put", "post", "delete", "patch")


def _with_common_answers(paths: dict[str, Any]) -> dict[str, Any]:
    """What routes answer alike, added in one place so that no operation can leave it out: 401
    wherever a token is needed, 413 wherever a body is read (a request over the gateway's size
    limit is refused before it is read), and the refusals of malformed HTTP everywhere."""
    paths = copy.deepcopy(paths)  # the constants above are shared between operations
    for item in paths.values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation["responses"]
            if "security" in operation:
                responses.setdefault("401", UNAUTHORIZED)
            if "requestBody" in operation:
                responses.setdefault("413", TOO_LARGE)
            for status, response in MALFORMED.items():
                responses.setdefault(status, response)
            responses.setdefault("503", UNAVAILABLE)
    return paths


def _ocr_schemas() -> dict[str, Any]:
    """The OCR result's schema from its pydantic model; until the image is read only `status`
    (queued or processing) is present."""
    schema = OcrResult.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    schema["properties"]["status"] = {"enum": ["queued", "processing", "done", "failed"]}
    schema["required"] = ["status"]
    return {"OcrResult": schema, **definitions}


def _deck_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in (DeckSpec, DeckFromUpload):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


DECK = {
    "type": "object",
    "properties": {
        "deck_id": {"type": "string"},
        "status": {"enum": ["queued", "building", "completed", "failed"]},
        "title": {"type": "string"},
        "template_id": {"type": "string"},
        "slide_count": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
        "completed_at": {"type": "string", "format": "date-time"},
        "reason": {"type": "string"},
        "size": {"type": "integer"},
        "previews": {
            "oneOf": [{"type": "array", "items": {"type": "string"}}, {"const": "unavailable"}]
        },
        "links": {"type": "object"},
    },
}
TEMPLATE = {
    "type": "object",
    "properties": {
        "template_id": {"type": "string"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "layouts": {"type": "array", "items": {"type": "string"}},
        "preview_url": {"type": ["string", "null"]},
        "private": {"type": "boolean"},
    },
}
DECK_ID = {"name": "deck_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _deck_paths() -> dict[str, Any]:
    pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    not_ready = _problem("not built (yet)")
    return {
        "/v1/templates": {
            "get": {
                "security": BEARER,
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"items": {"type": "array", "items": TEMPLATE}},
                        },
                        "built-in templates, then the caller's own",
                    ),
                },
            },
            "post": {
                "security": BEARER,
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["template"],
                                "properties": {
                                    "template": {"type": "string", "format": "binary"},
                                    "name": {"type": "string"},
                                    "description": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json(TEMPLATE, "a private template of the caller", LOCATION),
                    "413": _problem(
                        "over the size limit, or past the caller's template storage "
                        "(`limit`: template_bytes_per_user)"
                    ),
                    "422": _problem(
                        "not a plain .pptx; macros, ActiveX or OLE objects; external links; "
                        "unpacks to more than a template may; a broken zip"
                    ),
                    "429": _problem(
                        "the caller keeps as many templates as allowed (`limit`: "
                        "templates_per_user), or is adding another one (see Retry-After)"
                    ),
                },
            },
        },
        "/v1/templates/{template_id}": {
            "parameters": [
                {
                    "name": "template_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "delete": {
                "security": BEARER,
                "responses": {
                    "204": {"description": "deleted"},
                    "403": _problem("a built-in template"),
                    "404": NOT_FOUND,
                },
            },
        },
        "/v1/templates/{template_id}/preview": {
            "parameters": [
                {
                    "name": "template_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "get": {
                "security": BEARER,
                "responses": {
                    "200": {"description": "its first slide", "content": {"image/png": {}}},
                    "404": NOT_FOUND,
                },
            },
        },
        "/v1/decks": {
            "post": {
                "security": BEARER,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/DeckSpec"},
                                    {"$ref": "#/components/schemas/DeckFromUpload"},
                                ]
                            }
                        }
                    },
                },
                "responses": {
                    "202": _json(DECK, "accepted; Location names the deck", LOCATION),
                    "404": _problem("unknown template, image or upload; `pointer` names it"),
                    "409": _problem("the upload is still being read"),
                    "422": _problem("malformed; `pointer` names the field"),
                },
            },
            "get": {
                "security": BEARER,
                "parameters": PAGING,
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": DECK},
                                "next_cursor": {"type": ["string", "null"]},
                            },
                        },
                        "newest first",
                    ),
                    "422": BAD_PAGE,
                },
            },
        },
        "/v1/decks/{deck_id}": {
            "parameters": [DECK_ID],
            "get": {
                "security": BEARER,
                "parameters": [WAIT],
                "responses": {
                    "200": _json(DECK, "the deck (finished, or the wait ran out)"),
                    "404": NOT_FOUND,
                    "422": _problem("wait out of range"),
                    "429": TOO_MANY_WAITS,
                },
            },
            "delete": {
                "security": BEARER,
                "responses": {"204": {"description": "deleted"}, "404": NOT_FOUND},
            },
        },
        "/v1/decks/{deck_id}/spec": {
            "parameters": [DECK_ID],
            "get": {
                "security": BEARER,
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/DeckSpec"}, "edit, post back"),
                    "404": NOT_FOUND,
                },
            },
        },
        "/v1/decks/{deck_id}/file": {
            "parameters": [DECK_ID],
            "get": {
                "security": BEARER,
                "responses": {
                    "200": {"description": "the .pptx", "content": {pptx: {}}},
                    "404": NOT_FOUND,
                    "409": not_ready,
                },
            },
        },
        "/v1/decks/{deck_id}/previews/{number}": {
            "parameters": [
                DECK_ID,
                {
                    "name": "number",
                    "in": "path",
                    "required": True,
                    "description": "slides are numbered from 1",
                    "schema": {"type": "integer", "minimum": 1},
                },
            ],
            "get": {
                "security": BEARER,
                "responses": {
                    "200": {"description": "that slide as PNG", "content": {"image/png": {}}},
                    "404": _problem("no such slide, or previews unavailable"),
                    "409": not_ready,
                },
            },
        },
    }


def document() -> dict[str, Any]:
    image_bytes = {"description": "the image", "content": {"image/*": {}}}
    image_route = {  # the original and the thumbnail answer alike
        "parameters": [UPLOAD_ID, IMAGE_ID],
        "get": {
            "security": BEARER,
            "responses": {
                "200": image_bytes,
                "404": NOT_FOUND,
                "409": _problem("not stored (yet)"),
            },
        },
    }
    whole: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Jaryo API", "version": "1"},
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
            "schemas": {
                **_ocr_schemas(),
                **_deck_schemas(),
                "Problem": {
                    "type": "object",
                    "description": "RFC 9457 problem details",
                    "required": ["type", "title", "status"],
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "instance": {"type": "string"},
                        "limit": {
                            "type": "string",
                            "description": "on a 429: the rate limit that was reached",
                        },
                        "pointer": {
                            "type": "string",
                            "description": "a JSON pointer to the field at fault (in the body, "
                            "or `/name` for a query parameter or header)",
                        },
                        "errors": {
                            "type": "array",
                            "description": "on a 422: every field at fault",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "pointer": {"type": "string"},
                                    "detail": {"type": "string"},
                                },
                            },
                        },
                        "correlation_id": {
                            "type": "string",
                            "description": "on a 500: what the gateway's log line carries",
                        },
                    },
                },
            },
        },
        "paths": {
            "/healthz": {
                "get": {
                    "responses": {
                        "200": _json(
                            {"type": "object", "properties": {"status": {"const": "ok"}}},
                            "the process answers",
                        )
                    }
                }
            },
            "/readyz": {
                "get": {
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "status": {"const": "ready"},
                                    "checks": {"type": "object"},
                                },
                            },
                            "MongoDB, RabbitMQ and S3 reachable",
                        ),
                        "503": _problem("names what is down (`checks`)"),
                    }
                }
            },
            "/v1/auth/register": {
                "post": {
                    "requestBody": _body(Credentials),
                    "responses": {
                        "201": _json(USER, "created"),
                        "409": _problem("name taken"),
                        "422": _problem("invalid input"),
                        "429": _retry_later(
                            "too many registrations from this address (`limit`); see Retry-After"
                        ),
                    },
                }
            },
            "/v1/auth/token": {
                "post": {
                    "requestBody": _body(SignIn),
                    "responses": {
                        "200": _json(TOKEN_PAIR, "signed in"),
                        "401": _problem("unknown user or wrong password"),
                        "422": _problem("invalid input"),
                        "429": _retry_later(
                            "too many failed sign-ins for this username from this address, or "
                            "from this address; `limit` says which; see Retry-After"
                        ),
                    },
                }
            },
            "/v1/auth/refresh": {
                "post": {
                    "requestBody": _body(Refresh),
                    "responses": {
                        "200": _json(TOKEN_PAIR, "a new pair; the old refresh token is spent"),
                        "401": _problem(
                            "invalid, expired or spent; a spent one presented again ends its "
                            "sign-in (every refresh token descending from it is refused)"
                        ),
                        "422": _problem("invalid input"),
                    },
                }
            },
            "/v1/me": {
                "get": {
                    "security": BEARER,
                    "responses": {"200": _json(USER, "the caller"), "401": UNAUTHORIZED},
                }
            },
            "/v1/uploads": {
                "post": {
                    "security": BEARER,
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "description": "a retry with the same key gets the first upload "
                            "back; once that upload is deleted, the key makes a new one",
                            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "image_type": {
                                            "enum": sorted(IMAGE_TYPES),
                                            "default": "mixed-printed",
                                        },
                                        "images": {
                                            "type": "array",
                                            "items": {"type": "string", "format": "binary"},
                                        },
                                    },
                                    "patternProperties": {
                                        "^image[0-9]+$": {"type": "string", "format": "binary"}
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": _json(UPLOAD, "accepted; Location names the upload", LOCATION),
                        "409": _problem("a request with this Idempotency-Key is in progress"),
                        "413": _problem(
                            "a file or the request is too large, or the images would pass the "
                            "caller's stored bytes (`limit`: stored_bytes_per_user)"
                        ),
                        "415": _problem("not an accepted image type"),
                        "429": _problem(
                            "the caller keeps as many uploads as one person may (`limit`: "
                            "uploads_per_user), or another of their uploads is being recorded"
                        ),
                        "422": _problem("invalid upload"),
                        "503": _problem("the images could not be stored; try again"),
                    },
                },
                "get": {
                    "security": BEARER,
                    "parameters": PAGING,
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "items": {"type": "array", "items": UPLOAD},
                                    "next_cursor": {"type": ["string", "null"]},
                                },
                            },
                            "newest first",
                        ),
                        "422": BAD_PAGE,
                    },
                },
            },
            "/v1/uploads/{upload_id}": {
                "parameters": [UPLOAD_ID],
                "get": {
                    "security": BEARER,
                    "parameters": [WAIT],
                    "responses": {
                        "200": _json(UPLOAD, "the upload (finished, or the wait ran out)"),
                        "404": NOT_FOUND,
                        "422": _problem("wait out of range"),
                        "429": TOO_MANY_WAITS,
                    },
                },
                "delete": {
                    "security": BEARER,
                    "responses": {"204": {"description": "deleted"}, "404": NOT_FOUND},
                },
            },
            "/v1/uploads/{upload_id}/text": {
                "parameters": [UPLOAD_ID],
                "get": {
                    "security": BEARER,
                    "parameters": [WAIT],
                    "responses": {
                        "200": {
                            "description": "the text of every read image, in upload order, "
                            "separated by a blank line",
                            "content": {
                                "text/plain; charset=utf-8": {"schema": {"type": "string"}}
                            },
                        },
                        "404": NOT_FOUND,
                        "409": _problem("still being read"),
                        "422": _problem("wait out of range"),
                        "429": TOO_MANY_WAITS,
                    },
                },
            },
            "/v1/uploads/{upload_id}/events": {
                "parameters": [UPLOAD_ID],
                "get": {
                    "security": BEARER,
                    "description": "Server-Sent Events: `progress` (the upload's state, without "
                    "text) whenever it changes, then `completed`, and the stream ends; `gone` if "
                    "the upload is deleted meanwhile.",
                    "responses": {
                        "200": {
                            "description": "the event stream",
                            "content": {"text/event-stream": {"schema": SSE_EVENT}},
                        },
                        "404": NOT_FOUND,
                        "429": TOO_MANY_WAITS,
                        "503": _retry_later("too many clients waiting; see Retry-After"),
                    },
                },
            },
            **_deck_paths(),
            "/v1/uploads/{upload_id}/images/{image_id}/original": image_route,
            "/v1/uploads/{upload_id}/images/{image_id}/thumbnail": image_route,
        },
    }
    whole["paths"] = _with_common_answers(whole["paths"])
    return whole


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())

"""Reading request bodies into pydantic models; every failure is a 422 naming the field."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from gateway.problems import InvalidInput

M = TypeVar("M", bound=BaseModel)


def json_pointer(location: tuple[int | str, ...]) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in location)


def errors_of(
    exc: ValidationError, union_tags: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """Each error with a JSON pointer into the request body. pydantic puts the chosen member of
    a tagged union (e.g. "text" for an element of type text) into the location after the list
    index; that is not part of the body, so it is dropped."""
    found = []
    for err in exc.errors():
        location: list[int | str] = []
        previous: int | str | None = None
        for part in err["loc"]:
            if not (part in union_tags and isinstance(previous, int)):
                location.append(part)
            previous = part
        found.append({"pointer": json_pointer(tuple(location)), "detail": err["msg"]})
    return found


def json_body() -> dict[str, Any]:
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        # Python's JSON parser recurses once per nesting level and gives up near 1000;
        # no request of this API nests more than a few levels.
        raise InvalidInput("the body nests too deeply", errors=[]) from None
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object", errors=[])
    return body


def validate(model: type[M], body: dict[str, Any], union_tags: frozenset[str] = frozenset()) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors = errors_of(exc, union_tags)
        first = errors[0]
        raise InvalidInput(
            f"{first['pointer']}: {first['detail']}", pointer=first["pointer"], errors=errors
        ) from None


def parse_json(model: type[M]) -> M:
    return validate(model, json_body())

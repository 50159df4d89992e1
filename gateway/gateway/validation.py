"""Reading request bodies into pydantic models; every failure is a 422 naming the field."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from gateway.problems import Problem

M = TypeVar("M", bound=BaseModel)


class InvalidInput(Problem):
    status, slug, title = 422, "invalid-input", "Invalid input"


def json_pointer(location: tuple[int | str, ...]) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in location)


def errors_of(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"pointer": json_pointer(tuple(err["loc"])), "detail": err["msg"]} for err in exc.errors()
    ]


def parse_json(model: type[M]) -> M:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object", errors=[])
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors = errors_of(exc)
        first = errors[0]
        raise InvalidInput(f"{first['pointer']}: {first['detail']}", errors=errors) from None

"""`@documented`: what a view reads and answers, kept on the view itself as pydantic models, for
the generated OpenAPI document. It only records; the view runs exactly as before."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from gateway.problems import MEDIA_TYPE as PROBLEM_MEDIA_TYPE
from gateway.schemas import Problem

F = TypeVar("F", bound=Callable[..., Any])
_ATTRIBUTE = "openapi_operation"
JSON = "application/json"


@dataclass(frozen=True)
class Answer:
    """One status code's answer: its body's media type and model (if any), and the headers it
    always carries (names from gateway.openapi.common.HEADERS)."""

    description: str
    media_type: str | None = None
    model: type[BaseModel] | None = None
    headers: tuple[str, ...] = ()
    # Other media types the same answer may come in (a query parameter chooses), same model.
    alternatives: tuple[str, ...] = ()


def json(model: type[BaseModel], description: str, *headers: str) -> Answer:
    return Answer(description, JSON, model, headers)


def problem(description: str, *headers: str) -> Answer:
    return Answer(description, PROBLEM_MEDIA_TYPE, Problem, headers)


def content(
    media_type: str,
    description: str,
    model: type[BaseModel] | None = None,
    *,
    alternatives: tuple[str, ...] = (),
    headers: tuple[str, ...] = (),
) -> Answer:
    """A body that is not JSON (bytes, text, an event stream); the model, if any, says its shape;
    `alternatives` are other media types it may come in instead (as `?format` chooses)."""
    return Answer(description, media_type, model, headers, alternatives=alternatives)


def empty(description: str) -> Answer:
    return Answer(description)


@dataclass(frozen=True)
class Operation:
    """The request a view reads (each part a model) and the answers it gives, by status."""

    answers: dict[int, Answer]
    body: tuple[type[BaseModel], ...] = ()  # a JSON body: one of these models
    form: type[BaseModel] | None = None  # a multipart/form-data body
    query: type[BaseModel] | None = None
    headers: type[BaseModel] | None = None
    path: type[BaseModel] | None = None  # only where a path parameter is more than a string
    public: bool = False  # no bearer token needed
    description: str | None = None


def documented(
    answers: dict[int, Answer],
    *,
    body: tuple[type[BaseModel], ...] | type[BaseModel] = (),
    form: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    headers: type[BaseModel] | None = None,
    path: type[BaseModel] | None = None,
    public: bool = False,
) -> Callable[[F], F]:
    """Record the view's operation on it. Placed under the route decorator, so that the function
    Flask calls is the one carrying it; the view's docstring becomes the description."""
    bodies = body if isinstance(body, tuple) else (body,)

    def attach(view: F) -> F:
        operation = Operation(
            answers, bodies, form, query, headers, path, public, _description(view)
        )
        setattr(view, _ATTRIBUTE, operation)
        return view

    return attach


def operation_of(view: Callable[..., Any]) -> Operation | None:
    found: Operation | None = getattr(view, _ATTRIBUTE, None)
    return found


def _description(view: Callable[..., Any]) -> str | None:
    doc = (view.__doc__ or "").strip()
    return " ".join(doc.split()) or None

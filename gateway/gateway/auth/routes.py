"""/v1/auth/* and /v1/me."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from gateway.auth import accounts, sessions, throttle
from gateway.auth.schemas import TokenPair, User
from gateway.auth.tokens import InvalidToken
from gateway.bootstrap import current_deps
from gateway.openapi.common import INVALID_INPUT
from gateway.openapi.operations import documented, json, problem
from gateway.problems import Unauthorized
from gateway.validation import parse_json

blueprint = Blueprint("auth", __name__, url_prefix="/v1")
F = TypeVar("F", bound=Callable[..., Any])


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(min_length=8, max_length=256)


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Refresh(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(min_length=1, max_length=4096)


def _attempt(body: Credentials | SignIn) -> accounts.Attempt:
    """The sign-up or sign-in, from the caller's address (gateway.app trusts X-Forwarded-For
    only as far as configured)."""
    address = throttle.client_address(request.remote_addr)
    return accounts.Attempt(body.username, body.password, address, current_deps().clock.now())


def require_user(view: F) -> F:
    """Admit only requests with a valid access token; `g.user_id` is the caller."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("a bearer token is required")
        deps = current_deps()
        try:
            verified = deps.tokens.verify(token.strip(), "access", deps.clock.now())
        except InvalidToken:
            raise Unauthorized("the token is invalid or expired") from None
        g.user_id = verified.user_id
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@blueprint.post("/auth/register")
@documented(
    {
        201: json(User, "created"),
        409: problem("name taken"),
        422: INVALID_INPUT,
        429: problem(
            "too many registrations from this address (`limit`); see Retry-After", "Retry-After"
        ),
    },
    body=Credentials,
    public=True,
)
def register() -> tuple[Response, int]:
    attempt = _attempt(parse_json(Credentials))
    deps = current_deps()
    user = accounts.register(deps.db, deps.settings, attempt)
    return jsonify(user_id=user["_id"], username=user["username"]), 201


@blueprint.post("/auth/token")
@documented(
    {
        200: json(TokenPair, "signed in"),
        401: problem("unknown user or wrong password"),
        422: INVALID_INPUT,
        429: problem(
            "too many failed sign-ins for this username from this address, or from this "
            "address; `limit` says which; see Retry-After",
            "Retry-After",
        ),
    },
    body=SignIn,
    public=True,
)
def token() -> Response:
    attempt = _attempt(parse_json(SignIn))
    deps = current_deps()
    pair = sessions.sign_in(deps.db, deps.tokens, deps.settings, attempt)
    return jsonify(pair.as_json())


@blueprint.post("/auth/refresh")
@documented(
    {
        200: json(TokenPair, "a new pair; the old refresh token is spent"),
        401: problem(
            "invalid, expired or spent; a spent one presented again ends its sign-in (every "
            "refresh token descending from it is refused)"
        ),
        422: INVALID_INPUT,
    },
    body=Refresh,
    public=True,
)
def refresh() -> Response:
    body = parse_json(Refresh)
    deps = current_deps()
    pair = sessions.refresh(
        deps.db, deps.tokens, deps.settings, body.refresh_token, deps.clock.now()
    )
    return jsonify(pair.as_json())


@blueprint.get("/me")
@documented({200: json(User, "the caller")})
@require_user
def me() -> Response:
    user = accounts.account(current_deps().db, g.user_id)
    if user is None:
        raise Unauthorized("the account no longer exists")
    return jsonify(user_id=user["_id"], username=user["username"])

"""/v1/auth/* and /v1/me."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from gateway.auth import accounts, cookies, sessions, throttle
from gateway.auth.schemas import SignedIn, User
from gateway.auth.tokens import InvalidToken
from gateway.bootstrap import current_deps
from gateway.openapi.common import INVALID_INPUT
from gateway.openapi.operations import Answer, documented, json, problem
from gateway.problems import Unauthorized
from gateway.schemas import Absent
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
    # Optional members default by a factory: pydantic then writes no `default: null` into the
    # model's schema, which the document leaves out too (openapi/builder.py), so the two agree.
    session: Literal["cookie"] | Absent = Field(
        default_factory=lambda: None,
        description="`cookie`: the browser flow, the refresh token in an HttpOnly cookie instead "
        f"of the answer (needs the header `{cookies.CSRF_HEADER}: {cookies.CSRF_VALUE}`)",
    )


class Refresh(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: Annotated[str, Field(min_length=1, max_length=4096)] | Absent = Field(
        default_factory=lambda: None,
        description="left out in the browser flow: the cookie carries it (and the header "
        f"`{cookies.CSRF_HEADER}: {cookies.CSRF_VALUE}` must come with it)",
    )


class CsrfHeader(BaseModel):
    x_jaryo_csrf: str | Absent = Field(
        None,
        alias="X-Jaryo-CSRF",  # cookies.CSRF_HEADER
        description=f"`{cookies.CSRF_VALUE}`, on every request of the browser (cookie) flow",
    )


def _attempt(body: Credentials | SignIn) -> accounts.Attempt:
    """The sign-up or sign-in, from the caller's address."""
    return accounts.Attempt(
        body.username, body.password, caller_address(), current_deps().clock.now()
    )


def caller_address() -> str:
    """The caller's address, for rate limits (gateway.app trusts X-Forwarded-For only as far as
    configured)."""
    return throttle.client_address(request.remote_addr)


def require_user(view: F) -> F:
    """Admit only requests with a live access token (sessions.check_live: its account exists,
    its sign-in was not ended, no sign-out of every device since); `g.user_id` is the caller,
    `g.token` the verified token."""

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
        sessions.check_live(deps.db, verified)
        g.user_id, g.token = verified.user_id, verified
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def still_signed_in() -> Callable[[], bool]:
    """For an answer that outlives require_user's check (a stream): asks again whether the
    caller's sign-in is live, as require_user would."""
    db, token = current_deps().db, g.token
    return lambda: sessions.is_live(db, token)


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


CSRF_REFUSED = problem(
    f"the browser (cookie) flow without the header `{cookies.CSRF_HEADER}: "
    f"{cookies.CSRF_VALUE}`, or from a page of another origin"
)


@blueprint.post("/auth/token")
@documented(
    {
        200: json(
            SignedIn, "signed in: a pair, or in the browser flow an access token", "Set-Cookie"
        ),
        401: problem("unknown user or wrong password"),
        403: CSRF_REFUSED,
        422: INVALID_INPUT,
        429: problem(
            "too many failed sign-ins for this username from this address, or from this "
            "address; `limit` says which; see Retry-After",
            "Retry-After",
        ),
    },
    body=SignIn,
    headers=CsrfHeader,
    public=True,
)
def token() -> Response:
    """Sign in. With `session: "cookie"` (the browser flow) the refresh token is set as an
    HttpOnly cookie and the answer holds the access token alone."""
    body = parse_json(SignIn)
    if body.session == "cookie":
        cookies.check_csrf(request)
    attempt = _attempt(body)
    deps = current_deps()
    pair = sessions.sign_in(deps.db, deps.tokens, deps.settings, attempt)
    if body.session != "cookie":
        return jsonify(pair.as_json())
    return in_cookie(pair)


@blueprint.post("/auth/refresh")
@documented(
    {
        200: json(
            SignedIn,
            "a new pair (or access token and cookie); the old refresh token is spent",
            "Set-Cookie",
        ),
        401: problem(
            "invalid, expired or spent; a spent one presented again ends its sign-in (every "
            "refresh token descending from it is refused); in the browser flow the cookie is "
            "cleared",
            "Set-Cookie",
        ),
        403: CSRF_REFUSED,
        422: INVALID_INPUT,
    },
    body=Refresh,
    headers=CsrfHeader,
    public=True,
)
def refresh() -> Response:
    """Trade a refresh token for the next pair. Without `refresh_token` in the body (the browser
    flow) the cookie is the token, and the answer sets the next one."""
    body = parse_json(Refresh)
    if body.refresh_token is not None:
        return jsonify(_next_pair(body.refresh_token).as_json())
    cookies.check_csrf(request)
    try:
        pair = _next_pair(_cookie_token())
    except Unauthorized as refused:
        # A refused cookie never works again: the browser need not keep sending it.
        refused.headers["Set-Cookie"] = cookies.clearing_header(request)
        raise
    return in_cookie(pair)


@blueprint.post("/auth/refresh/revoke")
@documented(
    {
        204: Answer(
            "signed out: the refresh token's sign-in is ended (if it was live) and, in the "
            "browser flow, the cookie cleared",
            headers=("Set-Cookie",),
        ),
        403: CSRF_REFUSED,
        422: INVALID_INPUT,
    },
    body=Refresh,
    headers=CsrfHeader,
    public=True,
)
def revoke() -> Response:
    """Sign out: end the sign-in of the refresh token in the body or, in the browser flow, in
    the cookie. No refresh token of that sign-in works again."""
    body = parse_json(Refresh)
    if body.refresh_token is None:
        cookies.check_csrf(request)
    token = body.refresh_token or cookies.refresh_token_of(request)
    deps = current_deps()
    if token is not None:
        sessions.sign_out(deps.db, deps.tokens, deps.settings, token, deps.clock.now())
    response = Response(status=204)
    if body.refresh_token is None:
        response.headers["Set-Cookie"] = cookies.clearing_header(request)
    return response


def _next_pair(refresh_token: str) -> sessions.TokenPair:
    deps = current_deps()
    return sessions.refresh(deps.db, deps.tokens, deps.settings, refresh_token, deps.clock.now())


def _cookie_token() -> str:
    token = cookies.refresh_token_of(request)
    if token is None:
        raise Unauthorized("no refresh token: neither in the body nor in the cookie")
    return token


def in_cookie(pair: sessions.TokenPair) -> Response:
    """The browser flow's answer: the access token in the body, the refresh token in the
    cookie, which lives as long as the token."""
    response = jsonify(pair.access_json())
    lifetime = current_deps().settings.refresh_token_seconds
    cookies.set_refresh_cookie(response, request, pair.refresh_token, lifetime)
    return response


@blueprint.get("/me")
@documented({200: json(User, "the caller")})
@require_user
def me() -> Response:
    user = accounts.account(current_deps().db, g.user_id)
    if user is None:
        raise Unauthorized("the account no longer exists")
    return jsonify(user_id=user["_id"], username=user["username"])

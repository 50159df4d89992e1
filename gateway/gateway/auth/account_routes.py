"""The signed-in person's own account: a new password, signing out this device or every device,
deleting the account (the logic is account_changes.py's and sessions.py's).

Every route here needs the bearer token, which a page of another site cannot send, and none
reads the refresh cookie (its path keeps it from these routes); a route that ends sign-ins
clears the cookie all the same, so the browser forgets a token that no longer works."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from gateway.auth import account_changes, cookies, sessions
from gateway.auth.routes import CsrfHeader, caller_address, in_cookie, require_user
from gateway.auth.schemas import SignedIn
from gateway.bootstrap import current_deps
from gateway.openapi.common import INVALID_INPUT
from gateway.openapi.operations import Answer, documented, json, problem
from gateway.problems import InvalidInput
from gateway.schemas import Absent
from gateway.validation import parse_json

blueprint = Blueprint("auth_account", __name__, url_prefix="/v1")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256, description="as at registration")
    session: Literal["cookie"] | Absent = Field(
        default_factory=lambda: None,
        description="`cookie`: the browser flow, the new refresh token in the HttpOnly cookie "
        f"instead of the answer (needs the header `{cookies.CSRF_HEADER}: {cookies.CSRF_VALUE}`)",
    )


class PasswordConfirmation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=256, description="the account's password")


WRONG_PASSWORD = problem(
    "`wrong-password`: the password named is not the account's (counted as a failed sign-in)"
)
TOO_MANY = problem(
    "too many failed sign-ins (or wrong passwords) for this username from this address, or "
    "from this address (`too-many-attempts`, `limit` says which); or another change of the "
    "account is being made (`account-change-in-progress`); see Retry-After",
    "Retry-After",
)
SIGNED_OUT = "the cookie cleared (`Max-Age=0`), for the browser flow"


def _caller() -> account_changes.Caller:
    return account_changes.Caller(g.token, caller_address(), current_deps().clock.now())


def _cleared(response: Response) -> Response:
    response.headers["Set-Cookie"] = cookies.clearing_header(request)
    return response


@blueprint.post("/me/password")
@documented(
    {
        200: json(
            SignedIn,
            "changed: every device is signed out, this one gets a new pair (or, in the browser "
            "flow, an access token and the cookie)",
            "Set-Cookie",
        ),
        403: problem(
            "`wrong-password`: the current password is wrong (counted as a failed sign-in); "
            f"`csrf-refused`: the browser flow without the header `{cookies.CSRF_HEADER}: "
            f"{cookies.CSRF_VALUE}`, or from a page of another origin"
        ),
        422: INVALID_INPUT,
        429: TOO_MANY,
    },
    body=PasswordChange,
    headers=CsrfHeader,
)
@require_user
def change_password() -> Response:
    """Change the password. Every token of the account, on every device (this one's too), is
    refused from then on; the answer signs this device in again."""
    body = parse_json(PasswordChange)
    if body.session == "cookie":
        cookies.check_csrf(request)
    if body.new_password == body.current_password:
        raise InvalidInput("the new password is the current one", pointer="/new_password")
    deps = current_deps()
    pair = account_changes.change_password(
        deps.db,
        deps.tokens,
        deps.settings,
        deps.clock,
        _caller(),
        body.current_password,
        body.new_password,
    )
    if body.session != "cookie":
        return jsonify(pair.as_json())
    return in_cookie(pair)


@blueprint.post("/auth/signout")
@documented({204: Answer(f"this device's sign-in is ended; {SIGNED_OUT}", headers=("Set-Cookie",))})
@require_user
def sign_out() -> Response:
    """Sign out this device: its sign-in ends, so this access token and every refresh token of
    the sign-in are refused from now on; other devices stay signed in. (An access token issued
    before tokens named their sign-in ends alone: it expires within minutes.)"""
    deps = current_deps()
    sessions.end_sign_in(deps.db, deps.settings, g.token, deps.clock.now())
    return _cleared(Response(status=204))


@blueprint.post("/me/signout-all")
@documented(
    {
        204: Answer(
            f"every device is signed out, this one too; {SIGNED_OUT}", headers=("Set-Cookie",)
        ),
        429: problem("another change of the account is being made; see Retry-After", "Retry-After"),
    }
)
@require_user
def sign_out_everywhere() -> Response:
    """Sign out every device, this one too: every access and refresh token of the account is
    refused from now on."""
    deps = current_deps()
    account_changes.sign_out_everywhere(deps.db, deps.clock, g.token)
    return _cleared(Response(status=204))


@blueprint.delete("/me")
@documented(
    {
        204: Answer(f"the account is deleted; {SIGNED_OUT}", headers=("Set-Cookie",)),
        403: WRONG_PASSWORD,
        422: INVALID_INPUT,
        429: TOO_MANY,
    },
    body=PasswordConfirmation,
)
@require_user
def delete_account() -> Response:
    """Delete the account, confirmed by its password. It is gone at once: every token is
    refused, signing in is refused, and the username is free for a new account. Everything of
    the account (uploads, decks, templates) is purged after a grace period."""
    body = parse_json(PasswordConfirmation)
    deps = current_deps()
    account_changes.delete_account(deps.db, deps.settings, deps.clock, _caller(), body.password)
    return _cleared(Response(status=204))

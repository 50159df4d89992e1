"""What /v1/auth/* and /v1/me answer (the request bodies are beside the views, in routes.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, RootModel


class User(BaseModel):
    user_id: str
    username: str


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class AccessToken(BaseModel):
    """The browser flow's answer: the refresh token is in the cookie, out of scripts' reach."""

    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class SignedIn(RootModel[TokenPair | AccessToken]):
    """A pair in the JSON flow; an access token alone (and the cookie) in the browser flow."""

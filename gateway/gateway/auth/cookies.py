"""The browser's refresh-token cookie: how it is set and cleared, and the CSRF check every
request of the cookie flow passes before the cookie is trusted.

The cookie is `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page makes
the browser send it) and scoped to `/v1/auth/refresh`, the refresh and sign-out routes. A
cross-site page can still make the browser *send* a request; it cannot add a custom header
without a CORS preflight, which the gateway never grants, so the flow requires `X-Jaryo-CSRF:
1`, and an `Origin`, when the browser sends one, naming this host."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import Request, Response

from gateway.problems import CsrfRefused

COOKIE = "jaryo_refresh"
COOKIE_PATH = "/v1/auth/refresh"  # covers /v1/auth/refresh and /v1/auth/refresh/revoke
CSRF_HEADER = "X-Jaryo-CSRF"
CSRF_VALUE = "1"


def check_csrf(request: Request) -> None:
    """Refuse (403 `csrf-refused`) a cookie-flow request that another site could have made."""
    if request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        raise CsrfRefused(f"the browser flow needs the header {CSRF_HEADER}: {CSRF_VALUE}")
    origin = request.headers.get("Origin")
    if origin is not None and not _same_host(origin, request.host):
        raise CsrfRefused("the request came from a page of another origin")


def _same_host(origin: str, host: str) -> bool:
    # The scheme is not compared: behind a proxy that ends TLS the gateway itself sees http.
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return False
    return bool(netloc) and netloc.lower() == host.lower()


def refresh_token_of(request: Request) -> str | None:
    return request.cookies.get(COOKIE) or None


def set_refresh_cookie(response: Response, request: Request, token: str, lifetime: int) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=lifetime,
        path=COOKIE_PATH,
        secure=secure_for(request),
        httponly=True,
        samesite="Strict",
    )


def clearing_header(request: Request) -> str:
    """A Set-Cookie value that makes the browser forget the cookie (on an answer of any kind,
    problems included)."""
    response = Response()
    response.delete_cookie(
        COOKIE, path=COOKIE_PATH, secure=secure_for(request), httponly=True, samesite="Strict"
    )
    return response.headers["Set-Cookie"]


def secure_for(request: Request) -> bool:
    """`Secure`, except for a page the browser loads over plain http from a loopback host (the
    dev server at http://127.0.0.1:8080), where some browsers would drop a Secure cookie.
    Behind a proxy that ends TLS the gateway sees http, but the public Host: still Secure."""
    if request.scheme == "https":
        return True
    try:
        hostname = urlsplit(f"//{request.host}").hostname or ""
    except ValueError:  # a malformed Host: no loopback page, so Secure
        return True
    return not _is_loopback(hostname)


def _is_loopback(hostname: str) -> bool:
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False

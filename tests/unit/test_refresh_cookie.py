"""The refresh cookie's rules that depend on the request alone (gateway/auth/cookies.py): when
it is Secure, and which requests pass the CSRF check. The flow itself: test_auth_cookie.py."""

from __future__ import annotations

import pytest
from flask import Flask, request

from gateway.auth import cookies
from gateway.problems import CsrfRefused

APP = Flask(__name__)
CSRF = {"X-Jaryo-CSRF": "1"}


@pytest.mark.parametrize(
    ("base_url", "secure"),
    [
        ("http://127.0.0.1:8080", False),
        ("http://127.0.0.2", False),
        ("http://localhost:5173", False),
        ("http://[::1]:8080", False),
        ("https://127.0.0.1:8443", True),
        ("http://jaryo.example", True),  # a proxy ended TLS for the public host
        ("http://10.0.0.5:8080", True),
    ],
)
def test_the_cookie_is_secure_unless_the_page_is_plain_http_on_a_loopback_host(base_url, secure):
    with APP.test_request_context("/v1/auth/refresh", base_url=base_url):
        assert cookies.secure_for(request) is secure


def test_a_malformed_host_gets_a_secure_cookie():
    with APP.test_request_context("/", headers={"Host": "[::1"}):
        assert cookies.secure_for(request) is True


@pytest.mark.parametrize(
    "headers",
    [CSRF, {**CSRF, "Origin": "http://localhost"}, {**CSRF, "Origin": "HTTPS://LocalHost"}],
    ids=["no-origin", "same-host", "same-host-other-case-and-scheme"],
)
def test_a_request_with_the_header_from_this_host_passes(headers):
    with APP.test_request_context("/", base_url="http://localhost", headers=headers):
        cookies.check_csrf(request)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Jaryo-CSRF": "true"},
        {**CSRF, "Origin": "http://localhost.evil.example"},
        {**CSRF, "Origin": "http://localhost:8080"},
        {**CSRF, "Origin": "null"},
        {**CSRF, "Origin": "http://[bad"},
    ],
    ids=["no-header", "other-value", "other-host", "other-port", "null", "malformed"],
)
def test_a_request_another_site_could_make_is_refused(headers):
    with APP.test_request_context("/", base_url="http://localhost", headers=headers):
        with pytest.raises(CsrfRefused):
            cookies.check_csrf(request)

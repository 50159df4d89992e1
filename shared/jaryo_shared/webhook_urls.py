"""Which callback URLs a webhook may call, so that nobody can make Jaryo's servers request
their own network (server-side request forgery).

A URL is checked twice: when the gateway registers it, and by the webhook service before every
delivery, which then connects to exactly the addresses it checked (a name that resolved to a
public address at registration may resolve to 127.0.0.1 later). Every address a name resolves
to must be allowed: public (global unicast) addresses only, and `https` only. For local use
(`JARYO_WEBHOOKS_ALLOW_LOCAL`, a developer's machine or a test) `http` and loopback and private
addresses are allowed too; link-local addresses (169.254.169.254 is the cloud's metadata
service), multicast, unspecified and reserved ones never are.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

MAX_URL_CHARS = 2048
Reason = Literal["malformed", "scheme", "credentials", "unresolvable", "address"]
Resolver = Callable[..., Sequence[tuple[Any, ...]]]  # socket.getaddrinfo's shape


# Never called, local use or not: 6to4 (2002::/16 carries an IPv4 address of any kind inside)
# and AWS's IPv6 metadata address, which is a unique-local (private) one.
_NEVER = (ipaddress.ip_network("2002::/16"), ipaddress.ip_network("fd00:ec2::254/128"))


class UnsafeUrl(ValueError):
    """The URL may not be called; `reason` says why in one word (a problem's field)."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """A checked URL: what to connect to (`addresses`, all allowed) and what to ask for."""

    scheme: Literal["http", "https"]
    host: str  # as written, for the Host header and the TLS certificate's check
    port: int
    target: str  # the path and query: what the request line asks for
    addresses: tuple[str, ...]


def check(url: str, *, allow_local: bool, resolve: Resolver = socket.getaddrinfo) -> Target:
    """The URL's target if every address its host resolves to may be called, else UnsafeUrl."""
    scheme, host, port, target = _parse(url, allow_local=allow_local)
    try:
        found = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeUrl("unresolvable", f"the host {host!r} does not resolve") from exc
    addresses = tuple(dict.fromkeys(str(entry[4][0]) for entry in found))
    if not addresses:
        raise UnsafeUrl("unresolvable", f"the host {host!r} does not resolve")
    for address in addresses:
        if not address_allowed(address, allow_local=allow_local):
            raise UnsafeUrl(
                "address",
                # Not which address: the answer would map the network it is refused for.
                f"the host {host!r} resolves to an address webhooks may not call "
                "(not a public one)",
            )
    return Target(scheme, host, port, target, addresses)


def address_allowed(address: str, *, allow_local: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone id is no part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or any(ip in n for n in _NEVER):
        return False
    if ip.is_loopback:  # before `is_reserved`, which ::1 is too
        return allow_local
    if ip.is_reserved:
        return False
    return ip.is_global or (allow_local and ip.is_private)


def _parse(url: str, *, allow_local: bool) -> tuple[Literal["http", "https"], str, int, str]:
    if len(url) > MAX_URL_CHARS or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise UnsafeUrl("malformed", "the URL is too long or holds spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl("malformed", f"the URL cannot be read: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_local):
        allowed = "https (or http for local use)" if not allow_local else "http or https"
        raise UnsafeUrl("scheme", f"a webhook URL must use {allowed}")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("credentials", "a webhook URL may not hold a user name or password")
    host = parts.hostname
    if not host:
        raise UnsafeUrl("malformed", "the URL has no host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return (
        "https" if scheme == "https" else "http",
        host,
        port or (443 if scheme == "https" else 80),
        target,
    )

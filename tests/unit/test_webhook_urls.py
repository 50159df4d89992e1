"""Callback URLs that would make Jaryo request its own network are refused (webhook_urls.py)."""

from __future__ import annotations

import socket

import pytest

from jaryo_shared.webhook_urls import UnsafeUrl, address_allowed, check


def resolving_to(*addresses: str):
    def resolve(host, port, type=0):
        if not addresses:
            raise socket.gaierror("no such host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return resolve


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "::1", "fc00::1", "::ffff:127.0.0.1"],
)
def test_loopback_and_private_addresses_are_allowed_only_for_local_use(address):
    assert not address_allowed(address, allow_local=False)
    assert address_allowed(address, allow_local=True)


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "fd00:ec2::254",
        "2002:a9fe:a9fe::1",
        "2002:7f00:1::1",
        "fe80::1",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "255.255.255.255",
        "100.64.0.1",
    ],
)
def test_metadata_link_local_and_odd_addresses_are_never_allowed(address):
    assert not address_allowed(address, allow_local=False)
    assert not address_allowed(address, allow_local=True)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:84e5"])
def test_public_addresses_are_allowed(address):
    assert address_allowed(address, allow_local=False)


def test_a_public_https_url_gives_the_addresses_to_connect_to():
    target = check(
        "https://hooks.example.com:8443/in?x=1",
        allow_local=False,
        resolve=resolving_to("93.184.215.14"),
    )
    assert (target.scheme, target.host, target.port, target.target) == (
        "https",
        "hooks.example.com",
        8443,
        "/in?x=1",
    )
    assert target.addresses == ("93.184.215.14",)


def test_a_name_with_one_private_address_among_public_ones_is_refused():
    with pytest.raises(UnsafeUrl) as refused:
        check(
            "https://rebind.example.com/",
            allow_local=False,
            resolve=resolving_to("93.184.215.14", "127.0.0.1"),
        )
    assert refused.value.reason == "address"
    assert "127.0.0.1" not in str(refused.value)  # which address is not told


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/", "scheme"),
        ("ftp://hooks.example.com/", "scheme"),
        ("https://user:secret@hooks.example.com/", "credentials"),
        ("https:///no-host", "malformed"),
        ("https://hooks.example.com:99999/", "malformed"),
        ("https://hooks.example.com/a b", "malformed"),
        ("https://hooks.example.com/" + "a" * 2100, "malformed"),
    ],
)
def test_malformed_or_plain_http_urls_are_refused(url, reason):
    with pytest.raises(UnsafeUrl) as refused:
        check(url, allow_local=False, resolve=resolving_to("93.184.215.14"))
    assert refused.value.reason == reason


def test_the_loopback_address_in_any_spelling_is_refused_without_local_use():
    for url in ("https://127.0.0.1/", "https://2130706433/", "https://[::1]/", "https://0x7f.1/"):
        with pytest.raises(UnsafeUrl):
            check(url, allow_local=False)


def test_local_use_allows_http_to_a_receiver_on_this_machine():
    target = check("http://127.0.0.1:8123/hook", allow_local=True)
    assert target.addresses == ("127.0.0.1",)
    with pytest.raises(UnsafeUrl) as refused:
        check("http://169.254.169.254/latest/meta-data", allow_local=True)
    assert refused.value.reason == "address"


def test_a_host_that_does_not_resolve_is_refused():
    with pytest.raises(UnsafeUrl) as refused:
        check("https://nowhere.example/", allow_local=False, resolve=resolving_to())
    assert refused.value.reason == "unresolvable"

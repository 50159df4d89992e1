"""Signing a delivery the Standard Webhooks way (https://www.standardwebhooks.com, what Svix and
others send), so receivers can check it with the libraries that spec has in every language."""

from __future__ import annotations

import base64
import hashlib
import hmac

from jaryo_shared import webhook_secrets


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, the webhook-signature header."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(webhook_secrets.key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers a receiver checks; the timestamp lets it refuse a replayed delivery."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }

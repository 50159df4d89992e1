"""A webhook's signing secret, in the Standard Webhooks format: `whsec_` and the base64 of
32 random bytes. The gateway makes one per webhook and shows it once; the webhook service signs
each delivery with its bytes."""

from __future__ import annotations

import base64
import secrets

PREFIX = "whsec_"
KEY_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def key_of(secret: str) -> bytes:
    """The HMAC key a secret stands for (the bytes after `whsec_`)."""
    encoded = secret.removeprefix(PREFIX)
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4))

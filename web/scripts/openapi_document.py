"""Print the OpenAPI document exactly as the gateway serves it at /openapi.json, so the web app's
typed client is generated from the live contract at build time rather than from a copy."""

from __future__ import annotations

import secrets
import sys

from gateway.app import create_app
from gateway.settings import GatewaySettings


def main() -> None:
    # The document needs no signing key, but the settings refuse to load without one.
    settings = GatewaySettings(jwt_secret=secrets.token_urlsafe(48))  # type: ignore[arg-type]
    app = create_app(settings, run_relay=False)
    try:
        response = app.test_client().get("/openapi.json")
        if response.status_code != 200:
            sys.exit(f"/openapi.json answered {response.status_code}")
        sys.stdout.write(response.get_data(as_text=True))
    finally:
        app.extensions["jaryo"].close()


if __name__ == "__main__":
    main()

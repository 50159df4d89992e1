"""The blueprints of the public API in one list: `create_app` serves them and the OpenAPI
builder documents them, so no route is served undocumented or documented but not served."""

from __future__ import annotations

from flask import Blueprint


def public_blueprints() -> list[Blueprint]:
    # Imported here: the route modules import gateway.openapi, whose builder imports this.
    from gateway import health
    from gateway.account.export_routes import blueprint as account_export
    from gateway.auth.account_routes import blueprint as account
    from gateway.auth.routes import blueprint as auth
    from gateway.deck_templates.routes import blueprint as templates
    from gateway.decks.routes import blueprint as decks
    from gateway.uploads.routes import blueprint as uploads
    from gateway.webhooks.routes import blueprint as webhooks

    return [health.blueprint, auth, account, account_export, uploads, templates, decks, webhooks]

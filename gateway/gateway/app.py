"""The gateway's Flask application factory: `create_app()` is what gunicorn serves."""

from __future__ import annotations

import re

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import http_headers, metrics, openapi, problems, web
from gateway.blueprints import public_blueprints
from gateway.bootstrap import EXTENSION, Dependencies, bootstrap
from gateway.outbox_relay import start_relay
from gateway.settings import GatewaySettings
from jaryo_shared.logs import (
    bind_correlation_id,
    configure_logging,
    new_correlation_id,
    unbind_correlation_id,
)

CORRELATION_HEADER = "X-Correlation-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def create_app(
    settings: GatewaySettings | None = None,
    dependencies: Dependencies | None = None,
    *,
    run_relay: bool = True,
) -> Flask:
    settings = settings or GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)
    deps = dependencies or bootstrap(settings)

    app = Flask(__name__)
    if settings.trusted_proxy_hops:
        # request.remote_addr becomes the client as that many proxies saw it (rate limits).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_hops)  # type: ignore[method-assign]
    app.extensions[EXTENSION] = deps
    problems.init_app(app)
    metrics.init_app(app)
    web.init_app(app, settings)  # before http_headers: the page's policy replaces the API's
    http_headers.init_app(app)
    _bind_correlation_id(app)
    # Bigger requests are refused with 413 before their body is read.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(openapi.blueprint)
    for routes in public_blueprints():
        app.register_blueprint(routes)
    if run_relay:  # a daemon thread: it ends with the process; stop() ends it sooner
        app.extensions["outbox_relay"] = start_relay(deps)
    return app


def _bind_correlation_id(app: Flask) -> None:
    """Every request gets a correlation id (the client's, if it sent a sane one) that its logs
    and every event it causes carry."""

    @app.before_request
    def bind() -> None:
        offered = request.headers.get(CORRELATION_HEADER, "")
        g.correlation_id = offered if _SAFE_ID.fullmatch(offered) else new_correlation_id()
        g.correlation_token = bind_correlation_id(g.correlation_id)

    @app.after_request
    def echo(response: Response) -> Response:
        response.headers[CORRELATION_HEADER] = g.get("correlation_id", "")
        return response

    @app.teardown_request
    def unbind(_exc: BaseException | None) -> None:
        token = g.pop("correlation_token", None)
        if token is not None:
            unbind_correlation_id(token)

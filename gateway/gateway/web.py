"""Serves the browser app's built bundle (web/dist) beside the API, same origin: hashed assets
cached for good, index.html for the app's own routes, and the limits the upload page states."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, jsonify, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter

from gateway.settings import GatewaySettings
from gateway.uploads.receive import IMAGE_TYPES
from gateway.uploads.sniff import ACCEPTED_FORMATS

# Vite names every file under assets/ by its content's hash, so a name never changes meaning.
ASSET_MAX_AGE = 365 * 24 * 3600
# The page loads its scripts, styles, fonts and data from this origin only, and no inline script.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class AppRoute(PathConverter):
    """A path the app's client-side router owns: anything but the API's own paths, so a mistyped
    API path still gets the API's 404 (or 405), never the page."""

    regex = r"(?!(?:v1|healthz|readyz|metrics)(?:/|$)|openapi)[^/].*?"


def init_app(app: Flask, settings: GatewaySettings) -> None:
    """Registers the app's routes and its page policy. Call it before http_headers.init_app:
    after-request hooks run in reverse order, so this policy then replaces the API's."""
    app.url_map.converters["app_route"] = AppRoute
    app.register_blueprint(_blueprint(Path(settings.web_dist), settings))

    @app.after_request
    def page_policy(response: Response) -> Response:
        if request.blueprint == "web":
            response.headers["Content-Security-Policy"] = PAGE_POLICY
        return response


def _blueprint(dist: Path, settings: GatewaySettings) -> Blueprint:
    blueprint = Blueprint("web", __name__)

    @blueprint.get("/assets/<path:name>")
    def asset(name: str) -> Response:
        response = send_from_directory(dist / "assets", name, max_age=ASSET_MAX_AGE)
        response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}, immutable"
        return response

    @blueprint.get("/app-config.json")
    def app_config() -> Response:
        return jsonify(
            max_images_per_upload=settings.max_images_per_upload,
            max_image_bytes=settings.max_image_bytes,
            max_pdf_pages_per_file=settings.max_pdf_pages_per_file,
            max_pdf_pages_per_upload=settings.max_pdf_pages_per_upload,
            image_types=sorted(IMAGE_TYPES),
            image_formats=sorted(ACCEPTED_FORMATS),
        )

    @blueprint.get("/")
    @blueprint.get("/<app_route:path>")
    def page(path: str = "") -> Response:
        return _index(dist)

    return blueprint


def _index(dist: Path) -> Response:
    """index.html, never cached, so a new build's asset names reach the browser at once."""
    if not (dist / "index.html").is_file():
        raise NotFound("the web app is not built: run `make up`, or `npm run build` in web/")
    response = send_from_directory(dist, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response

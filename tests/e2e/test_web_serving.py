"""The gateway serving the browser app (gateway/web.py) beside the API, over a small bundle of
its own: no server is needed, since none of these requests reaches the database."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from gateway.app import create_app
from gateway.settings import GatewaySettings

INDEX = b"<!doctype html><title>Jaryo</title>"
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _client(dist: Path) -> Iterator[FlaskClient]:
    settings = GatewaySettings(
        jwt_secret=secrets.token_urlsafe(48),  # type: ignore[arg-type]
        web_dist=dist,
        max_images_per_upload=7,
    )
    app = create_app(settings, run_relay=False)
    yield app.test_client()
    app.extensions["jaryo"].close()


@pytest.fixture
def web(tmp_path: Path) -> Iterator[FlaskClient]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "assets" / "index-Ab12Cd.js").write_text("console.log('app')")
    yield from _client(tmp_path)


@pytest.mark.parametrize("path", ["/", "/sign-in", "/upload", "/decks/some-id/edit"])
def test_the_app_and_its_client_routes_get_the_page(web, path):
    answer = web.get(path)
    assert answer.status_code == 200
    assert answer.data == INDEX
    assert answer.headers["Cache-Control"] == "no-cache"


def test_the_page_may_load_its_own_scripts_but_not_be_framed(web):
    policy = web.get("/sign-in").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert web.get("/sign-in").headers["X-Frame-Options"] == "DENY"


def test_api_answers_keep_the_apis_strict_policy(web):
    assert web.get("/healthz").headers["Content-Security-Policy"] == API_POLICY
    assert web.get("/v1/nowhere").headers["Content-Security-Policy"] == API_POLICY


def test_hashed_assets_are_cached_for_good(web):
    answer = web.get("/assets/index-Ab12Cd.js")
    assert answer.status_code == 200
    assert "immutable" in answer.headers["Cache-Control"]
    assert "max-age=31536000" in answer.headers["Cache-Control"]


def test_a_missing_asset_is_not_found_rather_than_the_page(web):
    answer = web.get("/assets/gone-123.js")
    assert answer.status_code == 404
    assert answer.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    ["/v1/nowhere", "/v1", "/openapi.yaml", "/metrics", "/healthz/extra", "/readyz/x"],
)
def test_api_paths_are_never_answered_with_the_page(web, path):
    answer = web.get(path)
    assert answer.status_code == 404
    assert answer.mimetype == "application/problem+json"


def test_a_wrong_method_on_an_api_path_is_still_the_apis_answer(web):
    # The page's catch-all route must not turn the API's 404 into a 405.
    answer = web.post("/v1/nowhere", json={})
    assert answer.status_code == 404


def test_the_api_document_is_still_the_api_document(web):
    answer = web.get("/openapi.json")
    assert answer.status_code == 200
    assert answer.get_json()["openapi"].startswith("3.")


def test_the_upload_limits_come_from_the_gateway_settings(web):
    config = web.get("/app-config.json").get_json()
    assert config["max_images_per_upload"] == 7
    assert config["max_pdf_pages_per_file"] == 50 and config["max_pdf_pages_per_upload"] == 50
    assert "mixed-printed" in config["image_types"]
    assert "PNG" in config["image_formats"]


def test_an_unbuilt_app_says_how_to_build_it(tmp_path):
    for web in _client(tmp_path / "never-built"):
        answer = web.get("/")
        assert answer.status_code == 404
        assert "npm run build" in answer.get_json()["detail"]

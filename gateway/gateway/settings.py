"""The gateway's settings: the shared ones plus what only the public door needs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import Field, SecretStr, field_validator

from jaryo_shared.settings import Settings

# SHA-256 of every signing key that has ever been committed to the repository (scripts/lib.sh's
# old local key, the k8s dev overlay's, the integration tests' old one). Anyone can forge tokens
# with those, so the gateway refuses to start with one.
PUBLISHED_JWT_KEY_DIGESTS = frozenset(
    {
        "0519ad830a392fafc8bb284339e73e51d22767237b10c083ce0b2dcbc0df8d52",
        "7dbdff9ce2173eeb3e15aa44930a9010a4874e66e38d79d59cad57a4966c5d49",
        "d4a436d602ed026bb1e370ffdcd5dfdab8c90b479b9482fa1f9fa1313bd7194a",
    }
)
MIN_JWT_KEY_BYTES = 32
MAKE_A_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def check_jwt_key(value: str, name: str = "JARYO_JWT_SECRET") -> str:
    if not value:
        raise ValueError(f"{name} is not set; make a key with: {MAKE_A_KEY}")
    if len(value.encode()) < MIN_JWT_KEY_BYTES:
        raise ValueError(
            f"{name} is shorter than {MIN_JWT_KEY_BYTES} bytes; make a key with: {MAKE_A_KEY}"
        )
    if hashlib.sha256(value.encode()).hexdigest() in PUBLISHED_JWT_KEY_DIGESTS:
        raise ValueError(
            f"{name} is a key published in Jaryo's repository, which anyone can sign tokens "
            f"with; make a key of your own with: {MAKE_A_KEY}"
        )
    return value


class GatewaySettings(Settings):
    service_name: str = "gateway"

    jwt_secret: SecretStr = Field(
        default=SecretStr(""),
        description="HS256 signing key, >= 32 bytes, never one from the repository",
        validate_default=True,
    )
    jwt_previous_secrets: list[SecretStr] = Field(
        default_factory=list,
        description="keys being rotated out: they still verify, never sign (a JSON list)",
    )
    jwt_issuer: str = "https://jaryo.dev"
    jwt_audience: str = "jaryo-api"
    access_token_seconds: int = Field(default=900, gt=0)
    refresh_token_seconds: int = Field(default=30 * 24 * 3600, gt=0)
    # argon2id's cost for passwords set from now on (a hash keeps the parameters it was made
    # with, so earlier ones still verify): by default RFC 9106's second recommendation, 3 passes
    # over 64 MiB in 4 lanes, about 0.3 s on one core. The test suite lowers it.
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=64 * 1024, ge=1024)
    password_hash_parallelism: int = Field(default=4, ge=1, le=64)
    # Sign-in throttling (auth/throttle.py): wrong passwords per username from one client
    # address, and per address whatever the username, in fixed windows of this many seconds.
    login_failures_allowed: int = Field(default=5, ge=1)
    login_address_failures_allowed: int = Field(default=30, ge=1)
    login_lockout_seconds: int = Field(default=300, gt=0)
    registrations_per_address: int = Field(default=20, ge=1)
    registration_window_seconds: int = Field(default=3600, gt=0)
    # Reverse proxies in front of the gateway that append to X-Forwarded-For: the client address
    # is taken that many hops back. 0 (direct) ignores the header, which clients can forge.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=10)

    max_images_per_upload: int = Field(default=20, ge=1)
    max_image_bytes: int = Field(default=20 * 1000 * 1000, ge=1)  # a PDF's too
    max_pdf_pages_per_file: int = Field(default=50, ge=1)
    max_pdf_pages_per_upload: int = Field(default=50, ge=1)
    # Each fix of a photo's page corners reads it again (a second or two of an OCR worker).
    max_page_fixes_per_image: int = Field(default=10, ge=0)
    max_request_bytes: int = Field(default=100 * 1000 * 1000, ge=1)
    max_image_pixels: int = Field(default=64_000_000, gt=0)
    # Per-user quotas on live (not deleted) uploads: 429 past the count, 413 past the bytes.
    max_uploads_per_user: int = Field(default=1000, ge=0)
    max_stored_bytes_per_user: int = Field(default=5 * 1000 * 1000 * 1000, ge=0)
    presigned_url_seconds: int = Field(default=300, gt=0)
    max_template_bytes: int = Field(default=20 * 1000 * 1000, ge=1)
    # What a template may unpack to, counted while reading (deck_templates/package_check.py),
    # and the memory and time its check may take in its own process. Parsed XML takes up to
    # ~25 times its size (8 MB of tiny elements: ~200 MB), in the check and in every build.
    max_template_parts: int = Field(default=2000, ge=1)
    max_template_part_bytes: int = Field(default=20 * 1000 * 1000, ge=1)
    max_template_xml_part_bytes: int = Field(default=4 * 1000 * 1000, ge=1)
    max_template_xml_bytes: int = Field(default=8 * 1000 * 1000, ge=1)
    max_template_unpacked_bytes: int = Field(default=60 * 1000 * 1000, ge=1)
    template_check_memory_bytes: int = Field(default=512 * 1024 * 1024, ge=256 * 1024 * 1024)
    template_check_seconds: float = Field(default=30, gt=0)
    # Per-user quotas on private templates: 429 past the count, 413 past the bytes.
    max_templates_per_user: int = Field(default=20, ge=0)
    max_template_bytes_per_user: int = Field(default=100 * 1000 * 1000, ge=0)
    # A deck spec is stored whole in one document (MongoDB caps those at 16 MB).
    max_deck_spec_bytes: int = Field(default=4 * 1000 * 1000, ge=1)
    # Webhooks (gateway/webhooks/): how many one person may register, and whether their URLs may
    # be plain http and point at loopback or private addresses. For local use only (a developer's
    # machine, the tests): in production every callback must be public https (docs/api.md).
    max_webhooks_per_user: int = Field(default=10, ge=0)
    webhooks_allow_local: bool = Field(
        default=False, description="local use only: allow http, loopback and private addresses"
    )
    # The browser app's built bundle (npm run build in web/), served at / (gateway/web.py).
    web_dist: Path = Path(__file__).resolve().parents[2] / "web" / "dist"

    # Requests waiting for an upload (?wait=N, /events) each hold a server thread: keep this
    # below gunicorn's threads per process (JARYO_GATEWAY_THREADS, 64) so others get served.
    progress_max_waiters: int = Field(default=56, ge=0)
    # One user's share of those (per process), so one user cannot take them all; over it, 429.
    progress_max_waiters_per_user: int = Field(default=8, ge=1)
    progress_fallback_seconds: float = Field(default=5.0, gt=0, description="re-read if quiet")
    wait_max_seconds: int = Field(default=60, ge=0)
    events_max_seconds: int = Field(default=600, gt=0, description="one SSE stream's lifetime")
    # How often an idle SSE stream sends a keep-alive line and checks the caller is still signed
    # in (a sign-out ends the stream within this time).
    events_heartbeat_seconds: float = Field(default=15.0, gt=0)
    # Each export (GET /v1/me/export) holds a server thread for its whole stream, as long as
    # the client takes to read it: a cap per process (over it, 503) and per user (over it, 429).
    # With the waiters, 60 of the 64 threads: 4 stay for every other request.
    export_max_streams: int = Field(default=4, ge=0)
    export_max_streams_per_user: int = Field(default=1, ge=1)

    @field_validator("jwt_secret")
    @classmethod
    def _signing_key_is_private(cls, value: SecretStr) -> SecretStr:
        check_jwt_key(value.get_secret_value())
        return value

    @field_validator("jwt_previous_secrets")
    @classmethod
    def _previous_keys_are_private(cls, values: list[SecretStr]) -> list[SecretStr]:
        for value in values:
            check_jwt_key(value.get_secret_value(), "a key in JARYO_JWT_PREVIOUS_SECRETS")
        return values

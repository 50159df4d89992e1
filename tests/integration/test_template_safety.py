"""Private templates as an attacker or a broken tool would send them, over the real servers:
macros, ActiveX and OLE objects found by content and relationship types whatever the parts are
called; zip bombs and broken zips refused without costing the gateway memory (measured on a real
gunicorn worker); a deck built on a template that slipped through never carries them; and each
person's template quota."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import urllib3

from jaryo_shared.keys import template_key
from tests.integration import pptx_packages as packages
from tests.integration.processes import gateway

pytestmark = pytest.mark.integration

MB = 1024 * 1024
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
SPEC = {
    "title": "on my template",
    "slides": [
        {"elements": [{"type": "text", "text": "hello", "x": 0.1, "y": 0.1, "w": 0.5, "h": 0.2}]}
    ],
}


def _post_template(client, user, data: bytes):
    return client.post(
        "/v1/templates",
        data={"template": (io.BytesIO(data), "mine.pptx")},
        headers=user.auth,
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (packages.macro_enabled_main, "macros"),
        (packages.macro_main_with_dummy_override, "macroEnabled"),
        (packages.slideshow_with_dummy_override, "not a plain PowerPoint presentation"),
        (packages.vba_renamed_as_media, "vbaProject"),
        (packages.activex_control, "ActiveX"),
        (packages.ole_object, "oleObject"),
        (packages.slide_bomb, "unpacks to more than"),
        (packages.bad_crc, "Bad CRC-32"),
        (packages.unknown_compression, "compression method"),
    ],
)
def test_template_with_code_objects_or_a_broken_zip_is_422_saying_why_and_leaves_nothing(
    client, make_user, db, store, settings, make, says
):
    user = make_user()
    response = _post_template(client, user, make())
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert says in problem["detail"] and problem["pointer"] == "/template"
    assert db.templates.count_documents({"user_id": user.user_id}) == 0
    assert list(store.keys(settings.bucket_decks, f"{user.user_id}/")) == []


def test_deck_on_a_template_with_a_vba_project_is_built_without_it(
    client, make_user, db, store, settings, deck_worker
):
    """A template kept before the checks knew this trick (written straight to the store, as an
    older gateway accepted it): the deck built on it is a plain .pptx without the macros."""
    user = make_user()
    template_id = "a" * 32
    key = template_key(user.user_id, template_id)
    store.put_bytes(settings.bucket_decks, key, packages.macro_enabled_main(), PPTX)
    db.templates.insert_one(
        {"_id": template_id, "user_id": user.user_id, "name": "old", "file_path": key}
    )

    location = client.post(
        "/v1/decks", json={**SPEC, "template_id": template_id}, headers=user.auth
    ).headers["Location"]
    deck = client.get(f"{location}?wait=60", headers=user.auth).get_json()

    assert deck["status"] == "completed", deck
    built = zipfile.ZipFile(io.BytesIO(client.get(deck["links"]["file"], headers=user.auth).data))
    names = built.namelist()
    assert not [n for n in names if "vba" in n.lower()], names
    content_types = built.read("[Content_Types].xml")
    assert b"macroEnabled" not in content_types and packages.MAIN in content_types
    assert b"vbaProject" not in built.read("ppt/_rels/presentation.xml.rels")


def _rss(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for {pid}")


def _worker_pid(url: str) -> int:
    """The one gunicorn worker serving `url` (a child of the master bound to its port)."""
    bind = f"JARYO_GATEWAY_BIND={url.removeprefix('http://')}".encode()
    ours = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (
                bind in (proc / "environ").read_bytes().split(b"\0")
                and b"gunicorn" in (proc / "cmdline").read_bytes()
            ):
                ours[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    (worker,) = [pid for pid, parent in ours.items() if parent in ours]
    return worker


def test_any_template_up_to_20_mb_costs_the_gateway_worker_under_50_mb(settings):
    http = urllib3.PoolManager()
    with gateway(settings, workers=1) as url:
        account = {"username": "memory-" + settings.mongo_db[-10:], "password": "long enough"}
        assert http.request("POST", url + "/v1/auth/register", json=account).status == 201
        token = http.request("POST", url + "/v1/auth/token", json=account).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        def post(data: bytes) -> int:
            fields = {"template": ("t.pptx", data, PPTX)}
            return http.request(
                "POST", url + "/v1/templates", fields=fields, headers=headers
            ).status

        pid = _worker_pid(url)
        assert post(packages.clean()) == 201  # warm: first imports and connections
        assert post(packages.clean()) == 201
        before = _rss(pid, "VmRSS")
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # restart the peak (VmHWM) from here

        statuses = [
            post(packages.slide_bomb(35)),
            post(packages.many_parts(100_000)),
            post(packages.big_media(19 * 1000 * 1000)),
            post(packages.unknown_compression()),
        ]
        peak, after = _rss(pid, "VmHWM"), _rss(pid, "VmRSS")

    print(
        f"gateway worker RSS {before / MB:.0f} MB, peak +{(peak - before) / MB:.1f} MB, "
        f"after +{(after - before) / MB:.1f} MB"
    )
    assert peak - before < 50 * MB
    assert after - before < 50 * MB
    assert statuses == [422, 422, 201, 422]


@pytest.fixture
def quota_client(gateway_settings):
    from gateway.app import create_app

    limited = gateway_settings.model_copy(
        update={"max_templates_per_user": 2, "max_template_bytes_per_user": 80_000}
    )
    app = create_app(limited, run_relay=False)
    yield app.test_client()
    app.extensions["jaryo"].close()


def test_templates_past_the_quota_are_refused_saying_which_limit(quota_client, make_user, db):
    user = make_user()
    small = packages.clean()  # 29 KB; the quota allows two templates and 80,000 bytes
    assert _post_template(quota_client, user, small).status_code == 201
    assert _post_template(quota_client, user, small).status_code == 201

    third = _post_template(quota_client, user, small)
    assert third.status_code == 429 and third.mimetype == "application/problem+json"
    problem = third.get_json()
    assert problem["limit"] == "templates_per_user" and "delete one" in problem["detail"]
    assert problem["code"] == "template-quota"

    kept = quota_client.get("/v1/templates", headers=user.auth).get_json()["items"]
    path = f"/v1/templates/{kept[-1]['template_id']}"
    assert quota_client.delete(path, headers=user.auth).status_code == 204
    bigger = _post_template(quota_client, user, packages.big_media(30_000))  # 29 + 59 KB > 80
    assert bigger.status_code == 413 and bigger.mimetype == "application/problem+json"
    assert bigger.get_json()["limit"] == "template_bytes_per_user"
    assert bigger.get_json()["code"] == "template-storage-quota"
    assert db.templates.count_documents({"user_id": user.user_id}) == 1
    assert _post_template(quota_client, user, small).status_code == 201  # room for this one

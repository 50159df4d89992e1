"""The Kubernetes overlays build, match the API schemas, and do what k8s/README.md promises.

Built with the real kustomize binary (scripts/install.sh builds it; scripts/lib.sh exports its
path as JARYO_KUSTOMIZE) and checked offline with kubernetes-validate's bundled schemas.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from deck_service.settings import DeckSettings
from gateway.settings import GatewaySettings
from janitor.settings import JanitorSettings
from jaryo_shared.settings import Settings
from jaryo_shared.topology import SERVICE_QUEUES
from ocr_service.settings import OcrSettings
from storage_service.settings import StorageSettings
from webhook_service.settings import WebhookSettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"
OVERLAYS = ["dev", "prod"]
# The oldest Kubernetes k8s/README.md promises and the newest the schemas know.
KUBERNETES_VERSIONS = ["1.30.0", "1.37.0"]
# KEDA's custom resources: kubernetes-validate has no schema for them, so their fields are
# checked by the tests below instead.
CUSTOM_KINDS = {("keda.sh/v1alpha1", "ScaledObject"), ("keda.sh/v1alpha1", "TriggerAuthentication")}

SETTINGS_BY_IMAGE: dict[str, type[Settings]] = {
    "gateway": GatewaySettings,
    "storage-service": StorageSettings,
    "ocr-service": OcrSettings,
    "deck-service": DeckSettings,
    "janitor": JanitorSettings,
    "webhook-service": WebhookSettings,
}
# Long enough to finish the message (or, for the gateway, the requests) in hand.
MIN_GRACE_SECONDS = {"gateway": 45, "storage-service": 60, "ocr-service": 120, "deck-service": 90}
SECRET_SETTINGS = {
    "JARYO_AMQP_URL",
    "JARYO_MONGO_URL",
    "JARYO_S3_ACCESS_KEY",
    "JARYO_S3_SECRET_KEY",
    "JARYO_JWT_SECRET",
    "JARYO_JWT_PREVIOUS_SECRETS",
}

Doc = dict[str, Any]
DEV_KEY_FILE = "gateway-secrets.env"  # k8s/README.md: the operator makes it; git ignores it
# What a JWT signing key looks like when someone writes one into a file: a JARYO_JWT_SECRET or
# JARYO_JWT_PREVIOUS_SECRETS followed by a value (not a ${...} placeholder, not a reference).
LITERAL_JWT_KEY = re.compile(r"(?<![{\w])JARYO_JWT_(?:PREVIOUS_)?SECRETS?\s*[=:]\s*(?![\s$])\S")


def kustomize_binary() -> str:
    lib = (ROOT / "scripts" / "lib.sh").read_text()
    match = re.search(r"^KUSTOMIZE_VERSION=(\S+)", lib, re.MULTILINE)
    assert match, "scripts/lib.sh pins no KUSTOMIZE_VERSION"
    cache = Path(os.environ.get("JARYO_CACHE_DIR", Path.home() / ".cache" / "jaryo"))
    path = os.environ.get("JARYO_KUSTOMIZE", str(cache / "bin" / f"kustomize-{match[1]}"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"no kustomize at {path}: run scripts/install.sh (make install)")
    return path


def kustomize_build(k8s: Path, overlay: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [kustomize_binary(), "build", str(k8s / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )


def build(k8s: Path, overlay: str) -> list[Doc]:
    result = kustomize_build(k8s, overlay)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def operators_k8s(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of k8s/ with what an operator adds before applying dev: the JWT key's env file
    (git-ignored, so never in the repository)."""
    k8s = tmp_path_factory.mktemp("checkout") / "k8s"
    shutil.copytree(K8S, k8s, ignore=shutil.ignore_patterns(DEV_KEY_FILE))
    (k8s / "overlays" / "dev" / DEV_KEY_FILE).write_text(
        f"JARYO_JWT_SECRET={secrets.token_urlsafe(48)}\n"
    )
    return k8s


@pytest.fixture(scope="module")
def built(operators_k8s: Path) -> dict[str, list[Doc]]:
    return {overlay: build(operators_k8s, overlay) for overlay in OVERLAYS}


@pytest.fixture(scope="module")
def dev(built: dict[str, list[Doc]]) -> list[Doc]:
    return built["dev"]


@pytest.fixture(scope="module")
def prod(built: dict[str, list[Doc]]) -> list[Doc]:
    return built["prod"]


def of_kind(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def pod_specs(docs: list[Doc]) -> dict[tuple[str, str], Doc]:
    """Every pod template of the services' own images, by (kind, name). (The dev servers are
    StatefulSets.)"""
    specs = {}
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            spec = doc["spec"]["template"]["spec"]
        elif doc["kind"] == "CronJob":
            spec = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        else:
            continue
        specs[(doc["kind"], doc["metadata"]["name"])] = spec
    return specs


def image_name(container: Doc) -> str:
    """`gateway` of `registry.example.com:5000/jaryo/gateway:0.1.0`."""
    return re.split(r"[:@]", container["image"].rsplit("/", 1)[-1])[0]


def secret_data(secret: Doc) -> dict[str, str]:
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def secret_names(container: Doc) -> set[str]:
    """The Secrets a container reads, whole or a key at a time."""
    names = set()
    for source in container.get("envFrom", []):
        if "secretRef" in source:
            names.add(source["secretRef"]["name"])
    for var in container.get("env", []):
        if "secretKeyRef" in var.get("valueFrom", {}):
            names.add(var["valueFrom"]["secretKeyRef"]["name"])
    return names


def env_names(container: Doc, docs: list[Doc]) -> set[str]:
    """The variables a container gets: its `env` and the keys of what `envFrom` names, where
    the build holds it (prod's Secrets are the operator's)."""
    names = {var["name"] for var in container.get("env", [])}
    for source in container.get("envFrom", []):
        for ref, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            if ref in source and source[ref]["name"] in of_kind(docs, kind):
                names |= set(of_kind(docs, kind)[source[ref]["name"]].get("data", {}))
    return names


def config_value(container: Doc, docs: list[Doc], name: str) -> str | None:
    for var in container.get("env", []):
        if var["name"] == name:
            return var.get("value")
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            data = of_kind(docs, "ConfigMap")[source["configMapRef"]["name"]]["data"]
            if name in data:
                return data[name]
    return None


# --- schemas ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_matches_the_kubernetes_schemas_strictly(built, overlay, version):
    errors = []
    for doc in built[overlay]:
        if (doc["apiVersion"], doc["kind"]) in CUSTOM_KINDS:
            continue
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"{name}: {'.'.join(map(str, exc.path))}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(f"{name}: {exc.message}")
    assert not errors, "\n".join(errors)


def test_strict_validation_rejects_a_misspelt_field(prod):
    gateway = json.loads(json.dumps(of_kind(prod, "Deployment")["gateway"]))
    gateway["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(gateway, KUBERNETES_VERSIONS[-1], strict=True)


# --- every service's pods --------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_pod_runs_non_root_on_a_read_only_root_with_a_tmp_volume(built, overlay):
    specs = pod_specs(built[overlay])
    assert {name for _kind, name in specs} >= {*MIN_GRACE_SECONDS, "janitor", "provision"}
    for (kind, name), spec in specs.items():
        where = f"{overlay} {kind}/{name}"
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, where
        assert pod["runAsUser"] == 10001, where  # the images' USER
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, where
        tmp_volumes = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in spec["containers"]:
            ctx = container["securityContext"]
            assert ctx["allowPrivilegeEscalation"] is False, where
            assert ctx["readOnlyRootFilesystem"] is True, where
            assert ctx["capabilities"]["drop"] == ["ALL"], where
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts.get("/tmp") in tmp_volumes, f"{where}: /tmp is no emptyDir"
            for part in ("requests", "limits"):
                assert set(container["resources"][part]) >= {"cpu", "memory"}, where


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_image_is_tagged_by_the_overlay(built, overlay):
    for (kind, name), spec in pod_specs(built[overlay]).items():
        for container in spec["containers"]:
            tag = container["image"].rsplit("/", 1)[-1].partition(":")[2]
            assert tag and tag != "latest", f"{overlay} {kind}/{name}: {container['image']}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_has_probes_a_disruption_budget_and_time_to_stop(built, overlay):
    docs = built[overlay]
    budgets = of_kind(docs, "PodDisruptionBudget").values()
    for name, deployment in of_kind(docs, "Deployment").items():
        template = deployment["spec"]["template"]
        labels = template["metadata"]["labels"]
        assert any(
            budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
            for budget in budgets
        ), f"{overlay}: no PodDisruptionBudget selects {name}"
        grace = template["spec"]["terminationGracePeriodSeconds"]
        assert grace >= MIN_GRACE_SECONDS.get(name, 30), f"{overlay} {name}: {grace}s"
        for container in template["spec"]["containers"]:
            assert "livenessProbe" in container and "readinessProbe" in container, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_probes_health_and_readiness_on_the_port_gunicorn_binds(built, overlay):
    docs = built[overlay]
    (container,) = of_kind(docs, "Deployment")["gateway"]["spec"]["template"]["spec"]["containers"]
    assert container["ports"] == [
        {"name": "http", "containerPort": 8080},
        {"name": "metrics", "containerPort": 9100},
    ]
    assert config_value(container, docs, "JARYO_GATEWAY_BIND") == "0.0.0.0:8080"
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    service = of_kind(docs, "Service")["gateway"]
    assert service["spec"]["selector"] == {"app": "gateway"}
    assert service["spec"]["ports"][0]["targetPort"] == "http"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_serves_metrics_where_probes_and_prometheus_look(built, overlay):
    docs = built[overlay]
    deployments = of_kind(docs, "Deployment")
    assert set(deployments) >= {
        "gateway",
        "storage-service",
        "ocr-service",
        "deck-service",
        "webhook-service",
    }
    services = of_kind(docs, "Service")
    for name, deployment in deployments.items():
        template = deployment["spec"]["template"]
        (container,) = template["spec"]["containers"]
        port = config_value(container, docs, "JARYO_METRICS_PORT")
        assert {"name": "metrics", "containerPort": int(port or 0)} in container["ports"], name
        if name != "gateway":  # the gateway's probes are its HTTP routes, checked above
            for probe in ("livenessProbe", "readinessProbe"):
                assert container[probe]["httpGet"] == {"path": "/metrics", "port": "metrics"}
        annotations = template["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", name
        assert annotations["prometheus.io/port"] == port, name
        assert annotations.get("prometheus.io/path", "/metrics") == "/metrics", name
        metrics_service = services[f"{name}-metrics"]["spec"]
        assert metrics_service["ports"] == [
            {"name": "metrics", "port": 9100, "targetPort": "metrics"}
        ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_public_gateway_service_does_not_expose_the_metrics_port(built, overlay):
    service = of_kind(built[overlay], "Service")["gateway"]
    assert [port["targetPort"] for port in service["spec"]["ports"]] == ["http"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_multi_process_services_keep_metrics_and_temp_files_on_the_tmp_volume(built, overlay):
    docs = built[overlay]
    deployments = of_kind(docs, "Deployment")

    def container(name: str) -> Doc:
        return deployments[name]["spec"]["template"]["spec"]["containers"][0]

    for name in ("gateway", "ocr-service"):
        assert config_value(container(name), docs, "PROMETHEUS_MULTIPROC_DIR") == "/tmp/metrics"
    assert config_value(container("ocr-service"), docs, "JARYO_OCR_WORKERS") == "1"
    assert config_value(container("deck-service"), docs, "HOME") == "/tmp"  # LibreOffice


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_jaryo_variable_is_a_setting_the_service_reads(built, overlay):
    """A misspelt JARYO_ variable is silently ignored by the service: catch it here."""
    docs = built[overlay]
    gunicorn = (ROOT / "gateway" / "gunicorn.conf.py").read_text()
    gunicorn_names = set(re.findall(r"environ\.get\(\"(JARYO_\w+)\"", gunicorn))
    assert "JARYO_GATEWAY_BIND" in gunicorn_names
    for (kind, name), spec in pod_specs(docs).items():
        for container in spec["containers"]:
            settings = SETTINGS_BY_IMAGE[image_name(container)]
            known = {f"JARYO_{field.upper()}" for field in settings.model_fields}
            if image_name(container) == "gateway":
                known |= gunicorn_names
            used = {n for n in env_names(container, docs) if n.startswith("JARYO_")}
            assert used <= known, f"{overlay} {kind}/{name}: unknown {sorted(used - known)}"


# --- exposure --------------------------------------------------------------------------------


def open_to_anyone(rule: Doc) -> bool:
    peers = rule.get("from")
    if not peers:
        return True
    return any(
        peer.get("namespaceSelector") == {}
        or peer.get("ipBlock", {}).get("cidr") in ("0.0.0.0/0", "::/0")
        for peer in peers
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_is_reachable_from_anywhere(built, overlay):
    policies = of_kind(built[overlay], "NetworkPolicy").values()
    assert any(
        p["spec"]["podSelector"] == {}
        and p["spec"]["policyTypes"] == ["Ingress"]
        and not p["spec"].get("ingress")
        for p in policies
    ), "no default deny of ingress"
    open_rules = [
        (p["spec"]["podSelector"], rule)
        for p in policies
        for rule in p["spec"].get("ingress", [])
        if open_to_anyone(rule)
    ]
    assert open_rules, "the gateway is not reachable"
    for selector, rule in open_rules:
        assert selector == {"matchLabels": {"app": "gateway"}}, selector
        assert [port["port"] for port in rule["ports"]] == [8080]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_prometheus_in_the_monitoring_namespace_may_scrape_every_pod(built, overlay):
    namespace = {"kubernetes.io/metadata.name": "monitoring"}
    monitoring = {"namespaceSelector": {"matchLabels": namespace}}
    scrape_ports = [
        {port["port"] for port in rule["ports"]}
        for p in of_kind(built[overlay], "NetworkPolicy").values()
        if p["spec"]["podSelector"] == {}
        for rule in p["spec"].get("ingress", [])
        if monitoring in rule.get("from", [])
    ]
    assert scrape_ports == [{9100}]  # every metrics port; the public 8080 serves none


# --- autoscaling -----------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_scales_on_cpu(built, overlay):
    docs = built[overlay]
    (hpa,) = of_kind(docs, "HorizontalPodAutoscaler").values()
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "gateway",
    }
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    assert 1 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
    # A replica count in the Deployment would undo the autoscaler at every `kubectl apply`.
    assert "replicas" not in of_kind(docs, "Deployment")["gateway"]["spec"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_ocr_and_deck_scale_on_their_queue_lengths(built, overlay):
    docs = built[overlay]
    deployments = of_kind(docs, "Deployment")
    auths = of_kind(docs, "TriggerAuthentication")
    # The manifests leave JARYO_QUEUE_PREFIX alone, so the services use the default prefix.
    prefix = Settings.model_fields["queue_prefix"].default
    scaled = of_kind(docs, "ScaledObject")
    assert {name: s["spec"]["scaleTargetRef"]["name"] for name, s in scaled.items()} == {
        "ocr-service": "ocr-service",
        "deck-service": "deck-service",
    }
    for name, scaled_object in scaled.items():
        spec = scaled_object["spec"]
        target = spec["scaleTargetRef"]["name"]
        assert target in deployments and "replicas" not in deployments[target]["spec"]
        assert 1 <= spec["minReplicaCount"] < spec["maxReplicaCount"], name
        (trigger,) = spec["triggers"]
        service = name.removesuffix("-service")
        assert service in SERVICE_QUEUES
        assert trigger["type"] == "rabbitmq"
        assert trigger["metadata"]["queueName"] == f"{prefix}.{service}"
        assert trigger["metadata"]["mode"] == "QueueLength"
        assert int(trigger["metadata"]["value"]) >= 1
        auth = auths[trigger["authenticationRef"]["name"]]
        assert auth["spec"]["secretTargetRef"] == [
            {"parameter": "host", "name": "jaryo-secrets", "key": "JARYO_AMQP_URL"}
        ]


# --- the janitor -----------------------------------------------------------------------------


def test_prod_runs_the_janitor_from_a_cronjob_one_run_at_a_time(prod):
    (cronjob,) = of_kind(prod, "CronJob").values()
    spec = cronjob["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["startingDeadlineSeconds"] > 0
    assert spec["jobTemplate"]["spec"]["backoffLimit"] >= 0
    (container,) = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert image_name(container) == "janitor"
    assert container["command"] == ["python", "-m", "janitor", "run-once"]
    assert "janitor" not in of_kind(prod, "Deployment")


def test_dev_runs_the_janitor_as_the_long_lived_service(dev):
    (container,) = of_kind(dev, "Deployment")["janitor"]["spec"]["template"]["spec"]["containers"]
    assert image_name(container) == "janitor"
    assert "command" not in container and "args" not in container  # the image's `python -m janitor`
    assert not of_kind(dev, "CronJob")


# --- servers and secrets ---------------------------------------------------------------------


def test_dev_brings_rabbitmq_mongodb_and_s3_with_their_own_volumes(dev):
    statefulsets = of_kind(dev, "StatefulSet")
    images = {
        name: s["spec"]["template"]["spec"]["containers"][0]["image"]
        for name, s in statefulsets.items()
    }
    assert images == {
        "rabbitmq": "rabbitmq:3.13-management",
        "mongodb": "mongo:7",
        "s3": "chrislusf/seaweedfs",
    }
    for name, statefulset in statefulsets.items():
        assert statefulset["spec"]["volumeClaimTemplates"], name
        assert statefulset["spec"]["serviceName"] in of_kind(dev, "Service"), name
    assert "-s3" in statefulsets["s3"]["spec"]["template"]["spec"]["containers"][0]["args"]


def test_prod_expects_its_servers_from_outside(prod):
    assert not of_kind(prod, "StatefulSet")
    assert not of_kind(prod, "PersistentVolumeClaim")


def service_port(docs: list[Doc], host: str | None, port: int | None) -> bool:
    service = of_kind(docs, "Service").get(host or "")
    return service is not None and port in {p["port"] for p in service["spec"]["ports"]}


def test_dev_settings_point_at_the_dev_servers_with_matching_credentials(dev):
    secrets = of_kind(dev, "Secret")
    values = secret_data(secrets["jaryo-secrets"])
    amqp, mongo = urlsplit(values["JARYO_AMQP_URL"]), urlsplit(values["JARYO_MONGO_URL"])
    assert service_port(dev, amqp.hostname, amqp.port)
    assert service_port(dev, mongo.hostname, mongo.port)
    (config,) = of_kind(dev, "ConfigMap").values()
    s3_host, s3_port = config["data"]["JARYO_S3_ENDPOINT"].split(":")
    assert service_port(dev, s3_host, int(s3_port))
    assert config["data"]["JARYO_S3_SECURE"] == "false"

    (servers,) = (s for name, s in secrets.items() if name.startswith("dev-servers"))
    server_values = secret_data(servers)
    assert amqp.password == server_values["RABBITMQ_DEFAULT_PASS"]
    s3_config = json.loads(server_values["s3.json"])
    assert s3_config == json.loads((ROOT / "scripts" / "compose" / "s3.json").read_text())
    (identity,) = s3_config["identities"]
    assert identity["credentials"] == [
        {"accessKey": values["JARYO_S3_ACCESS_KEY"], "secretKey": values["JARYO_S3_SECRET_KEY"]}
    ]
    jwt = secret_data(secrets["jaryo-gateway-secrets"])["JARYO_JWT_SECRET"]
    assert len(jwt.encode()) >= 32


def test_prod_carries_no_secret_values(prod):
    for secret in of_kind(prod, "Secret").values():
        assert not secret.get("data") and not secret.get("stringData"), secret["metadata"]
    for config in of_kind(prod, "ConfigMap").values():
        assert not set(config["data"]) & SECRET_SETTINGS


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_reach_containers_only_by_reference(built, overlay):
    for (kind, name), spec in pod_specs(built[overlay]).items():
        for container in spec["containers"]:
            for var in container.get("env", []):
                if var["name"] in SECRET_SETTINGS:
                    assert "secretKeyRef" in var.get("valueFrom", {}), f"{kind}/{name}"
            if (kind, name) != ("Deployment", "gateway"):
                assert "jaryo-gateway-secrets" not in secret_names(container), f"{kind}/{name}"
                assert "JARYO_JWT_SECRET" not in env_names(container, built[overlay])


def test_the_readme_names_every_secret_key_prod_needs(dev, prod):
    """Prod's Secrets are the operator's: k8s/README.md must say what goes into them."""
    readme = (K8S / "README.md").read_text()
    referenced = {
        secret
        for spec in pod_specs(prod).values()
        for c in spec["containers"]
        for secret in secret_names(c)
    }
    assert referenced == {"jaryo-secrets", "jaryo-gateway-secrets"}
    dev_secrets = of_kind(dev, "Secret")
    for name in referenced:
        assert f"`{name}`" in readme, name
        for key in dev_secrets[name]["data"]:
            assert f"`{key}`" in readme, key


def test_no_overlay_or_compose_file_carries_a_literal_jwt_key():
    """A key in the repository is a key anyone can sign tokens with (the gateway refuses the
    ones that were committed once); operators bring their own."""
    files = [ROOT / "docker-compose.yml", *K8S.rglob("*.yaml"), *K8S.rglob("*.yml")]
    for path in files:
        found = LITERAL_JWT_KEY.search(path.read_text())
        assert found is None, f"{path.relative_to(ROOT)}: {found and found.group(0)}"
    assert DEV_KEY_FILE in (K8S / "overlays" / "dev" / ".gitignore").read_text()


def test_dev_takes_the_jwt_key_from_the_operators_file(dev, operators_k8s):
    written = (operators_k8s / "overlays" / "dev" / DEV_KEY_FILE).read_text()
    built_key = secret_data(of_kind(dev, "Secret")["jaryo-gateway-secrets"])["JARYO_JWT_SECRET"]
    assert written.strip() == f"JARYO_JWT_SECRET={built_key}"


def test_dev_does_not_build_until_the_operator_made_a_key(tmp_path):
    k8s = tmp_path / "k8s"
    shutil.copytree(K8S, k8s, ignore=shutil.ignore_patterns(DEV_KEY_FILE))
    result = kustomize_build(k8s, "dev")
    assert result.returncode != 0
    assert DEV_KEY_FILE in result.stderr

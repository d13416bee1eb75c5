"""The Kubernetes collector against recorded API answers served over loopback HTTP."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scorecards.checks.results import REDACTED
from scorecards.collectors.kubernetes import (
    KIND_NAMES,
    KINDS,
    KubeConfig,
    collect_kubernetes,
    normalise_object,
)
from tests.collectors.kubernetes.conftest import (
    FIXTURES,
    RESOURCE_PATHS,
    load,
    requested,
    write_kubeconfig,
)

PROD = FIXTURES / "shop" / "prod-eu"


def by_locator(result: dict) -> dict[str, dict]:
    return {o["locator"]: o for o in result["objects"]}


def test_it_lists_every_kind_once_per_cluster_and_follows_continue_tokens(shop_clusters):
    result = collect_kubernetes(
        KubeConfig(kubeconfig=str(shop_clusters["kubeconfig"]), contexts=["prod-eu"], page_size=2)
    )
    paths = requested(shop_clusters["prod"])
    token = load(PROD / "deployments.page1.json")["metadata"]["continue"]
    assert paths[0] == "/version/"
    assert paths.count("/apis/apps/v1/deployments?limit=2") == 1
    assert f"/apis/apps/v1/deployments?continue={token}&limit=2" in paths
    listed = sorted({p.split("?")[0] for p in paths[1:]})
    assert listed == sorted(RESOURCE_PATHS.values())  # one collection per kind, cluster-wide
    assert len(paths) == 1 + len(RESOURCE_PATHS) + 1  # version + kinds + the second page
    assert not any("secrets" in p for p in paths)
    assert result["requests"] == len(paths) == result["clusters"][0]["requests"]
    # the second page's Deployment is there, after the first page's two
    deployments = [o["name"] for o in result["objects"] if o["kind"] == "Deployment"]
    assert deployments == ["shop-web", "shop-worker", "legacy-admin"]


def test_it_returns_manifest_shaped_objects_with_locators(shop_clusters):
    result = collect_kubernetes(
        KubeConfig(kubeconfig=str(shop_clusters["kubeconfig"]), contexts=["prod-eu"], page_size=2)
    )
    assert result["schema"] == 1 and result["source"] == "kubernetes"
    objects = by_locator(result)
    web = objects["prod-eu/shop/Deployment/shop-web"]
    assert web["cluster"] == "prod-eu" and web["namespace"] == "shop" and web["name"] == "shop-web"
    assert web["api_version"] == "apps/v1"
    assert web["labels"]["app.kubernetes.io/part-of"] == "shop"
    manifest = web["object"]
    # the API server leaves kind/apiVersion out of list items; the collector puts them back
    assert (manifest["apiVersion"], manifest["kind"]) == ("apps/v1", "Deployment")
    assert manifest["status"]["readyReplicas"] == 3
    assert manifest["spec"]["template"]["spec"]["containers"][0]["lifecycle"]["preStop"]
    hpa = objects["prod-eu/shop/HorizontalPodAutoscaler/shop-web"]["object"]
    assert (
        hpa["apiVersion"] == "autoscaling/v2"
        and hpa["spec"]["scaleTargetRef"]["name"] == "shop-web"
    )
    cluster = result["clusters"][0]
    assert cluster["context"] == "prod-eu" and cluster["error"] is None
    assert cluster["version"] == "v1.30.4-eks-a737599"
    assert cluster["server"] == shop_clusters["prod"].url_for("").rstrip("/")
    assert cluster["resource_version"]["Deployment"] == "48220931"
    json.dumps(result)


def test_it_strips_managed_fields_and_the_last_applied_annotation(shop_clusters):
    recorded = json.dumps(load(PROD / "deployments.page1.json"))
    assert "managedFields" in recorded and "last-applied-configuration" in recorded
    result = collect_kubernetes(
        KubeConfig(kubeconfig=str(shop_clusters["kubeconfig"]), contexts=["prod-eu"], page_size=2)
    )
    text = json.dumps(result)
    assert "managedFields" not in text
    assert "last-applied-configuration" not in text
    worker = by_locator(result)["prod-eu/shop/Deployment/shop-worker"]["object"]
    assert worker["metadata"]["annotations"] == {"deployment.kubernetes.io/revision": "3"}


def test_no_secret_value_survives_collection(shop_clusters):
    recorded = "".join(p.read_text() for p in PROD.glob("*.json"))
    assert '"value": "hunter2hunter2"' in recorded  # the recorded worker sets DB_PASSWORD literally
    result = collect_kubernetes(
        KubeConfig(
            kubeconfig=str(shop_clusters["kubeconfig"]),
            contexts=["prod-eu", "staging"],
            page_size=2,
        )
    )
    text = json.dumps(result, ensure_ascii=False)
    assert "hunter2" not in text
    assert "correct-horse-battery-staple" not in text
    container = by_locator(result)["prod-eu/shop/Deployment/shop-worker"]["object"]["spec"][
        "template"
    ]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["DB_PASSWORD"] == REDACTED
    assert env["DB_HOST"] == "shop-postgres.shop.svc.cluster.local"  # not secret: kept
    # a credential inside a URL is hidden, the location stays
    assert env["CELERY_BROKER_URL"] == f"amqp://shop:{REDACTED}@rabbitmq.shop.svc:5672/shop"
    assert env["GITHUB_WEBHOOK_TOKEN_FILE"] == "/var/run/secrets/github/token"  # a path, kept
    assert container["args"][-2:] == ["--broker-password", REDACTED]
    sidecar = by_locator(result)["prod-eu/tools/Deployment/legacy-admin"]["object"]["spec"][
        "template"
    ]["spec"]["containers"][1]
    assert sidecar["args"] == ["redis-server", "--requirepass", REDACTED]


def test_secret_references_are_kept_as_references(shop_clusters):
    result = collect_kubernetes(
        KubeConfig(kubeconfig=str(shop_clusters["kubeconfig"]), contexts=["prod-eu"], page_size=2)
    )
    container = by_locator(result)["prod-eu/shop/Deployment/shop-web"]["object"]["spec"][
        "template"
    ]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["STRIPE_API_KEY"]["valueFrom"] == {
        "secretKeyRef": {"name": "shop-stripe", "key": "api-key"}
    }
    assert container["envFrom"] == [{"configMapRef": {"name": "shop-config"}}]


def test_config_maps_keep_key_names_and_drop_values(shop_clusters):
    result = collect_kubernetes(
        KubeConfig(kubeconfig=str(shop_clusters["kubeconfig"]), contexts=["prod-eu"], page_size=2)
    )
    config_map = by_locator(result)["prod-eu/shop/ConfigMap/shop-config"]["object"]
    assert "data" not in config_map
    assert config_map["dataKeys"] == ["LOG_LEVEL", "SENTRY_DSN", "SMTP_PASSWORD"]
    assert "ingest.sentry.io" not in json.dumps(result)


def test_two_contexts_are_two_clusters_and_a_forbidden_kind_is_reported_not_fatal(
    shop_clusters,
):
    result = collect_kubernetes(
        KubeConfig(
            kubeconfig=str(shop_clusters["kubeconfig"]),
            contexts=["prod-eu", "staging"],
            page_size=2,
        )
    )
    assert [c["context"] for c in result["clusters"]] == ["prod-eu", "staging"]
    assert [c["version"] for c in result["clusters"]] == ["v1.30.4-eks-a737599", "v1.31.2"]
    staging = [o for o in result["objects"] if o["cluster"] == "staging"]
    assert [o["locator"] for o in staging] == ["staging/shop-staging/Deployment/shop-web"]
    assert [(e["cluster"], e["kind"]) for e in result["errors"]] == [("staging", "CronJob")]
    error = result["errors"][0]["error"]
    assert error.startswith("403") and 'cannot list resource "cronjobs"' in error
    # listing went on after the 403: the kinds after CronJob were still read on staging
    staging_paths = requested(shop_clusters["staging"])
    assert "/api/v1/configmaps?limit=2" in staging_paths
    assert "CronJob" not in result["clusters"][1]["resource_version"]
    assert result["requests"] == len(requested(shop_clusters["prod"])) + len(staging_paths)


def test_an_unreachable_cluster_is_reported_and_the_others_are_collected(shop_clusters):
    result = collect_kubernetes(
        KubeConfig(
            kubeconfig=str(shop_clusters["kubeconfig"]),
            contexts=["offline", "prod-eu"],
            page_size=2,
        )
    )
    offline, prod = result["clusters"]
    assert offline["error"].startswith("cannot reach http://127.0.0.1:")
    assert offline["requests"] == 1  # stops at the first failed request, no list per kind
    assert prod["error"] is None
    assert {"cluster": "offline", "kind": None, "error": offline["error"]} in result["errors"]
    assert any(o["cluster"] == "prod-eu" for o in result["objects"])
    assert not any(o["cluster"] == "offline" for o in result["objects"])


def test_an_unknown_context_is_a_cluster_error(shop_clusters):
    result = collect_kubernetes(
        KubeConfig(kubeconfig=str(shop_clusters["kubeconfig"]), contexts=["nowhere"])
    )
    assert result["clusters"][0]["error"].startswith("kubeconfig:")
    assert result["objects"] == [] and result["requests"] == 0


def test_without_contexts_it_collects_the_current_context(shop_clusters):
    result = collect_kubernetes(
        KubeConfig(kubeconfig=str(shop_clusters["kubeconfig"]), page_size=2)
    )
    assert [c["context"] for c in result["clusters"]] == ["prod-eu"]
    assert requested(shop_clusters["staging"]) == []


def test_a_namespace_filter_lists_each_kind_once_per_namespace(
    httpserver: HTTPServer, tmp_path: Path
):
    deployments = load(PROD / "deployments.page1.json")
    shop_only = {**deployments, "metadata": {"resourceVersion": "48220931"}}
    shop_only["items"] = [i for i in deployments["items"] if i["metadata"]["namespace"] == "shop"]
    httpserver.expect_request(
        "/apis/apps/v1/namespaces/shop/deployments", query_string={"limit": "500"}
    ).respond_with_json(shop_only)
    for namespace in ("shop", "tools"):
        httpserver.expect_request(
            f"/apis/batch/v1/namespaces/{namespace}/jobs", query_string={"limit": "500"}
        ).respond_with_json(
            {"kind": "JobList", "apiVersion": "batch/v1", "metadata": {}, "items": []}
        )
    httpserver.expect_request(
        "/apis/apps/v1/namespaces/tools/deployments", query_string={"limit": "500"}
    ).respond_with_json(load(PROD / "deployments.page2.json"))
    httpserver.expect_request("/version/").respond_with_json(load(PROD / "version.json"))
    kubeconfig = write_kubeconfig(
        tmp_path / "kubeconfig", {"prod-eu": httpserver.url_for("").rstrip("/")}, "prod-eu"
    )
    result = collect_kubernetes(
        KubeConfig(
            kubeconfig=str(kubeconfig),
            namespaces=["shop", "tools"],
            kinds=("Deployment", "Job"),
        )
    )
    assert requested(httpserver)[1:] == [
        "/apis/apps/v1/namespaces/shop/deployments?limit=500",
        "/apis/apps/v1/namespaces/tools/deployments?limit=500",
        "/apis/batch/v1/namespaces/shop/jobs?limit=500",
        "/apis/batch/v1/namespaces/tools/jobs?limit=500",
    ]
    assert [o["locator"] for o in result["objects"]] == [
        "prod-eu/shop/Deployment/shop-web",
        "prod-eu/shop/Deployment/shop-worker",
        "prod-eu/tools/Deployment/legacy-admin",
    ]
    assert result["clusters"][0]["resource_version"]["shop/Deployment"] == "48220931"


def test_the_label_selector_is_sent_with_every_list(httpserver: HTTPServer, tmp_path: Path):
    empty = {"kind": "DeploymentList", "apiVersion": "apps/v1", "metadata": {}, "items": []}
    httpserver.expect_request(
        "/apis/apps/v1/deployments",
        query_string={"limit": "500", "labelSelector": "app.kubernetes.io/part-of=shop"},
    ).respond_with_json(empty)
    httpserver.expect_request("/version/").respond_with_json(load(PROD / "version.json"))
    kubeconfig = write_kubeconfig(
        tmp_path / "kubeconfig", {"prod-eu": httpserver.url_for("").rstrip("/")}, "prod-eu"
    )
    result = collect_kubernetes(
        KubeConfig(
            kubeconfig=str(kubeconfig),
            label_selector="app.kubernetes.io/part-of=shop",
            kinds=("Deployment",),
        )
    )
    assert result["errors"] == [] and result["requests"] == 2


def test_an_expired_continue_token_restarts_the_list_once(httpserver: HTTPServer, tmp_path: Path):
    page1 = load(PROD / "deployments.page1.json")
    token = page1["metadata"]["continue"]
    expired = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {"continue": "fresh"},
        "status": "Failure",
        "message": "The provided continue parameter is too old to display a consistent list "
        "result. You can start a new list without the continue parameter.",
        "reason": "Expired",
        "code": 410,
    }
    httpserver.expect_request("/version/").respond_with_json(load(PROD / "version.json"))
    httpserver.expect_oneshot_request(
        "/apis/apps/v1/deployments", query_string={"limit": "2"}
    ).respond_with_json(page1)
    httpserver.expect_oneshot_request(
        "/apis/apps/v1/deployments", query_string={"limit": "2", "continue": token}
    ).respond_with_json(expired, status=410)
    httpserver.expect_oneshot_request(
        "/apis/apps/v1/deployments", query_string={"limit": "2"}
    ).respond_with_json(page1)
    httpserver.expect_oneshot_request(
        "/apis/apps/v1/deployments", query_string={"limit": "2", "continue": token}
    ).respond_with_json(load(PROD / "deployments.page2.json"))
    kubeconfig = write_kubeconfig(
        tmp_path / "kubeconfig", {"prod-eu": httpserver.url_for("").rstrip("/")}, "prod-eu"
    )
    result = collect_kubernetes(
        KubeConfig(kubeconfig=str(kubeconfig), kinds=("Deployment",), page_size=2)
    )
    names = [o["name"] for o in result["objects"]]
    assert names == ["shop-web", "shop-worker", "legacy-admin"]  # no duplicates from page one
    assert result["requests"] == 5 and result["errors"] == []


def test_progress_counts_one_step_per_kind_of_each_cluster(shop_clusters):
    events: list[tuple[int, int, str]] = []
    collect_kubernetes(
        KubeConfig(
            kubeconfig=str(shop_clusters["kubeconfig"]),
            contexts=["offline", "prod-eu"],
            page_size=2,
        ),
        progress=lambda done, total, label: events.append((done, total, label)),
    )
    total = 2 * len(KIND_NAMES)
    assert events[0] == (len(KIND_NAMES), total, "offline (error)")  # skipped kinds counted
    assert events[1] == (len(KIND_NAMES) + 1, total, "prod-eu/Deployment")
    assert events[-1] == (total, total, "prod-eu/Ingress")


def test_normalise_object_redacts_init_and_cron_job_containers():
    cron = {
        "metadata": {"name": "nightly", "namespace": "ops"},
        "spec": {
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {
                            "initContainers": [
                                {
                                    "name": "wait",
                                    "env": [{"name": "API_TOKEN", "value": "abc123xyz"}],
                                }
                            ],
                            "containers": [
                                {
                                    "name": "job",
                                    "env": [
                                        {
                                            "name": "GH",
                                            "value": "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2,
                                        },
                                        {"name": "LOG_LEVEL", "value": "debug"},
                                    ],
                                }
                            ],
                        }
                    }
                }
            }
        },
    }
    spec = next(s for s in KINDS if s.kind == "CronJob")
    pod = normalise_object(cron, spec)["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["initContainers"][0]["env"][0]["value"] == REDACTED
    assert pod["containers"][0]["env"][0]["value"] == REDACTED  # detect-secrets: GitHub token
    assert pod["containers"][0]["env"][1]["value"] == "debug"


def test_requests_grow_with_pages_not_with_services(httpserver: HTTPServer, tmp_path: Path):
    """1,200 Deployments of 1,200 services: three pages of 500, one request each."""
    template = load(PROD / "deployments.page1.json")["items"][0]
    items = []
    for i in range(1200):
        item = json.loads(json.dumps(template))
        item["metadata"]["name"] = f"svc-{i:04d}"
        item["metadata"]["labels"]["app.kubernetes.io/part-of"] = f"svc-{i:04d}"
        items.append(item)
    pages = [items[i : i + 500] for i in range(0, len(items), 500)]
    for number, page in enumerate(pages):
        metadata = {"resourceVersion": "9000"}
        if number + 1 < len(pages):
            metadata["continue"] = f"page-{number + 1}"
        query = {"limit": "500", **({"continue": f"page-{number}"} if number else {})}
        httpserver.expect_request(
            "/apis/apps/v1/deployments", query_string=query
        ).respond_with_json(
            {"kind": "DeploymentList", "apiVersion": "apps/v1", "metadata": metadata, "items": page}
        )
    httpserver.expect_request("/version/").respond_with_json(load(PROD / "version.json"))
    kubeconfig = write_kubeconfig(
        tmp_path / "kubeconfig", {"prod-eu": httpserver.url_for("").rstrip("/")}, "prod-eu"
    )
    result = collect_kubernetes(KubeConfig(kubeconfig=str(kubeconfig), kinds=("Deployment",)))
    assert len(result["objects"]) == 1200
    assert len({o["labels"]["app.kubernetes.io/part-of"] for o in result["objects"]}) == 1200
    assert result["requests"] == 1 + 3
    assert "managedFields" not in json.dumps(result["objects"][-1])


def test_pod_template_annotations_are_cleaned_like_object_annotations():
    item = {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "template": {
                "metadata": {
                    "annotations": {
                        "vault.example.com/api-token": "s3cr3t-t0ken-value",
                        "checksum/config": "5c2b7a1f",
                    }
                },
                "spec": {"containers": [{"name": "web", "image": "web:1"}]},
            }
        },
    }
    spec = next(s for s in KINDS if s.kind == "Deployment")
    annotations = normalise_object(item, spec)["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {"vault.example.com/api-token": REDACTED, "checksum/config": "5c2b7a1f"}


def test_in_cluster_mode_uses_the_service_account_config(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
):
    from scorecards.collectors import kubernetes as collector

    def fake_incluster(client_configuration):  # what the client does inside a pod
        client_configuration.host = httpserver.url_for("").rstrip("/")
        client_configuration.api_key = {"authorization": "Bearer sa-token"}

    monkeypatch.setattr(collector.k8s_config, "load_incluster_config", fake_incluster)
    httpserver.expect_request("/version/").respond_with_json(load(PROD / "version.json"))
    httpserver.expect_request(
        "/apis/apps/v1/deployments", query_string={"limit": "500"}
    ).respond_with_json(load(PROD / "deployments.page2.json"))
    result = collect_kubernetes(KubeConfig(in_cluster=True, kinds=("Deployment",)))
    assert [o["locator"] for o in result["objects"]] == ["in-cluster/tools/Deployment/legacy-admin"]
    assert httpserver.log[0][0].headers["Authorization"] == "Bearer sa-token"


@contextlib.contextmanager
def silent_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """A port that accepts connections and never answers, like a wedged API server."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


def test_a_cluster_that_never_answers_is_given_up_after_one_probe(tmp_path: Path):
    with silent_server() as (port, accepted):
        kubeconfig = write_kubeconfig(
            tmp_path / "kubeconfig", {"wedged": f"http://127.0.0.1:{port}"}, "wedged"
        )
        started = time.monotonic()
        result = collect_kubernetes(
            KubeConfig(kubeconfig=str(kubeconfig), probe_timeout=1.0, read_timeout=30.0)
        )
        elapsed = time.monotonic() - started
        connections = len(accepted)
    (cluster,) = result["clusters"]
    assert cluster["requests"] == 1 and connections == 1  # no second try of a silent request
    assert elapsed < 10  # one 1-second probe, not a 30-second read per kind (generous budget)
    error = cluster["error"]
    assert error == (
        f"http://127.0.0.1:{port} accepted the connection but did not answer within 1 s; "
        "is the API server overloaded, or is something else listening there?"
    )
    for internal in ("Pool", "urllib3", "MaxRetry", "Errno", "read timeout="):
        assert internal not in error

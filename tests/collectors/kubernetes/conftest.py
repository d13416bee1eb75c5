"""Serve recorded Kubernetes API answers from loopback HTTP servers, one per cluster.

``tests/fixtures/kubernetes/<scenario>/<context>/`` holds the JSON a real API server answered:
``<resource>.json`` for a list that fits one page, ``<resource>.page1.json`` +
``<resource>.page2.json`` for a list the server split with a ``continue`` token, and
``<resource>.forbidden.json`` for a ``Status`` the server returned with 403.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kubernetes"

# Resource file name -> the collection path the client lists (cluster-wide).
RESOURCE_PATHS = {
    "deployments": "/apis/apps/v1/deployments",
    "statefulsets": "/apis/apps/v1/statefulsets",
    "daemonsets": "/apis/apps/v1/daemonsets",
    "jobs": "/apis/batch/v1/jobs",
    "cronjobs": "/apis/batch/v1/cronjobs",
    "services": "/api/v1/services",
    "horizontalpodautoscalers": "/apis/autoscaling/v2/horizontalpodautoscalers",
    "poddisruptionbudgets": "/apis/policy/v1/poddisruptionbudgets",
    "persistentvolumeclaims": "/api/v1/persistentvolumeclaims",
    "configmaps": "/api/v1/configmaps",
    "ingresses": "/apis/networking.k8s.io/v1/ingresses",
}


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def serve_recorded(server: HTTPServer, folder: Path, page_size: int = 500) -> None:
    """Register every recorded answer of ``folder`` on ``server`` (exact query matching)."""
    # The Python client asks for ``/version/``; the API server answers both spellings.
    server.expect_request(re.compile(r"^/version/?$"), method="GET").respond_with_json(
        load(folder / "version.json")
    )
    for resource, path in RESOURCE_PATHS.items():
        single = folder / f"{resource}.json"
        first = folder / f"{resource}.page1.json"
        forbidden = folder / f"{resource}.forbidden.json"
        query = {"limit": str(page_size)}
        if single.exists():
            server.expect_request(path, method="GET", query_string=query).respond_with_json(
                load(single)
            )
        elif first.exists():
            page1 = load(first)
            token = page1["metadata"]["continue"]
            server.expect_request(path, method="GET", query_string=query).respond_with_json(page1)
            server.expect_request(
                path, method="GET", query_string={**query, "continue": token}
            ).respond_with_json(load(folder / f"{resource}.page2.json"))
        elif forbidden.exists():
            server.expect_request(path, method="GET").respond_with_json(load(forbidden), status=403)


def requested(server: HTTPServer) -> list[str]:
    """Every request the server saw, as ``path?query``."""
    return [
        request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
        for request, _response in server.log
    ]


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_kubeconfig(path: Path, clusters: dict[str, str], current: str) -> Path:
    """A kubeconfig with one context per cluster, token auth, plain http to loopback."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": current,
        "clusters": [{"name": name, "cluster": {"server": url}} for name, url in clusters.items()],
        "users": [
            {"name": f"{name}-scanner", "user": {"token": f"token-{name}"}} for name in clusters
        ],
        "contexts": [
            {"name": name, "context": {"cluster": name, "user": f"{name}-scanner"}}
            for name in clusters
        ],
    }
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture
def second_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def shop_clusters(httpserver: HTTPServer, second_server: HTTPServer, tmp_path: Path):
    """prod-eu (paginated Deployments), staging (CronJobs forbidden), offline (nothing there)."""
    serve_recorded(httpserver, FIXTURES / "shop" / "prod-eu", page_size=2)
    serve_recorded(second_server, FIXTURES / "shop" / "staging", page_size=2)
    kubeconfig = write_kubeconfig(
        tmp_path / "kubeconfig",
        {
            "prod-eu": httpserver.url_for("").rstrip("/"),
            "staging": second_server.url_for("").rstrip("/"),
            "offline": f"http://127.0.0.1:{free_port()}",
        },
        current="prod-eu",
    )
    return {"kubeconfig": kubeconfig, "prod": httpserver, "staging": second_server}

"""Fault injection: real PostgreSQL, Redis and ``celery worker`` processes; fake GitHub, AWS and
Kubernetes endpoints on loopback that misbehave when a test tells them to.

The fakes run in the test process and the worker in its own, so every fault is injected on the
server side, where a real client meets it: a fake GitHub (``FakeGitHub`` of the collector tests,
on threaded servers so one slow answer does not hold the others), a proxy in front of a real
moto server that answers chosen AWS calls with AWS's own error shapes, and a Kubernetes API
serving recorded list answers per namespace. The broker test gets a Redis of its own, which it
stops and starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from scorecards import roles, scanning
from scorecards.models import Scan, Service
from tests.collectors.aws.builders import REGION, Moto, create_function
from tests.collectors.aws.conftest import _post, running_moto_server
from tests.collectors.github.fake_github import FakeGitHub, load, repo_like
from tests.collectors.kubernetes.conftest import FIXTURES as KUBE_FIXTURES
from tests.collectors.kubernetes.conftest import write_kubeconfig
from tests.integration.conftest import (  # noqa: F401 (fixtures shared by import)
    _reset_pools,
    celery_app,
    real_backends,
    wait_for,
    workers,
)
from tests.web.users import make_person

FILES = {
    "Dockerfile": b'FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]\n',
    "requirements.txt": b"gunicorn==23.0.0\n",
    "app.py": b"import os\nDATABASE_URL = os.environ['DATABASE_URL']\n",
}
CHANGED = {**FILES, "Procfile": b"web: gunicorn app:app\n"}
NO_SOURCES = {
    "GITHUB_ORGS": "",
    "GITHUB_TOKEN": "",
    "AWS_REGIONS": "",
    "KUBECONFIG": "",
    "KUBE_CONTEXTS": "",
    "KUBE_NAMESPACES": "",
    "LOCAL_REPOSITORIES": "",
    "DEMO_ORGANISATION": "",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def finished(scan_id: int) -> Scan | None:
    scan = Scan.objects.get(pk=scan_id)
    return scan if scan.state not in Scan.ACTIVE_STATES else None


def scan_in_process() -> Scan:
    """A complete scan run here (the test's settings): the earlier result a fault must keep."""
    requested, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    return scanning.run_scan(requested.pk)


def scan_on_worker(reason: str, timeout: float = 60) -> Scan:
    """A full rescan queued for the worker process, waited for through the database."""
    from scorecards.tasks import scan_organisation

    scan_organisation.delay(reason=reason)
    scan = wait_for(lambda: Scan.objects.filter(reason=reason).first(), timeout=timeout)
    return wait_for(lambda: finished(scan.pk), timeout=timeout)


@pytest.fixture
def no_sources(settings):
    """Nothing configured but what the test turns on, here and in the worker's environment."""
    settings.GITHUB_ORGS, settings.GITHUB_TOKEN, settings.GITHUB_APP_ID = [], "", ""
    settings.AWS_REGIONS, settings.AWS_ENDPOINT_URL, settings.AWS_OFFLINE_DIR = [], "", ""
    settings.KUBECONFIG, settings.KUBE_CONTEXTS, settings.KUBE_NAMESPACES = "", [], []
    settings.KUBE_OFFLINE_DIR = ""
    settings.LOCAL_REPOSITORIES, settings.DEMO_ORGANISATION = [], ""
    return dict(NO_SOURCES)


@pytest.fixture
def scorecard_page(client):
    """``page(service)``: the scorecard page's HTML, as a signed-in viewer sees it."""
    client.force_login(make_person("vera", roles.VIEWER))

    def get(service: Service) -> str:
        response = client.get(f"/services/{service.slug}/")
        assert response.status_code == 200
        return response.content.decode()

    return get


# --- GitHub ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _github_servers():
    servers = [HTTPServer(host="127.0.0.1", threaded=True) for _ in range(2)]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.clear()
        server.stop()


@pytest.fixture
def github(_github_servers, no_sources, settings) -> FakeGitHub:
    """A fake GitHub with ``acme-corp/svc-000..002``, configured here; ``.env`` for workers."""
    api, codeload = _github_servers
    api.clear()
    codeload.clear()
    fake = FakeGitHub(api, codeload)
    template = next(r for r in load("org_repos.json") if r["name"] == "inventory-api")
    for index in range(3):
        fake.add_repo(repo_like(template, f"svc-{index:03d}", 700000 + index), dict(FILES))
    settings.GITHUB_API_URL, settings.GITHUB_TOKEN = fake.api_url, fake.token
    settings.GITHUB_ORGS = ["acme-corp"]
    fake.env = {
        **no_sources,
        "GITHUB_API_URL": fake.api_url,
        "GITHUB_TOKEN": fake.token,
        "GITHUB_ORGS": "acme-corp",
    }
    return fake


def misroute(github: FakeGitHub, monkeypatch, answer: Callable[[Request, str, str], object]):
    """Answer requests with ``answer(request, path, kind)`` when it returns a Response."""
    original = github._route

    def route(request: Request, path: str, kind: str) -> Response:
        response = answer(request, path, kind)
        return response if response is not None else original(request, path, kind)

    monkeypatch.setattr(github, "_route", route)


# --- AWS: moto behind a proxy that injects AWS errors --------------------------------------


def aws_error(code: str, message: str, status: int = 400) -> Callable[[str], Response]:
    """AWS's error shape for the protocol of ``service``: XML (query) or JSON."""

    def answer(service: str) -> Response:
        if service in ("sts", "iam"):
            body = (
                f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
                f"<Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
                f"<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"
            )
            return Response(body, status=status, content_type="text/xml")
        return Response(
            json.dumps({"__type": code, "message": message}),
            status=status,
            headers={"x-amzn-ErrorType": f"{code}:", "x-amzn-RequestId": "fault-injected"},
            content_type="application/x-amz-json-1.1",
        )

    return answer


HOP_HEADERS = ("content-length", "transfer-encoding", "connection", "server", "date")


class AwsProxy:
    """Forwards every request to moto, unless a fault is queued for the call's service.

    The service is read from the SigV4 credential scope (``.../<region>/<service>/aws4_request``),
    as AWS itself routes it.
    """

    def __init__(self, server: HTTPServer, moto_endpoint: str) -> None:
        self.server, self.moto = server, moto_endpoint
        self.faults: dict[str, list[Callable[[str], Response]]] = {}
        self.always: dict[str, Callable[[str], Response]] = {}
        self.log: list[tuple[str, int]] = []
        server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def fail(self, service: str, answer: Callable[[str], Response], times: int | None) -> None:
        if times is None:
            self.always[service] = answer
        else:
            self.faults.setdefault(service, []).extend([answer] * times)

    def heal(self) -> None:
        self.faults.clear()
        self.always.clear()

    def _handle(self, request: Request) -> Response:
        scope = re.search(
            r"Credential=[^/]+/\d+/[^/]+/([^/]+)/", request.headers.get("Authorization", "")
        )
        service = scope.group(1) if scope else "?"
        queued = self.faults.get(service)
        fault = queued.pop(0) if queued else self.always.get(service)
        response = fault(service) if fault is not None else self._forward(request)
        self.log.append((service, response.status_code))
        return response

    def _forward(self, request: Request) -> Response:
        url = self.moto + request.full_path.rstrip("?")
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        forwarded = urllib.request.Request(
            url, data=request.get_data() or None, headers=headers, method=request.method
        )
        try:
            with urllib.request.urlopen(forwarded, timeout=10) as answer:
                status, body, reply = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:
            status, body, reply = error.code, error.read(), error.headers
        kept = {
            k: v
            for k, v in reply.items()
            if k.lower()
            not in ("content-length", "transfer-encoding", "connection", "server", "date")
        }
        return Response(body, status=status, headers=kept)


@pytest.fixture(scope="session")
def _moto_endpoint(tmp_path_factory):
    with running_moto_server(tmp_path_factory.mktemp("moto") / "moto.log") as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def _proxy_server():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def aws(_moto_endpoint, _proxy_server, no_sources, settings, monkeypatch, tmp_path) -> AwsProxy:
    """An empty moto with one tagged Lambda function (service ``orders-fn``) behind the proxy."""
    _post(f"{_moto_endpoint}/moto-api/reset")
    credentials = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
    }
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in credentials.items():
        monkeypatch.setenv(name, value)
    moto = Moto(_moto_endpoint)
    role = moto.lambda_role()
    create_function(moto, "orders-fn", role, tags={"service": "orders-fn", "team": "payments"})
    _proxy_server.clear()
    proxy = AwsProxy(_proxy_server, _moto_endpoint)
    settings.AWS_REGIONS, settings.AWS_ENDPOINT_URL = [REGION], proxy.url
    proxy.env = {**no_sources, **credentials, "AWS_REGIONS": REGION, "AWS_ENDPOINT_URL": proxy.url}
    return proxy


# --- Kubernetes: recorded list answers, served per namespace --------------------------------

RESOURCES = {
    "deployments": "Deployment",
    "statefulsets": "StatefulSet",
    "daemonsets": "DaemonSet",
    "jobs": "Job",
    "cronjobs": "CronJob",
    "services": "Service",
    "horizontalpodautoscalers": "HorizontalPodAutoscaler",
    "poddisruptionbudgets": "PodDisruptionBudget",
    "persistentvolumeclaims": "PersistentVolumeClaim",
    "configmaps": "ConfigMap",
    "ingresses": "Ingress",
}
LIST_PATH = re.compile(
    r"^/(?:api/v1|apis/[^/]+/[^/]+)(?:/namespaces/(?P<ns>[^/]+))?/(?P<res>[a-z]+)$"
)


def _recorded(folder: Path, resource: str) -> list[dict]:
    pages = sorted(folder.glob(f"{resource}.page*.json")) or [folder / f"{resource}.json"]
    return [item for page in pages for item in json.loads(page.read_text())["items"]]


def _renamed(item: dict, namespace: str, name: str, team: str) -> dict:
    text = json.dumps(item).replace("shop-web", name)
    text = text.replace(
        '"app.kubernetes.io/part-of": "shop"', f'"app.kubernetes.io/part-of": "{namespace}"'
    )
    copy = json.loads(text)
    copy["metadata"]["namespace"] = namespace
    copy["metadata"].setdefault("labels", {})["team"] = team
    return copy


class RecordedCluster:
    """prod-eu's recorded objects (namespace ``shop``: services ``shop``, ``shop-web``,
    ``postgresql``) plus a copy of ``shop-web`` named ``billing-api``, part of the service
    ``billing`` in namespace ``billing``; any namespace can be made forbidden."""

    def __init__(self, server: HTTPServer) -> None:
        folder = KUBE_FIXTURES / "shop" / "prod-eu"
        self.version = json.loads((folder / "version.json").read_text())
        self.items = {resource: _recorded(folder, resource) for resource in RESOURCES}
        for resource in ("deployments", "services"):
            web = next(i for i in self.items[resource] if i["metadata"]["name"] == "shop-web")
            self.items[resource].append(_renamed(web, "billing", "billing-api", "billing"))
        self.forbidden: set[str] = set()
        server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    def _handle(self, request: Request) -> Response:
        if re.fullmatch(r"/version/?", request.path):
            return Response(json.dumps(self.version), content_type="application/json")
        match = LIST_PATH.match(request.path)
        if not match or match["res"] not in RESOURCES:
            return Response("{}", status=404, content_type="application/json")
        namespace, resource = match["ns"], match["res"]
        if namespace in self.forbidden:
            status = {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": (
                    f'{resource} is forbidden: User "system:serviceaccount:portal:'
                    f'twelve-factor-scanner" cannot list resource "{resource}" in the '
                    f'namespace "{namespace}"'
                ),
                "reason": "Forbidden",
                "code": 403,
            }
            return Response(json.dumps(status), status=403, content_type="application/json")
        items = [
            i for i in self.items[resource] if namespace in (None, i["metadata"].get("namespace"))
        ]
        body = {
            "kind": f"{RESOURCES[resource]}List",
            "apiVersion": "v1",
            "metadata": {"resourceVersion": "48220931"},
            "items": items,
        }
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture(scope="session")
def _cluster_server():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def cluster(_cluster_server, no_sources, settings, tmp_path) -> RecordedCluster:
    """One cluster ``prod-eu``, namespaces ``shop`` and ``billing``, through a kubeconfig file
    that a test may point elsewhere (``cluster.unreachable()``)."""
    _cluster_server.clear()
    recorded = RecordedCluster(_cluster_server)
    kubeconfig = tmp_path / "kubeconfig"
    write_kubeconfig(kubeconfig, {"prod-eu": _cluster_server.url_for("").rstrip("/")}, "prod-eu")

    def unreachable() -> None:
        dead = f"http://127.0.0.1:{free_port()}"
        write_kubeconfig(kubeconfig, {"prod-eu": dead}, "prod-eu")

    recorded.unreachable = unreachable
    settings.KUBECONFIG, settings.KUBE_CONTEXTS = str(kubeconfig), ["prod-eu"]
    settings.KUBE_NAMESPACES = ["shop", "billing"]
    recorded.env = {
        **no_sources,
        "KUBECONFIG": str(kubeconfig),
        "KUBE_CONTEXTS": "prod-eu",
        "KUBE_NAMESPACES": "shop,billing",
    }
    return recorded


# --- a Redis of the test's own, to stop and start -------------------------------------------


class OwnRedis:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "yes",
                "--pidfile", str(self.folder / "redis.pid"),
                "--dir", str(self.folder),
                "--logfile", str(self.folder / "redis.log"),
            ],
            check=True,
        )  # fmt: skip
        wait_for(self._answers, timeout=10, every=0.05)

    def stop(self) -> None:
        pid = int((self.folder / "redis.pid").read_text())
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: not self._answers(), timeout=10, every=0.05)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def own_redis(tmp_path, transactional_db):
    """A Redis only this test uses, as the broker of this process and of its workers."""
    if connection.vendor != "postgresql":
        pytest.fail("fault tests need PostgreSQL (DATABASE_URL): run scripts/test")
    from portal.celery import app

    redis = OwnRedis(tmp_path)
    redis.start()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis.url, task_always_eager=False)
    _reset_pools(app)
    yield redis
    app.conf.update(**saved)
    _reset_pools(app)
    if redis._answers():
        redis.stop()


# --- webhooks --------------------------------------------------------------------------------

WEBHOOK_SECRET = "fault-injection-secret"
WEBHOOK_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"


@pytest.fixture
def push(client, github, settings):
    """``push(repository, delivery_id)``: GitHub's push delivery for the repository's head."""
    from scorecards.webhooks.signatures import sign

    settings.GITHUB_WEBHOOK_SECRET = WEBHOOK_SECRET

    def deliver(repository: str, delivery: str):
        body = json.loads((WEBHOOK_FIXTURES / "push.json").read_text())
        branch = github.repos[repository]["default_branch"]
        body["repository"].update(full_name=repository, default_branch=branch)
        body.update(ref=f"refs/heads/{branch}", after=github.heads[repository])
        raw = json.dumps(body).encode()
        return client.post(
            "/webhooks/github",
            raw,
            content_type="application/json",
            HTTP_X_GITHUB_EVENT="push",
            HTTP_X_GITHUB_DELIVERY=delivery,
            HTTP_X_HUB_SIGNATURE_256=sign(WEBHOOK_SECRET, raw),
        )

    return deliver


# --- PostgreSQL behind a proxy that can drop every connection --------------------------------


class TcpProxy:
    """Loopback TCP proxy to ``upstream``; ``cut()`` drops every connection and refuses new
    ones (closed as soon as accepted) until ``restore()``."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = False
        self.refused = 0
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            self.down = True
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()

    def restore(self) -> None:
        self.down = False

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                self.refused += 1
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.close()


@pytest.fixture
def database_proxy(transactional_db):
    """The test database through a proxy: ``(proxy, DATABASE_URL through it)``."""
    db = connection.settings_dict
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    url = f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@127.0.0.1:{proxy.port}/{db['NAME']}"
    yield proxy, url
    proxy.close()

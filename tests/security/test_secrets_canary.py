"""No secret seen by a scan is kept or shown: canaries planted everywhere, then looked for.

Unique canary values are committed to a repository (scanned through the local source), set on
a Lambda function and an ECS task definition in an AWS account (moto's server, through boto3)
and on a workload and a ConfigMap of a Kubernetes cluster (recorded API answers, through the
official client). Two real scans run with every log record at DEBUG. Then no canary may appear
in any column of any table, in the logs, on any page a platform lead can open, in any CSV or
SARIF export or in the API — while the names of the variables and where they were found do,
with ``«redacted»`` in place of the values.
"""

from __future__ import annotations

import io
import json
import logging
import logging.config
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import override_settings
from pytest_httpserver import HTTPServer

from portal.logging import logging_config
from scorecards import scanning
from scorecards.api.auth import create_token
from scorecards.checks.registry import FACTOR_BY_KEY
from scorecards.collectors.localdir import collect_directory
from scorecards.demo import forget_everything
from scorecards.models import ApiToken, Scan, Service
from scorecards.roles import PLATFORM_LEAD
from scorecards.web.csv_export import ORG_TABLES, TEAM_TABLES
from tests.collectors.aws.builders import ACCOUNT, REGION, Moto, container, create_ecs_service
from tests.collectors.aws.builders import create_function as create_lambda
from tests.collectors.aws.conftest import _post
from tests.collectors.github.fake_github import CODELOAD_TOKEN, load, repo_like
from tests.collectors.kubernetes.conftest import FIXTURES, serve_recorded, write_kubeconfig
from tests.security.canaries import (
    REDACTED,
    Canaries,
    assert_no_secret,
    canary_repository,
    find_secrets_in,
)
from tests.web.users import make_person

# Every test, even one reading only the captured logs, needs the test database to exist.
pytestmark = pytest.mark.django_db

SLUG = "canary-shop"
LOGGERS = ("scorecards", "celery", "django", "botocore", "kubernetes", "urllib3")
TODAY = date(2026, 11, 25)
# Variable names unique to each place a canary was planted: seeing them proves the test looked
# at data that really came from that place.
LOCATION_NAMES = {
    "lambda": "CANARY_LAMBDA_SIGNING_KEY",
    "ecs": "CANARY_ECS_DB_PASSWORD",
    "cluster": "CANARY_CLUSTER_SESSION_SECRET",
    "dotenv": "STRIPE_SECRET_KEY",
    "compose": "API_TOKEN",
}


def _plant_in_aws(moto: Moto, c: Canaries) -> None:
    role = moto.lambda_role()
    create_lambda(
        moto,
        f"{SLUG}-nightly",
        role,
        env={
            LOCATION_NAMES["lambda"]: c.new("lambda-env"),
            "API_TOKEN": c.new("lambda-api-token"),
            "DATABASE_URL": f"postgres://u:{c.new('lambda-url-password')}@h/db",
        },
        tags={"service": SLUG, "team": "team-canary"},
    )
    create_ecs_service(
        moto,
        f"{SLUG}-web",
        [
            container(
                "web",
                environment=[
                    {"name": LOCATION_NAMES["ecs"], "value": c.new("ecs-env")},
                    {"name": "DATABASE_URL", "value": f"postgres://u:{c.new('ecs-url')}@h/db"},
                ],
                command=["gunicorn", "shop.wsgi", "--api-token", c.new("ecs-command-flag")],
            )
        ],
        tags={"service": SLUG, "team": "team-canary"},
    )


def _recorded_list(kind: str, api_version: str, items: list[dict]) -> dict:
    return {"kind": kind, "apiVersion": api_version, "metadata": {"resourceVersion": "1"},
            "items": items}  # fmt: skip


def _plant_in_cluster(folder: Path, c: Canaries) -> Path:
    """A cluster's recorded answers: one Deployment and one ConfigMap full of canaries."""
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "shop" / "prod-eu" / "version.json", folder / "version.json")
    labels = {"app.kubernetes.io/name": SLUG, "team": "team-canary"}
    pod = {
        "containers": [
            {
                "name": "web",
                "image": "registry.example/canary-shop:1.0.0",
                "args": ["--db-password", c.new("cluster-arg"), f"--token={c.new('cluster-flag')}"],
                "env": [
                    {"name": LOCATION_NAMES["cluster"], "value": c.new("cluster-env")},
                    {"name": "DATABASE_URL", "value": f"postgres://u:{c.new('cluster-url')}@h/db"},
                    {"name": "API_TOKEN", "value": c.new("cluster-api-token")},
                ],
            }
        ]
    }
    deployment = {
        "metadata": {
            "name": SLUG,
            "namespace": "shop",
            "labels": labels,
            # kubectl apply keeps the whole manifest, values included, in this annotation.
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": json.dumps(
                    {"spec": {"template": {"spec": {"containers": pod["containers"]}}}}
                )
            },
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
        "status": {"replicas": 2, "readyReplicas": 2},
    }
    config_map = {
        "metadata": {"name": f"{SLUG}-config", "namespace": "shop", "labels": labels},
        "data": {"API_TOKEN": c.new("configmap-token"), "LOG_LEVEL": "info"},
    }
    answers = {
        "deployments": _recorded_list("DeploymentList", "apps/v1", [deployment]),
        "configmaps": _recorded_list("ConfigMapList", "v1", [config_map]),
        "statefulsets": _recorded_list("StatefulSetList", "apps/v1", []),
        "daemonsets": _recorded_list("DaemonSetList", "apps/v1", []),
        "jobs": _recorded_list("JobList", "batch/v1", []),
        "cronjobs": _recorded_list("CronJobList", "batch/v1", []),
        "services": _recorded_list("ServiceList", "v1", []),
        "horizontalpodautoscalers": _recorded_list(
            "HorizontalPodAutoscalerList", "autoscaling/v2", []
        ),
        "poddisruptionbudgets": _recorded_list("PodDisruptionBudgetList", "policy/v1", []),
        "persistentvolumeclaims": _recorded_list("PersistentVolumeClaimList", "v1", []),
        "ingresses": _recorded_list("IngressList", "networking.k8s.io/v1", []),
    }
    for name, answer in answers.items():
        (folder / f"{name}.json").write_text(json.dumps(answer))
    return folder


@dataclass
class CapturedLogs:
    text: str = ""
    levels: dict[str, int] = field(default_factory=dict)


@contextmanager
def debug_logs() -> Iterator[CapturedLogs]:
    """The portal's own logging configuration at DEBUG, its JSON lines captured."""
    stream = io.StringIO()
    config = logging_config("DEBUG")
    for handler in config["handlers"].values():
        handler["stream"] = stream
    captured = CapturedLogs()
    logging.config.dictConfig(config)
    captured.levels = {name: logging.getLogger(name).getEffectiveLevel() for name in LOGGERS}
    try:
        yield captured
    finally:
        logging.config.dictConfig(django_settings.LOGGING)
        captured.text = stream.getvalue()


def _dump_database() -> str:
    """Every value of every row of every table, JSON columns included, as one text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                chunks.append(f"{table}: " + " | ".join(_cell(value) for value in row))
    return "\n".join(chunks)


def _cell(value: object) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@pytest.fixture(scope="module")
def scanned(django_db_setup, django_db_blocker, moto_endpoint, tmp_path_factory):
    """Two real scans of the planted organisation, logged at DEBUG into ``logs``."""
    c = Canaries()
    work = tmp_path_factory.mktemp("canaries")
    repo = canary_repository(work / SLUG, c)
    # The first scan sees the repository without its worst files: the second one regresses,
    # so the changes page has evidence to show.
    held_back = {name: (repo / name).read_text() for name in (".env", "shop/settings.py")}
    for name in held_back:
        (repo / name).unlink()

    server = HTTPServer(host="127.0.0.1")
    server.start()
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        _post(f"{moto_endpoint}/moto-api/reset")
        for name in [n for n in __import__("os").environ if n.startswith("AWS_")]:
            patch.delenv(name)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.setenv("AWS_CONFIG_FILE", str(work / "no-config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(work / "no-credentials"))
        _plant_in_aws(Moto(moto_endpoint), c)
        serve_recorded(server, _plant_in_cluster(work / "cluster", c))
        kubeconfig = write_kubeconfig(
            work / "kubeconfig", {"prod-eu": server.url_for("").rstrip("/")}, current="prod-eu"
        )
        try:
            with (
                debug_logs() as logs,
                override_settings(
                    # The canary team comes from the sources' own tags and labels.
                    DISCOVERY_CREATE_TEAMS=True,
                    LOCAL_REPOSITORIES=[str(repo)],
                    GITHUB_ORGS=[],
                    AWS_REGIONS=[REGION],
                    AWS_ROLE_ARNS=[],
                    AWS_ENDPOINT_URL=moto_endpoint,
                    AWS_OFFLINE_DIR="",
                    KUBECONFIG=str(kubeconfig),
                    KUBE_CONTEXTS=[],
                    KUBE_NAMESPACES=[],
                    KUBE_OFFLINE_DIR="",
                    DEMO_ORGANISATION="",
                ),
            ):
                scans = []
                for _ in range(2):
                    scan, _created = scanning.request_scan(Scan.Trigger.MANUAL, reason="canary")
                    scans.append(scanning.run_scan(scan.pk, today=TODAY))
                    for name, text in held_back.items():
                        (repo / name).write_text(text)
        finally:
            server.stop()
        try:
            yield {"canaries": c, "scans": scans, "logs": logs.text, "levels": logs.levels}
        finally:
            forget_everything()
            get_user_model().objects.filter(username="lead").delete()
            ApiToken.objects.filter(name="canary-reader").delete()


@pytest.fixture
def lead_client(client, scanned, db):
    client.force_login(make_person("lead", PLATFORM_LEAD))
    return client


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_the_scans_really_read_every_place_a_canary_was_planted(scanned, db):
    assert [s.state for s in scanned["scans"]] == [Scan.State.SUCCEEDED] * 2, [
        s.error for s in scanned["scans"]
    ]
    service = Service.objects.get(slug=SLUG)
    assert service.repository
    assert service.aws_resources and service.k8s_workloads
    card = service.latest_scorecard
    assert card.stale_sources == []
    sources = {run.source: run.state for run in scanned["scans"][-1].source_runs.all()}
    assert sources == dict.fromkeys(("aws", "kubernetes", "local"), "done")


def test_no_canary_is_stored_in_any_column_of_any_table(scanned, db):
    dump = _dump_database()
    assert_no_secret(dump, scanned["canaries"].values, "the database")
    # The names and the locations are kept, the values replaced.
    for name in LOCATION_NAMES.values():
        assert name in dump, name
    assert "deploy/k8s/deployment.yaml" in dump and ".env" in dump
    assert REDACTED in dump


def test_no_canary_is_logged_even_at_debug(scanned):
    logs = scanned["logs"]
    assert_no_secret(logs, scanned["canaries"].values, "the logs")
    # The project's loggers were at DEBUG and the scan did log, as JSON lines.
    records = [json.loads(line) for line in logs.splitlines()]
    assert len(records) > 20 and {r["logger"] for r in records} >= {"scorecards.scanning"}
    assert scanned["levels"] == {
        "scorecards": logging.DEBUG,
        "celery": logging.DEBUG,
        "django": logging.DEBUG,
        "botocore": logging.INFO,
        "kubernetes": logging.INFO,
        "urllib3": logging.INFO,
    }


def test_cloud_client_loggers_never_log_below_info():
    config = logging_config("DEBUG")
    for name in ("botocore", "boto3", "urllib3", "kubernetes", "httpx", "httpcore"):
        assert config["loggers"][name]["level"] == "INFO", name
    assert logging_config("WARNING")["loggers"]["botocore"]["level"] == "WARNING"


def _pages(service: Service) -> list[str]:
    team = service.team.slug
    pages = [
        "/",
        "/services/",
        f"/services/?q={SLUG}",
        f"/services/{SLUG}/",
        f"/services/{SLUG}/changes/",
        "/dashboard/",
        f"/dashboard/teams/{team}/",
        "/factors/",
        *[f"/factors/{key}/" for key in FACTOR_BY_KEY],
        f"/badges/{SLUG}.svg",
    ]
    pages += [f"/dashboard/export/{table}.csv" for table in ORG_TABLES]
    pages += [f"/dashboard/teams/{team}/export/{table}.csv" for table in TEAM_TABLES]
    return pages


def test_no_canary_is_shown_on_any_page_or_export(scanned, lead_client):
    service = Service.objects.get(slug=SLUG)
    seen = []
    for page in _pages(service):
        response = lead_client.get(page)
        assert response.status_code == 200, page
        body = _body(response)
        assert_no_secret(body, scanned["canaries"].values, page)
        seen.append(body.decode("utf-8", "replace"))
    scorecard = seen[_pages(service).index(f"/services/{SLUG}/")]
    # Where values are shown, the placeholder is: the committed .env and the literal tokens.
    assert REDACTED in scorecard
    assert "STRIPE_SECRET_KEY" in scorecard and ".env" in scorecard
    changes = seen[_pages(service).index(f"/services/{SLUG}/changes/")]
    assert "config.no-committed-env-file" in changes or "committed" in changes


def _api_paths(service: Service) -> list[str]:
    card = service.latest_scorecard
    return [
        "/api/v1/services",
        f"/api/v1/services/{SLUG}",
        f"/api/v1/services/{SLUG}/scorecards",
        f"/api/v1/services/{SLUG}/results",
        f"/api/v1/services/{SLUG}/pull-requests",
        f"/api/v1/services/{SLUG}/sarif",
        f"/api/v1/scorecards/{card.pk}",
        f"/api/v1/scorecards/{card.pk}/results",
        "/api/v1/teams",
        "/api/v1/summary",
        "/api/v1/scans",
        "/api/v1/exports/org.csv",
        "/api/v1/exports/teams.csv",
        "/api/v1/exports/checks.csv",
    ]


def test_no_canary_is_served_by_the_api_or_in_sarif(scanned, client, db):
    token = create_token("canary-reader")[1]
    service = Service.objects.get(slug=SLUG)
    bodies = {}
    for path in _api_paths(service):
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, path
        bodies[path] = _body(response)
        assert_no_secret(bodies[path], scanned["canaries"].values, path)
    results = json.dumps(json.loads(bodies[f"/api/v1/services/{SLUG}/results"]), ensure_ascii=False)
    assert REDACTED in results and "STRIPE_SECRET_KEY" in results
    sarif = json.loads(bodies[f"/api/v1/services/{SLUG}/sarif"])
    assert sarif["runs"][0]["results"], "the SARIF export holds the failing checks"


def test_the_canary_helper_finds_a_value_raw_and_json_escaped():
    c = Canaries()
    value = c.new("x", 'canary-"quoted"')
    assert find_secrets_in(json.dumps({"v": value}), c.values) == [value]
    assert find_secrets_in(value.encode(), c.values) == [value]
    with pytest.raises(AssertionError, match="leaked in here"):
        assert_no_secret(f"… {value} …", c.values, "here")
    assert_no_secret("nothing to see", c.values)


def test_aws_account_of_the_fake_is_the_one_scanned(scanned, db):
    # The moto account id shows in the stored resources: the AWS side was not skipped.
    assert ACCOUNT in _dump_database()


def test_a_repository_read_through_the_github_source_leaks_nothing(github, settings, tmp_path):
    c = Canaries()
    name = "canary-github"
    tree = canary_repository(tmp_path / name, c, name=name)
    files = {str(p.relative_to(tree)): p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    template = next(r for r in load("org_repos.json") if r["name"] == "inventory-api")
    github.add_repo(repo_like(template, name, 990001), files)
    settings.GITHUB_API_URL, settings.GITHUB_TOKEN = github.api_url, github.token
    settings.GITHUB_APP_ID, settings.GITHUB_ORGS = "", ["acme-corp"]
    settings.AWS_REGIONS, settings.KUBECONFIG, settings.KUBE_CONTEXTS = [], "", []
    settings.LOCAL_REPOSITORIES, settings.DEMO_ORGANISATION = [], ""
    with debug_logs() as logs:
        scan, _ = scanning.request_scan(Scan.Trigger.MANUAL, sources=["github"])
        scan = scanning.run_scan(scan.pk, today=TODAY)
    assert scan.state == Scan.State.SUCCEEDED, scan.error
    card = Service.objects.get(slug=name).latest_scorecard
    assert card is not None and card.scan_id == scan.pk
    # The repository's canaries, the API token and the signed download link's token.
    secrets = [*c.values, github.token, CODELOAD_TOKEN]
    # The fake GitHub runs in this process: its own access log (werkzeug) is not the portal's.
    portal_lines = [
        line for line in logs.text.splitlines() if json.loads(line)["logger"] != "werkzeug"
    ]
    assert_no_secret("\n".join(portal_lines), secrets, "the logs")
    assert any("legacy.tar.gz" in line for line in portal_lines)  # the download was logged
    dump = _dump_database()
    assert_no_secret(dump, secrets, "the database")
    assert "STRIPE_SECRET_KEY" in dump and "acme-corp/canary-github" in dump


def test_the_repository_facts_keep_no_canary_but_every_name(tmp_path):
    # The facts a scan stores, straight from the collector: the shapes of issue 13 (a compose
    # AWS key id, a secret lookup's literal default, curl -u, mysql -p) included.
    c = Canaries()
    facts = collect_directory(canary_repository(tmp_path / SLUG, c))
    dump = json.dumps(facts, ensure_ascii=False)
    assert_no_secret(dump, c.values, "the repository facts")
    for kept in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        '"STRIPE_API_KEY", "«redacted»"',
        "curl -u admin:«redacted» https://deploy.example/hooks/shop",
        "mysql -uroot -p«redacted» -h db shop",
        "curl -fsSL -u admin:«redacted» https://files.example/x.tgz",
        "https://deploy:«redacted»@git.example/shop.git",
    ):
        assert json.dumps(kept, ensure_ascii=False)[1:-1] in dump, kept

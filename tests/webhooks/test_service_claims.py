"""A ``repository created`` delivery cannot hand an existing service to the new repository."""

from __future__ import annotations

from datetime import date

import pytest

from scorecards import scanning
from scorecards.models import Scan, Service, ServiceClaimConflict, Team
from tests.collectors.github.fake_github import load, repo_like
from tests.webhooks.conftest import payload

pytestmark = pytest.mark.django_db
FILES = {"Dockerfile": b'FROM python:3.12-slim\nCMD ["python", "-m", "app"]\n'}
SQUAT = b"""apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: "victim-svc\\u200b"
spec:
  owner: "logistics\\u202e"
"""


@pytest.fixture(autouse=True)
def _github_only(settings, github):
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.LOCAL_REPOSITORIES = []
    settings.DEMO_ORGANISATION = ""
    settings.DISCOVERY_CREATE_TEAMS = False


def test_a_created_repository_naming_a_bound_service_is_refused(deliver, github):
    template = next(r for r in load("org_repos.json") if r["name"] == "inventory-api")
    github.add_repo(repo_like(template, "victim-svc", 900001), dict(FILES))
    logistics = Team.objects.create(slug="logistics", name="Logistics")
    scan, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    scanning.run_scan(scan.pk, today=date(2026, 11, 25))
    Service.objects.filter(slug="victim-svc").update(team=logistics)

    # The payload's repository: acme-corp/billing, created with a catalog file naming the victim.
    github.add_repo(repo_like(template, "billing", 900002), {**FILES, "catalog-info.yaml": SQUAT})
    response = deliver("repository", payload("repository_created.json"))
    assert response.status_code == 202
    discovery = Scan.objects.get(trigger="webhook")
    assert discovery.state == Scan.State.SUCCEEDED

    service = Service.objects.get(slug="victim-svc")
    assert (service.repository, service.team) == ("acme-corp/victim-svc", logistics)
    assert Team.objects.count() == 1
    conflict = ServiceClaimConflict.objects.get()
    assert (conflict.repository, conflict.claimed_name) == ("acme-corp/billing", "victim-svc")

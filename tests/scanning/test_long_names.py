"""One repository's oversized catalog values never stop the organisation's discovery (issue 13,
item 4). PostgreSQL refuses a value longer than its column (``DataError``) and SQLite stores it
whole, so the stored lengths are asserted against the model's own limits: both fail unfixed."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DataError

from scorecards import scanning
from scorecards.models import Scan, Service, Team

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)
CATALOG = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
spec:
  owner: {owner}
  lifecycle: {lifecycle}
"""


def _limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


@pytest.fixture
def repos(tmp_path, settings):
    settings.GITHUB_ORGS = []
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.DEMO_ORGANISATION = ""
    settings.DISCOVERY_CREATE_TEAMS = True

    def make(**catalogs: dict) -> None:
        paths = []
        for folder, values in catalogs.items():
            repo = tmp_path / folder
            repo.mkdir()
            (repo / "Dockerfile").write_text('FROM python:3.12-slim\nCMD ["python", "app.py"]\n')
            (repo / "catalog-info.yaml").write_text(CATALOG.format(**values))
            paths.append(str(repo))
        settings.LOCAL_REPOSITORIES = paths

    return make


def _scan() -> Scan:
    scan, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    return scanning.run_scan(scan.pk, today=TODAY)


def test_values_longer_than_their_columns_are_cut_and_the_scan_finishes(repos):
    long_name = "n" * (_limit(Service, "name") + 50)
    long_owner = "o" * (_limit(Team, "name") + 50)
    long_lifecycle = "l" * (_limit(Service, "lifecycle") + 30)
    repos(
        huge={"name": long_name, "owner": long_owner, "lifecycle": long_lifecycle},
        normal={"name": "orders", "owner": "retail", "lifecycle": "production"},
    )
    scan = _scan()
    assert scan.state == Scan.State.SUCCEEDED
    huge = Service.objects.exclude(slug="orders").get()
    assert huge.name == long_name[: _limit(Service, "name")]
    assert len(huge.slug) <= _limit(Service, "slug")
    assert huge.lifecycle == long_lifecycle[: _limit(Service, "lifecycle")]
    assert len(huge.team.slug) <= _limit(Team, "slug")
    assert huge.team.name == long_owner[: _limit(Team, "name")]
    assert huge.latest_scorecard.scan_id == scan.pk
    assert Service.objects.get(slug="orders").latest_scorecard.scan_id == scan.pk


def test_a_service_the_database_refuses_is_skipped_and_reported_not_the_scan(repos, monkeypatch):
    repos(
        refused={"name": "refused", "owner": "retail", "lifecycle": "production"},
        normal={"name": "orders", "owner": "retail", "lifecycle": "production"},
    )
    real = Service.objects.update_or_create

    def update_or_create(*args, **kwargs):
        if kwargs.get("slug") == "refused":
            raise DataError("value too long for type character varying(200)")
        return real(*args, **kwargs)

    monkeypatch.setattr(Service.objects, "update_or_create", update_or_create)
    Service.objects.create(slug="refused", name="refused", repository="refused")
    scan = _scan()
    assert scan.state == Scan.State.PARTIAL
    assert "not stored: refused: DataError" in scan.error
    assert Service.objects.get(slug="orders").latest_scorecard.scan_id == scan.pk
    # Seen but not updated: kept as it was, not retired for it.
    assert Service.objects.get(slug="refused").retired is False
    # The next scan is not stuck behind this one.
    assert not Scan.objects.filter(state__in=Scan.ACTIVE_STATES).exists()

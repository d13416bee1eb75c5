"""The inventory of a source run is read once per worker, not once per scored service."""

from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scorecards import scanning
from scorecards.models import Scan, SourceRun

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(autouse=True)
def _examples_organisation(settings):
    settings.GITHUB_ORGS = []
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.LOCAL_REPOSITORIES = []
    settings.DEMO_ORGANISATION = str(EXAMPLES)


def _scan() -> Scan:
    scan, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    return scanning.run_scan(scan.pk, today=date(2026, 11, 25))


def test_the_repository_entries_of_a_scan_are_fetched_once_then_shared():
    scan = _scan()
    scanning._INVENTORIES.clear()

    with CaptureQueriesContext(connection) as first:
        entries = scanning._repo_entries("local", scan)
    with CaptureQueriesContext(connection) as again:
        assert scanning._repo_entries("local", scan) == entries

    assert set(entries) == {path.name for path in EXAMPLES.iterdir() if path.is_dir()}
    assert len(again) == len(first) - 1  # everything but the inventory's data


def test_a_new_inventory_is_read_afresh():
    first = _scan()
    scanning._INVENTORIES.clear()
    scanning._repo_entries("local", first)
    run = SourceRun.objects.get(scan=first, source="local")
    other = run.inventory.data | {"repos": run.inventory.data["repos"][:1]}
    run.inventory = scanning.Facts.store(other)
    run.save()

    entries = scanning._repo_entries("local", first)

    assert list(entries) == [other["repos"][0]["full_name"]]

"""Kubernetes misbehaving under a real worker: the API unreachable, one namespace forbidden.

The cluster answers recorded list answers per namespace (``shop``: the services ``shop``,
``shop-web`` and ``postgresql``; ``billing``: the service ``billing``). A fault keeps the last
good objects of what could not be read, marked stale; what could be read is fresh.
"""

from __future__ import annotations

import pytest

from scorecards.models import Scan, Scorecard, Service, Snapshot
from tests.faults.conftest import scan_in_process, scan_on_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scanned(cluster):
    first = scan_in_process()
    assert first.state == Scan.State.SUCCEEDED, first.error
    services = {s.slug: s for s in Service.objects.filter(retired=False)}
    assert {"shop", "billing"} <= set(services)
    return first, services


def _objects(scan: Scan, slug: str) -> list[dict]:
    snapshot = Snapshot.objects.get(scan=scan, service__slug=slug, source="kubernetes")
    return snapshot.facts.data["objects"]


def _without_stale(objects: list[dict]) -> list[dict]:
    return [{k: v for k, v in o.items() if k != "stale"} for o in objects]


def test_an_unreachable_api_keeps_every_workload_marked_stale(
    cluster, scanned, workers, scorecard_page
):
    first, services = scanned
    cluster.unreachable()
    workers(**cluster.env)
    scan = scan_on_worker("cluster unreachable")

    assert scan.state == Scan.State.PARTIAL
    assert "cannot reach http://127.0.0.1:" in scan.error
    # Discovery still sees every service: none is retired for a network blip.
    assert set(Service.objects.filter(retired=False).values_list("slug", flat=True)) == set(
        services
    )
    for slug in services:
        snapshot = Snapshot.objects.get(scan=scan, service__slug=slug)
        assert snapshot.stale and "cannot reach" in snapshot.error
        assert _without_stale(_objects(scan, slug)) == _objects(first, slug)
    assert Scorecard.objects.filter(scan=first).count() == len(services)
    html = scorecard_page(services["shop"])
    assert "Some facts are stale: kubernetes" in html and "Next try:" in html


def test_a_forbidden_namespace_keeps_its_services_and_the_others_are_fresh(
    cluster, scanned, workers, scorecard_page, client
):
    first, services = scanned
    cluster.forbidden.add("billing")
    workers(**cluster.env)
    scan = scan_on_worker("billing forbidden")

    assert scan.state == Scan.State.PARTIAL
    assert "403 FORBIDDEN" in scan.error.upper() and "in namespace billing" in scan.error
    shop = Snapshot.objects.get(scan=scan, service__slug="shop")
    assert not shop.stale and not any(o.get("stale") for o in _objects(scan, "shop"))
    billing = Snapshot.objects.get(scan=scan, service__slug="billing")
    assert billing.stale and 'cannot list resource "deployments"' in billing.error
    assert _without_stale(_objects(scan, "billing")) == _objects(first, "billing")
    assert not Service.objects.get(slug="billing").retired
    assert Scorecard.objects.get(scan=scan, service__slug="billing").stale_sources == ["kubernetes"]
    assert Scorecard.objects.get(scan=scan, service__slug="shop").stale_sources == []
    assert "in the namespace" in scorecard_page(services["billing"])
    # The catalogue's "stale data only" filter finds it, and only it.
    listed = client.get("/services/", {"stale": "1"}).content.decode()
    assert 'href="/services/billing/"' in listed and 'href="/services/shop/"' not in listed

"""``repository``, ``installation`` and ``installation_repositories`` deliveries."""

from __future__ import annotations

import pytest

from scorecards.models import Scan, Service
from tests.factories import make_service
from tests.webhooks.conftest import payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    scans: list[Scan] = []
    monkeypatch.setattr("scorecards.tasks.enqueue_scan", scans.append)
    return scans


def test_a_renamed_repository_is_renamed_in_the_catalogue(deliver):
    make_service("orders", repository="acme-corp/orders")
    assert deliver("repository", payload("repository_renamed.json")).status_code == 202
    assert Service.objects.get(slug="orders").repository == "acme-corp/order-service"


def test_an_archived_repository_retires_its_services(deliver):
    make_service("orders", repository="acme-corp/orders")
    make_service("billing", repository="acme-corp/billing")
    assert deliver("repository", payload("repository_archived.json")).status_code == 202
    assert list(Service.objects.filter(retired=True).values_list("slug", flat=True)) == ["orders"]


def test_an_unarchived_repository_is_restored_and_rescanned(deliver, enqueued):
    make_service("orders", repository="acme-corp/orders", retired=True)
    body = {**payload("repository_archived.json"), "action": "unarchived"}
    assert deliver("repository", body).status_code == 202
    assert Service.objects.get(slug="orders").retired is False
    assert [s.service.slug for s in enqueued] == ["orders"]


def test_a_deleted_repository_retires_its_services(deliver):
    make_service("orders", repository="acme-corp/orders")
    body = {**payload("repository_archived.json"), "action": "deleted"}
    assert deliver("repository", body).status_code == 202
    assert Service.objects.get(slug="orders").retired is True


def test_a_created_repository_queues_discovery(deliver, enqueued):
    response = deliver("repository", payload("repository_created.json"))
    assert response.status_code == 202
    (scan,) = enqueued
    assert (scan.scope, scan.trigger, scan.reason) == (
        "*",
        "webhook",
        "repository acme-corp/billing created",
    )


def test_a_new_installation_queues_a_github_source_scan(deliver, enqueued, github):
    assert deliver("installation", payload("installation_created.json")).status_code == 202
    (scan,) = enqueued
    assert scan.sources == ["github"]
    assert scan.reason == "GitHub App installation on acme-corp created"


def test_repositories_removed_from_the_installation_retire_their_services(deliver, enqueued):
    make_service("orders", repository="acme-corp/orders")
    body = payload("installation_repositories_removed.json")
    assert deliver("installation_repositories", body).status_code == 202
    assert Service.objects.get(slug="orders").retired is True
    assert len(enqueued) == 1


def test_a_deleted_installation_does_nothing(deliver, enqueued):
    body = {**payload("installation_created.json"), "action": "deleted"}
    response = deliver("installation", body)
    assert response.status_code == 204
    assert enqueued == []

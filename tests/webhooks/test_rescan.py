"""``/webhooks/rescan``: a bearer token, a service or a repository, a queued rescan."""

from __future__ import annotations

import pytest

from scorecards.models import Scan
from tests.factories import make_service

pytestmark = pytest.mark.django_db
TOKEN = "rescan-token-for-tests"


@pytest.fixture
def enqueued(monkeypatch):
    scans: list[Scan] = []
    monkeypatch.setattr("scorecards.tasks.enqueue_scan", scans.append)
    return scans


def _post(client, body, token=TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post("/webhooks/rescan", body, content_type="application/json", **headers)


def test_a_service_is_rescanned(client, enqueued):
    make_service("orders", repository="acme-corp/orders")
    response = _post(client, {"service": "orders"})
    assert response.status_code == 202
    assert response.json() == {"status": "queued", "services": ["orders"]}
    (scan,) = enqueued
    assert (scan.trigger, scan.reason) == ("webhook", "rescan requested for orders")


def test_every_service_of_a_repository_is_rescanned(client, enqueued):
    make_service("orders-api", repository="acme-corp/orders")
    make_service("orders-worker", repository="acme-corp/orders")
    response = _post(client, {"repository": "acme-corp/orders"})
    assert response.json()["services"] == ["orders-api", "orders-worker"]
    assert sorted(s.service.slug for s in enqueued) == ["orders-api", "orders-worker"]


def test_an_unknown_service_is_a_404(client, enqueued):
    assert _post(client, {"service": "nope"}).status_code == 404


def test_a_wrong_or_missing_token_is_a_401(client, enqueued):
    make_service("orders")
    assert _post(client, {"service": "orders"}, token="guess").status_code == 401
    assert _post(client, {"service": "orders"}, token=None).status_code == 401
    assert enqueued == []


@pytest.mark.parametrize(
    "body",
    ['{"service": ', "[]", {}, {"service": "a", "repository": "b"}, {"service": 3}],
)
def test_a_bad_body_is_a_400(client, body):
    assert _post(client, body).status_code == 400


def test_the_hook_is_off_without_a_token(client, settings):
    settings.RESCAN_TOKEN = ""
    assert _post(client, {"service": "orders"}).status_code == 404

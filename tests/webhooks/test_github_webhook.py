"""``/webhooks/github``: signature first, then size, event, replay, and durable queueing."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from kombu.exceptions import OperationalError as BrokerDown

from portal.metrics import WEBHOOKS
from scorecards.models import Scan, Service, WebhookDelivery
from scorecards.webhooks.signatures import sign
from scorecards.webhooks.views import BodyTooLarge, read_body
from tests.factories import make_service
from tests.webhooks.conftest import SECRET, payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    """Scans handed to the workers; recorded instead of run."""
    scans: list[Scan] = []
    monkeypatch.setattr("scorecards.tasks.enqueue_scan", scans.append)
    return scans


@pytest.fixture
def orders():
    return make_service("orders", repository="acme-corp/orders", default_branch="main")


def test_a_signed_push_to_the_default_branch_queues_a_rescan(deliver, orders, enqueued):
    response = deliver("push", payload("push.json"), delivery="d-1")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    scan = Scan.objects.get()
    assert (scan.trigger, scan.service, scan.reason) == (
        "webhook",
        orders,
        "push to acme-corp/orders@3f2c1d0",
    )
    assert enqueued == [scan]
    delivery = WebhookDelivery.objects.get(delivery_id="d-1")
    assert delivery.state == "done"
    assert delivery.result == {"scans": {"orders": {"scan": scan.pk, "coalesced": False}}}


def test_the_signature_is_checked_over_the_raw_bytes(client, orders, enqueued):
    # Same JSON, other whitespace: a parser-level comparison would accept it, HMAC must not.
    raw = (json.dumps(payload("push.json"), indent=1)).encode()
    response = client.post(
        "/webhooks/github",
        json.dumps(payload("push.json")).encode(),
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="push",
        HTTP_X_GITHUB_DELIVERY="d-raw",
        HTTP_X_HUB_SIGNATURE_256=sign(SECRET, raw),
    )
    assert response.status_code == 401
    assert not Scan.objects.exists()


def test_it_rejects_a_wrong_secret(deliver, orders, enqueued):
    response = deliver("push", payload("push.json"), secret="not the secret")
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


def test_it_rejects_a_missing_signature(client, orders):
    response = client.post(
        "/webhooks/github",
        json.dumps(payload("push.json")),
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="push",
        HTTP_X_GITHUB_DELIVERY="d-2",
    )
    assert response.status_code == 401


def test_it_rejects_the_sha1_signature_alone(client, orders):
    response = client.post(
        "/webhooks/github",
        b"{}",
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="push",
        HTTP_X_GITHUB_DELIVERY="d-3",
        HTTP_X_HUB_SIGNATURE="sha1=0000",
    )
    assert response.status_code == 401


def test_a_body_over_the_limit_is_refused_before_it_is_read(deliver, settings, orders):
    settings.WEBHOOK_MAX_BYTES = 1024
    body = {**payload("push.json"), "padding": "x" * 2000}
    response = deliver("push", body)
    assert response.status_code == 413
    assert response.json() == {"status": "too_large", "limit": 1024}


def test_the_read_stops_past_the_limit_whatever_content_length_says():
    class Lying:
        headers = {"Content-Length": "10"}

        def __init__(self):
            self.asked = None

        def read(self, size):
            self.asked = size
            return b"x" * size

    request = Lying()
    with pytest.raises(BodyTooLarge):
        read_body(request, 100)
    assert request.asked == 101  # never more than one byte past the limit


def test_read_body_returns_a_body_within_the_limit():
    request = RequestFactory().post("/", b'{"a": 1}', content_type="application/json")
    assert read_body(request, 100) == b'{"a": 1}'


def test_malformed_json_with_a_valid_signature_is_a_400(deliver):
    response = deliver("push", b'{"ref": "refs/heads/main",')
    assert response.status_code == 400
    assert response.json()["reason"] == "the body is not JSON"


def test_a_json_array_is_a_400(deliver):
    assert deliver("push", b"[1, 2]").status_code == 400


def test_ping_answers_pong(deliver):
    response = deliver("ping", payload("ping.json"))
    assert response.status_code == 200
    assert response.json() == {"status": "pong", "zen": "Design for failure."}


def test_an_unknown_event_is_a_204_with_the_reason(deliver):
    response = deliver("star", payload("star_created.json"))
    assert response.status_code == 204
    assert response.content == b""
    assert response["X-Webhook-Reason"] == "event 'star' is not one the portal acts on"


def test_a_push_to_another_branch_is_ignored(deliver, orders, enqueued):
    body = {**payload("push.json"), "ref": "refs/heads/feature/cache"}
    response = deliver("push", body)
    assert response.status_code == 204
    assert response["X-Webhook-Reason"] == "push to feature/cache, not the default branch main"
    assert not Scan.objects.exists()


def test_a_push_to_a_repository_no_service_uses_is_ignored(deliver, enqueued):
    response = deliver("push", payload("push.json"))
    assert response.status_code == 204
    assert "no service of the catalogue" in response["X-Webhook-Reason"]


def test_a_redelivery_is_recognised_and_does_nothing_twice(deliver, orders, enqueued):
    assert deliver("push", payload("push.json"), delivery="same").status_code == 202
    Scan.objects.update(state=Scan.State.SUCCEEDED)  # the first rescan finished
    replay = deliver("push", payload("push.json"), delivery="same")
    assert replay.status_code == 200
    assert replay.json()["status"] == "duplicate"
    assert Scan.objects.count() == 1
    assert len(enqueued) == 1


def test_a_broker_outage_is_a_503_and_the_redelivery_then_queues(
    deliver, orders, enqueued, monkeypatch
):
    from scorecards.tasks import process_webhook_delivery

    real = process_webhook_delivery.apply_async

    def down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(process_webhook_delivery, "apply_async", down)
    response = deliver("push", payload("push.json"), delivery="d-outage")
    assert response.status_code == 503
    assert response.json()["reason"] == "broker: OperationalError"
    assert WebhookDelivery.objects.get(delivery_id="d-outage").state == "received"
    assert not Scan.objects.exists()

    monkeypatch.setattr(process_webhook_delivery, "apply_async", real)
    again = deliver("push", payload("push.json"), delivery="d-outage")
    assert again.status_code == 202
    assert Scan.objects.count() == 1


def test_a_database_outage_is_a_503(deliver, orders, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(Service.objects, "filter", down)
    response = deliver("push", payload("push.json"))
    assert response.status_code == 503
    assert response.json()["reason"] == "database: OperationalError"


def test_a_database_outage_while_recording_is_a_503(deliver, orders, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(WebhookDelivery.objects, "get_or_create", down)
    assert deliver("push", payload("push.json")).status_code == 503


def test_deliveries_are_counted_by_event_and_outcome(deliver, orders, enqueued):
    before = WEBHOOKS.labels("push", "queued")._value.get()
    deliver("push", payload("push.json"))
    deliver("push", payload("push.json"), secret="wrong")
    assert WEBHOOKS.labels("push", "queued")._value.get() == before + 1
    assert WEBHOOKS.labels("push", "bad_signature")._value.get() >= 1


def test_the_endpoint_is_off_without_a_secret(deliver, settings):
    settings.GITHUB_WEBHOOK_SECRET = ""
    assert deliver("ping", payload("ping.json")).status_code == 404


def test_only_post_is_allowed(client):
    assert client.get("/webhooks/github").status_code == 405

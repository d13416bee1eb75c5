"""A signed push through the real receiver, a real Redis broker and a real worker process
(fetching from a fake GitHub on loopback) ends in an updated scorecard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scorecards.models import Scorecard, Service, WebhookDelivery
from scorecards.webhooks.signatures import sign
from tests.collectors.github.fake_github import FakeGitHub, files_of, load, repo_like
from tests.integration.conftest import wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"
SECRET = "integration-secret"


@pytest.fixture
def github(httpserver):
    codeload = HTTPServer(host="127.0.0.1", port=0)
    codeload.start()
    fake = FakeGitHub(httpserver, codeload)
    template = load("org_repos.json")[0]
    fake.add_repo(repo_like(template, "orders", 700000001, default_branch="main"))
    yield fake
    codeload.stop()


def _push(client, sha: str, delivery: str):
    body = json.loads((FIXTURES / "push.json").read_text())
    body["after"] = sha
    raw = json.dumps(body).encode()
    return client.post(
        "/webhooks/github",
        raw,
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="push",
        HTTP_X_GITHUB_DELIVERY=delivery,
        HTTP_X_HUB_SIGNATURE_256=sign(SECRET, raw),
    )


def test_a_signed_push_updates_the_scorecard_through_a_real_worker(
    client, workers, github, settings
):
    env = {
        "GITHUB_API_URL": github.api_url,
        "GITHUB_TOKEN": github.token,
        "GITHUB_ORGS": "acme-corp",
    }
    settings.GITHUB_WEBHOOK_SECRET = SECRET
    settings.GITHUB_API_URL, settings.GITHUB_TOKEN = github.api_url, github.token
    settings.GITHUB_ORGS = ["acme-corp"]
    service = Service.objects.create(
        slug="orders", name="orders", repository="acme-corp/orders", default_branch="main"
    )
    workers(**env)

    first = github.push("acme-corp/orders", files_of(EXAMPLES / "inventory-api"))
    assert _push(client, first, "int-1").status_code == 202
    card = wait_for(lambda: Scorecard.objects.filter(service=service, commit=first).first())
    assert card.scan.trigger == "webhook"
    assert card.scan.reason == f"push to acme-corp/orders@{first[:7]}"
    assert card.level == "Gold"

    second = github.push("acme-corp/orders", files_of(EXAMPLES / "legacy-shop"))
    assert _push(client, second, "int-2").status_code == 202
    updated = wait_for(lambda: Scorecard.objects.filter(service=service, commit=second).first())
    service.refresh_from_db()
    assert service.latest_scorecard == updated
    assert updated.score < card.score
    assert WebhookDelivery.objects.get(delivery_id="int-2").state == "done"
    # A redelivery of the same push is answered without queueing anything.
    assert _push(client, second, "int-2").json()["status"] == "duplicate"

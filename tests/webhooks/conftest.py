"""Signed deliveries through the test client, and a fake GitHub that also takes check runs."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from scorecards.webhooks.signatures import sign
from tests.collectors.github.fake_github import FakeGitHub

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"
SECRET = "It's a Secret to Everybody"


def payload(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.GITHUB_WEBHOOK_SECRET = SECRET
    settings.RESCAN_TOKEN = "rescan-token-for-tests"


@pytest.fixture
def deliver(client):
    """``deliver(event, body)``: POST a delivery signed like GitHub signs it."""

    def post(event: str, body, delivery: str | None = None, secret: str = SECRET, **headers):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        extra = {
            "HTTP_X_GITHUB_EVENT": event,
            "HTTP_X_GITHUB_DELIVERY": delivery or str(uuid.uuid4()),
            "HTTP_X_HUB_SIGNATURE_256": sign(secret, raw),
            "HTTP_USER_AGENT": "GitHub-Hookshot/5a3e5c8",
        }
        extra.update(headers)
        return client.post("/webhooks/github", raw, content_type="application/json", **extra)

    return post


class FakeGitHubWithChecks(FakeGitHub):
    """The collector tests' fake GitHub, plus the Checks and Statuses endpoints.

    ``checks_allowed=False`` answers creating a check run like GitHub does for a personal
    access token: 403 "Resource not accessible by personal access token".
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checks_allowed = True
        self.posted: list[tuple[str, str, dict]] = []  # (method, path, JSON body)

    def _route(self, request: Request, path: str, kind: str) -> Response:
        parts = path.strip("/").split("/")
        if len(parts) >= 4 and parts[0] == "repos" and parts[3] in ("check-runs", "statuses"):
            account = self._check_token(request)
            if isinstance(account, Response):
                return account
            body = json.loads(request.get_data() or b"null")
            self.posted.append((request.method, path, body))
            if parts[3] == "check-runs" and not self.checks_allowed:
                return Response(
                    json.dumps(
                        {
                            "message": "Resource not accessible by personal access token",
                            "documentation_url": "https://docs.github.com/rest/checks/runs#create-a-check-run",
                            "status": "403",
                        }
                    ),
                    status=403,
                    content_type="application/json",
                )
            if parts[3] == "check-runs":
                status = 201 if request.method == "POST" else 200
                return Response(
                    json.dumps({"id": 4242, "head_sha": body.get("head_sha"), **body}),
                    status=status,
                    content_type="application/json",
                )
            return Response(
                json.dumps({"id": 1, "state": body["state"], "context": body["context"]}),
                status=201,
                content_type="application/json",
            )
        return super()._route(request, path, kind)


@pytest.fixture(scope="session")
def _codeload():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def github(httpserver, _codeload, settings):
    _codeload.clear()
    fake = FakeGitHubWithChecks(httpserver, _codeload)
    settings.GITHUB_API_URL = fake.api_url
    settings.GITHUB_TOKEN = fake.token
    settings.GITHUB_ORGS = ["acme-corp"]
    return fake

"""Every operation of openapi.yaml is called here, and its answer matches the contract.

A new path in the contract without a call below fails ``test_every_operation_is_exercised``;
JSON answers are validated against the documented response schema.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from scorecards.webhooks.signatures import sign
from tests.webhooks.conftest import SECRET, payload

pytestmark = pytest.mark.django_db

CONTRACT = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())
OPERATIONS = {
    op["operationId"]: (path, method)
    for path, item in CONTRACT["paths"].items()
    for method, op in item.items()
}


def _call(client, operation_id, tokens, org, settings, monkeypatch):
    read = {"HTTP_AUTHORIZATION": f"Bearer {tokens[0]}"}
    write = {"HTTP_AUTHORIZATION": f"Bearer {tokens[1]}"}
    card = org["billing"].latest_scorecard_id
    monkeypatch.setattr("scorecards.tasks.enqueue_scan", lambda scan: None)
    settings.METRICS_TOKEN = "m"
    settings.GITHUB_WEBHOOK_SECRET = SECRET
    settings.RESCAN_TOKEN = "r"
    body = json.dumps(payload("push.json")).encode()
    calls = {
        "liveness": lambda: client.get("/healthz"),
        "readiness": lambda: client.get("/readyz"),
        "metrics": lambda: client.get("/metrics", HTTP_AUTHORIZATION="Bearer m"),
        "githubWebhook": lambda: client.post(
            "/webhooks/github",
            body,
            content_type="application/json",
            HTTP_X_GITHUB_EVENT="push",
            HTTP_X_GITHUB_DELIVERY="contract-1",
            HTTP_X_HUB_SIGNATURE_256=sign(SECRET, body),
        ),
        "rescanHook": lambda: client.post(
            "/webhooks/rescan",
            {"service": "orders"},
            content_type="application/json",
            HTTP_AUTHORIZATION="Bearer r",
        ),
        "badge": lambda: client.get("/badges/orders.svg", **read),
        "openapiDocument": lambda: client.get("/api/v1/openapi.yaml"),
        "listServices": lambda: client.get("/api/v1/services", {"team": "payments"}, **read),
        "getService": lambda: client.get("/api/v1/services/orders", **read),
        "listServiceScorecards": lambda: client.get("/api/v1/services/orders/scorecards", **read),
        "listServiceResults": lambda: client.get("/api/v1/services/orders/results", **read),
        "pushServiceResults": lambda: client.post(
            "/api/v1/services/orders/results",
            {"results": [{"check_id": "logs.stdout", "status": "pass"}]},
            content_type="application/json",
            **write,
        ),
        "listServicePullRequests": lambda: client.get(
            "/api/v1/services/orders/pull-requests", **read
        ),
        "getServiceSarif": lambda: client.get("/api/v1/services/billing/sarif", **read),
        "getScorecard": lambda: client.get(f"/api/v1/scorecards/{card}", **read),
        "listScorecardResults": lambda: client.get(f"/api/v1/scorecards/{card}/results", **read),
        "listTeams": lambda: client.get("/api/v1/teams", **read),
        "orgSummary": lambda: client.get("/api/v1/summary", **read),
        "listScans": lambda: client.get("/api/v1/scans", **read),
        "exportOrgCsv": lambda: client.get("/api/v1/exports/org.csv", **read),
        "exportTeamsCsv": lambda: client.get("/api/v1/exports/teams.csv", **read),
        "exportChecksCsv": lambda: client.get("/api/v1/exports/checks.csv", **read),
    }
    return calls[operation_id]() if operation_id in calls else None


@pytest.fixture
def tokens(token, write_token):
    return token, write_token


def test_every_operation_is_exercised():
    import inspect

    source = inspect.getsource(_call)
    missing = [op for op in OPERATIONS if f'"{op}"' not in source]
    assert missing == []


def _schema(response_spec: dict, content_type: str) -> dict | None:
    if "$ref" in response_spec:
        name = response_spec["$ref"].rsplit("/", 1)[1]
        response_spec = CONTRACT["components"]["responses"][name]
    media = (response_spec.get("content") or {}).get(content_type)
    return media.get("schema") if media else None


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_the_answer_matches_the_contract(client, operation_id, tokens, org, settings, monkeypatch):
    path, method = OPERATIONS[operation_id]
    response = _call(client, operation_id, tokens, org, settings, monkeypatch)
    documented = CONTRACT["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, (operation_id, response.status_code)
    assert response.status_code < 300, (operation_id, response.content[:300])
    content_type = response.get("Content-Type", "").split(";")[0]
    schema = _schema(documented[str(response.status_code)], content_type)
    if schema is not None and content_type == "application/json":
        # $refs resolve against the whole document's components.
        Draft202012Validator({**schema, "components": CONTRACT["components"]}).validate(
            response.json()
        )

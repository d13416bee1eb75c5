"""POST /api/v1/services/<slug>/results: results from a team's own CI, scored by the portal."""

from __future__ import annotations

import pytest

from scorecards.models import Scan, Waiver

pytestmark = pytest.mark.django_db

PUSH = {
    "commit": "d" * 40,
    "source": "ci-payments",
    "results": [
        {
            "check_id": "logs.stdout",
            "status": "fail",
            "message": "Logs go to /var/log/app.log",
            "evidence": [
                {"source": "github", "locator": "app/logging.py:7", "excerpt": "FileHandler("}
            ],
        }
    ],
}


def _push(client, token, body, slug="orders"):
    return client.post(
        f"/api/v1/services/{slug}/results",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_pushed_results_replace_those_checks_in_a_new_latest_scorecard(client, org, write_token):
    before = org["orders"].latest_scorecard
    response = _push(client, write_token, PUSH)
    assert response.status_code == 201
    card = response.json()
    assert response["Location"] == f"/api/v1/scorecards/{card['id']}"
    assert card["commit"] == "d" * 40 and card["is_latest"]
    assert card["counts"]["fail"] == 1
    assert card["score"] < before.score
    scan = Scan.objects.get(pk=card["scan"]["id"])
    assert (scan.trigger, scan.state, scan.requested_by, scan.reason) == (
        "manual",
        "succeeded",
        "api token ci-payments",
        "results pushed by ci-payments",
    )
    org["orders"].refresh_from_db()
    assert org["orders"].latest_scorecard_id == card["id"]
    # Checks not pushed carry over from the previous scorecard.
    assert card["counts"]["pass"] == before.counts["pass"] - 1


def test_a_portal_waiver_applies_to_a_pushed_failure(client, org, write_token):
    Waiver.objects.create(
        service=org["orders"], check_id="logs.stdout", reason="migrating", expires="2099-01-01"
    )
    card = _push(client, write_token, PUSH).json()
    assert card["counts"].get("fail", 0) == 0 and card["counts"]["waived"] == 1


def test_a_read_token_may_not_push(client, org, token):
    assert _push(client, token, PUSH).status_code == 403


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"results": []}, "results must be a non-empty array"),
        ({"results": [{"check_id": "made.up", "status": "pass"}]}, "is not a check"),
        ({"results": [{"check_id": "logs.stdout", "status": "waived"}]}, "status must be one of"),
        ({"results": [{"check_id": "logs.stdout", "status": "pass", "score": 1}]}, "unknown"),
        (
            {"results": [{"check_id": "logs.stdout", "status": "pass", "evidence": [{}]}]},
            "locator must be a non-empty string",
        ),
        (
            {"results": [{"check_id": "logs.stdout", "status": "pass"}] * 2},
            "appears twice",
        ),
        ({"results": PUSH["results"], "level": "Gold"}, "unknown field(s): level"),
    ],
)
def test_an_invalid_push_is_a_400_saying_where(client, org, write_token, body, message):
    response = _push(client, write_token, body)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_malformed_json_is_a_400(client, org, write_token):
    assert _push(client, write_token, "{").status_code == 400


def test_secrets_in_pushed_excerpts_are_redacted(client, org, write_token):
    body = {
        "results": [
            {
                "check_id": "config.no-hardcoded-secrets",
                "status": "fail",
                "evidence": [
                    {"locator": "app.py:3", "excerpt": "DB = 'postgres://app:hunter2@db/app'"}
                ],
            }
        ]
    }
    card_id = _push(client, write_token, body).json()["id"]
    response = client.get(
        f"/api/v1/scorecards/{card_id}/results",
        {"status": "fail"},
        HTTP_AUTHORIZATION=f"Bearer {write_token}",
    )
    assert "hunter2" not in response.content.decode()

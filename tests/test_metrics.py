"""The portal's own Prometheus endpoint: off by default, bearer-token protected, counting."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _count(body: str, view: str, status: str) -> float:
    pattern = (
        rf'^portal_http_requests_total\{{method="GET",status="{status}",view="{view}"\}} (\S+)$'
    )
    found = re.search(pattern, body, re.M)
    return float(found.group(1)) if found else 0.0


def test_metrics_are_off_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_a_missing_or_wrong_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401


def test_metrics_count_requests_by_route_name_not_raw_path(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    auth = {"HTTP_AUTHORIZATION": "Bearer s3cret-scrape-token"}
    before = client.get("/metrics", **auth).content.decode()
    client.get("/login/")
    client.get("/login/")
    client.get("/no-such-page/")
    response = client.get("/metrics", **auth)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert _count(body, "login", "2xx") - _count(before, "login", "2xx") == 2
    assert _count(body, "unmatched", "4xx") - _count(before, "unmatched", "4xx") >= 1
    assert "/no-such-page/" not in body
    assert "portal_http_request_duration_seconds_bucket" in body


def test_metrics_need_the_bearer_scheme_not_just_the_token(client, settings):
    """A bare token in the header is refused: only ``Authorization: Bearer <token>`` works."""
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION="s3cret-scrape-token").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic s3cret-scrape-token").status_code == 401
    assert (
        client.get("/metrics", HTTP_AUTHORIZATION="bearer s3cret-scrape-token").status_code == 200
    )

"""Malformed input is a 400 (or ignored), never a 500, and never a 503 that senders retry
forever: NUL characters and lone surrogates (which PostgreSQL cannot store), JSON nested past
any stack, and numbers beyond 64 bits (issue 13, item 11). See ``portal/untrusted.py``."""

from __future__ import annotations

import json
import uuid

import pytest

from portal import untrusted
from scorecards import roles
from scorecards.api.auth import create_token
from scorecards.models import Scan, WebhookDelivery
from scorecards.webhooks.signatures import sign
from tests.factories import make_service, make_team, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db

SECRET = "malformed-input-webhook-secret"
RESCAN_TOKEN = "malformed-input-rescan-token"

# Pages and endpoints that filter on a query parameter, each with the parameter it reads.
FILTERED_PAGES = [
    "/services/?q=",
    "/services/?team=",
    "/services/orders/?scan=",
    "/services/orders/changes/?from=",
    "/dashboard/?team=",
    "/api/v1/services?q=",
    "/api/v1/services?team=",
    "/api/v1/scans?state=",
    "/api/v1/scans?service=",
    "/api/v1/services/orders/results?status=",
    "/api/v1/exports/org.csv?team=",
    "/api/v1/exports/teams.csv?team=",
]


@pytest.fixture
def orders():
    service = make_service("orders", make_team("payments"), repository="acme-corp/orders")
    record_scorecard(service, {"logs.stdout": "fail"})
    record_scorecard(service, {})
    return service


@pytest.fixture
def reader(client, orders):
    """``get(url)`` signed in as a viewer and carrying a read token: pages and API alike."""
    client.force_login(make_person("vera", roles.VIEWER))
    token = create_token("reader")[1]
    return lambda url: client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def writer(client, orders):
    token = create_token("ci", can_write=True, services=[orders])[1]

    def push(raw: bytes | str):
        return client.post(
            "/api/v1/services/orders/results",
            raw,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return push


def _push_body(excerpt: str = "ok", message: str = "fine", commit: str = "") -> str:
    item = {
        "check_id": "logs.stdout",
        "status": "pass",
        "message": message,
        "evidence": [{"locator": "app.py:1", "excerpt": excerpt}],
    }
    return json.dumps({"results": [item], "commit": commit})


# --- query strings ------------------------------------------------------------------------


@pytest.mark.parametrize("page", FILTERED_PAGES)
@pytest.mark.parametrize("value", ["%00", "a%00b"])
def test_a_nul_in_a_filter_is_a_400_on_every_page_and_endpoint(reader, page, value):
    response = reader(page + value)
    assert response.status_code == 400, page
    assert b"NUL" in response.content


def test_a_nul_in_a_parameter_name_is_a_400_too(reader):
    assert reader("/api/v1/services?%00=1").status_code == 400


def test_the_api_answers_its_400_as_json(reader):
    assert "NUL" in reader("/api/v1/services?q=%00").json()["error"]


@pytest.mark.parametrize("page", FILTERED_PAGES)
def test_ordinary_filters_still_answer(reader, page):
    assert reader(page + "x").status_code in (200, 404)


@pytest.mark.parametrize("number", ["9" * 25, "²", "١٢", "-1", "1e3"])
def test_the_changes_page_ignores_a_scan_number_no_column_holds(reader, orders, number):
    response = reader(f"/services/orders/changes/?from={number}&to={number}")
    assert response.status_code == 200
    latest = Scan.objects.filter(service=orders).order_by("-pk")[0].pk
    assert response.context["after"] == latest  # the default comparison


@pytest.mark.parametrize("number", ["9" * 25, "²"])
def test_the_scorecard_page_ignores_a_scan_number_no_column_holds(reader, number):
    assert reader(f"/services/orders/?scan={number}").status_code == 200


@pytest.mark.parametrize("name", ["offset", "limit"])
@pytest.mark.parametrize("value", ["9" * 25, "²", str(2**63)])
def test_api_paging_beyond_any_column_is_a_400(reader, name, value):
    response = reader(f"/api/v1/services?{name}={value}")
    assert response.status_code == 400
    assert name in response.json()["error"]


@pytest.mark.parametrize("value", ["9" * 25, "²", str(2**31)])
def test_a_pull_request_number_beyond_the_column_is_a_400(reader, value):
    assert reader(f"/api/v1/services/orders/pull-requests?number={value}").status_code == 400


# --- the API push -------------------------------------------------------------------------


def test_a_push_nested_a_hundred_thousand_deep_is_a_400(writer):
    response = writer("[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "nested" in response.json()["error"]


def test_a_push_nested_past_the_limit_but_within_the_stack_is_a_400(writer):
    depth = untrusted.MAX_JSON_DEPTH + 5
    body = '{"results": ' + "[" * depth + "]" * depth + "}"
    assert writer(body).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        _push_body(excerpt="a\u0000b"),
        _push_body(message="nul \u0000 here"),
        _push_body().replace('"fine"', '"\\ud800"'),  # a lone surrogate, escaped in JSON
        _push_body(commit="abc\u0000"),
    ],
)
def test_a_push_with_text_no_database_stores_is_a_400(writer, body):
    response = writer(body)
    assert response.status_code == 400
    assert Scan.objects.filter(trigger="manual").count() == 0


def test_a_clean_push_still_records(writer):
    assert writer(_push_body()).status_code == 201


# --- webhooks -----------------------------------------------------------------------------


@pytest.fixture
def deliver(client, settings):
    settings.GITHUB_WEBHOOK_SECRET = SECRET

    def post(event: str, payload: dict, delivery: str | None = None):
        raw = json.dumps(payload).encode()
        return client.post(
            "/webhooks/github",
            raw,
            content_type="application/json",
            HTTP_X_GITHUB_EVENT=event,
            HTTP_X_GITHUB_DELIVERY=delivery or str(uuid.uuid4()),
            HTTP_X_HUB_SIGNATURE_256=sign(SECRET, raw),
        )

    return post


def _archived(full_name: str) -> dict:
    return {"action": "archived", "repository": {"full_name": full_name, "archived": True}}


@pytest.mark.parametrize("name", ["acme-corp/or\u0000ders", "acme-corp/\ud800"])
def test_a_signed_delivery_naming_an_unstorable_repository_is_a_400(deliver, name):
    response = deliver("repository", _archived(name))
    assert response.status_code == 400
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize("name", ["acme-corp/or\u0000ders", "acme-corp/\udc00"])
def test_a_signed_push_naming_an_unstorable_repository_is_a_400_not_a_503(deliver, name):
    """The push's repository is looked up before anything is stored: on PostgreSQL that query
    failed and the answer was 503, which GitHub redelivers for ever."""
    payload = {
        "ref": "refs/heads/main",
        "after": "a" * 40,
        "repository": {"full_name": name, "default_branch": "main"},
    }
    response = deliver("push", payload)
    assert response.status_code == 400
    assert "contains" in response.json()["reason"]


def test_a_clean_signed_delivery_is_still_queued(deliver, orders, monkeypatch):
    monkeypatch.setattr("scorecards.tasks.process_webhook_delivery.apply_async", lambda *a, **k: 0)
    assert deliver("repository", _archived("acme-corp/orders")).status_code == 202


def test_delivery_ids_that_share_their_first_100_characters_do_not_collide(
    deliver, orders, monkeypatch
):
    monkeypatch.setattr("scorecards.tasks.process_webhook_delivery.apply_async", lambda *a, **k: 0)
    first = deliver("repository", _archived("acme-corp/orders"), delivery="x" * 100)
    second = deliver("repository", _archived("acme-corp/orders"), delivery="x" * 100 + "-2")
    assert first.status_code == 202
    assert second.status_code == 400
    assert "longer than 100" in second.json()["reason"]
    assert list(WebhookDelivery.objects.values_list("delivery_id", flat=True)) == ["x" * 100]


@pytest.fixture
def rescan(client, settings, monkeypatch):
    settings.RESCAN_TOKEN = RESCAN_TOKEN
    monkeypatch.setattr("scorecards.tasks.enqueue_scan", lambda scan: None)

    def post(body, authorization: str = f"Bearer {RESCAN_TOKEN}"):
        raw = body if isinstance(body, str) else json.dumps(body)
        return client.post(
            "/webhooks/rescan",
            raw,
            content_type="application/json",
            HTTP_AUTHORIZATION=authorization,
        )

    return post


@pytest.mark.parametrize(
    "body",
    [
        {"service": "ord\u0000ers"},
        {"repository": "acme-corp/\u0000"},
        '{"service": "\\ud800"}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_the_rescan_hook_answers_400_to_unstorable_text(rescan, orders, body):
    response = rescan(body)
    assert response.status_code == 400
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"service": 3, "repository": "acme-corp/orders"},
        {"service": None, "repository": "acme-corp/orders"},
        {"service": "orders", "repository": 7},
        {"service": ""},
        {"repository": ["acme-corp/orders"]},
    ],
)
def test_the_rescan_hook_answers_400_to_a_wrongly_typed_body(rescan, orders, body):
    response = rescan(body)
    assert response.status_code == 400
    assert "service" in response.json()["reason"]


def test_the_rescan_hook_still_rescans_a_service(rescan, orders):
    assert rescan({"service": "orders"}).status_code == 202


def test_the_rescan_hook_needs_the_bearer_scheme(rescan, orders):
    assert rescan({"service": "orders"}, authorization=RESCAN_TOKEN).status_code == 401
    assert rescan({"service": "orders"}, authorization=f"bearer {RESCAN_TOKEN}").status_code == 202


# --- the checks themselves ----------------------------------------------------------------


def test_the_tree_check_walks_without_recursion():
    deep: list = []
    for _ in range(200_000):
        deep = [deep]
    with pytest.raises(untrusted.Unstorable, match="nested"):
        untrusted.check_tree(deep)


@pytest.mark.parametrize(
    "value, storable",
    [
        ({"a": ["b", 1, 2.5, None, True]}, True),
        ({"a\u0000": 1}, False),
        (["\udfff"], False),
        ([2**63], False),
        ([-(2**63) + 1], True),
    ],
)
def test_the_tree_check(value, storable):
    if storable:
        untrusted.check_tree(value)
    else:
        with pytest.raises(untrusted.Unstorable):
            untrusted.check_tree(value)


@pytest.mark.parametrize(
    "text, number",
    [("0", 0), ("42", 42), ("", None), (None, None), ("²", None), ("9" * 25, None)],
)
def test_whole_numbers(text, number):
    assert untrusted.whole_number(text) == number

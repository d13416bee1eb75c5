"""``/webhooks/github`` under random input: always an answer the sender can act on, never a 500.

Bodies, headers and signatures are random; then signed garbage, signed JSON of every shape, and
signed payloads of the events the portal acts on with every field of the wrong type. A tracked
service makes pushes and pull requests reach the database and the (eager) worker code too.
"""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards.webhooks.github_events import decide
from scorecards.webhooks.signatures import sign
from tests.factories import make_service

pytestmark = pytest.mark.django_db

SECRET = "fuzzing-webhook-secret"
# 200 answers ping and a redelivery of work already queued; 503 needs a broken broker.
ANSWERS = {200, 202, 204, 400, 401, 413}
EVENTS = ["push", "pull_request", "repository", "installation", "installation_repositories",
          "ping", "check_run", "", "PUSH"]  # fmt: skip

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
repository = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"full_name": st.sampled_from(["acme-corp/orders", "acme/other"]) | json_values},
        optional={"default_branch": st.sampled_from(["main"]) | json_values},
    ),
)
# The fields the handlers read, each either plausible or of any JSON type at all.
event_payloads = st.fixed_dictionaries(
    {},
    optional={
        "ref": st.sampled_from(["refs/heads/main", "refs/tags/v1"]) | json_values,
        "after": st.sampled_from(["a" * 40, "0" * 40]) | json_values,
        "deleted": json_values,
        "action": st.sampled_from(
            ["opened", "synchronize", "renamed", "archived", "created", "deleted", "added"]
        )
        | json_values,  # fmt: skip
        "repository": repository,
        "number": st.integers() | json_values,
        "pull_request": st.fixed_dictionaries(
            {},
            optional={
                "number": json_values,
                "head": st.fixed_dictionaries(
                    {}, optional={"sha": json_values, "ref": json_values, "repo": json_values}
                )
                | json_values,
            },
        )
        | json_values,
        "installation": st.fixed_dictionaries(
            {}, optional={"id": json_values, "account": json_values}
        )
        | json_values,
        "changes": json_values,
        "repositories_added": st.lists(json_values, max_size=3) | json_values,
        "repositories_removed": st.lists(json_values, max_size=3) | json_values,
        "zen": json_values,
    },
)
header_text = st.text(alphabet=string.printable, max_size=120)


@pytest.fixture
def hook(client, settings, monkeypatch):
    """``hook(body, event, delivery, signature)``: POST and return the status code."""
    settings.GITHUB_WEBHOOK_SECRET = SECRET
    monkeypatch.setattr("scorecards.tasks.enqueue_scan", lambda scan: None)
    make_service("orders", repository="acme-corp/orders", default_branch="main")

    def post(body: bytes, event: str, delivery: str, signature: str | None = None) -> int:
        headers = {"HTTP_X_GITHUB_EVENT": event, "HTTP_X_GITHUB_DELIVERY": delivery}
        headers["HTTP_X_HUB_SIGNATURE_256"] = sign(SECRET, body) if signature is None else signature
        response = client.post("/webhooks/github", body, content_type="application/json", **headers)
        return response.status_code

    return post


@given(body=st.binary(max_size=2000), event=header_text, delivery=header_text, sig=header_text)
def test_random_unsigned_deliveries_are_refused_with_401(hook, body, event, delivery, sig):
    assert hook(body, event, delivery, signature=sig) == 401


@given(body=st.binary(max_size=2000), event=st.sampled_from(EVENTS), delivery=header_text)
def test_signed_garbage_is_answered_without_a_server_error(hook, body, event, delivery):
    assert hook(body, event, delivery) in ANSWERS


@given(payload=json_values, event=st.sampled_from(EVENTS), delivery=header_text)
def test_signed_json_of_any_shape_is_answered_without_a_server_error(
    hook, payload, event, delivery
):
    status = hook(json.dumps(payload).encode(), event, delivery)
    assert status in ANSWERS
    if not isinstance(payload, dict) and event:
        assert status in (400, 401)  # a delivery with an event is read only as a JSON object


def test_event_fields_of_the_wrong_type_are_answered_without_a_server_error(hook):
    seen = set()

    @given(payload=event_payloads, event=st.sampled_from(EVENTS), delivery=st.uuids())
    def deliver(payload, event, delivery):
        status = hook(json.dumps(payload).encode(), event, str(delivery))
        assert status in ANSWERS
        seen.add(status)

    deliver()
    # Plausible payloads were among them: some work was queued, some ignored.
    assert {202, 204} <= seen


@given(payload=event_payloads, event=st.sampled_from(EVENTS))
def test_deciding_on_any_payload_returns_a_decision_with_json_work(payload, event):
    decision = decide(event, payload)
    assert isinstance(decision.reason, str)
    if decision.work is not None:
        json.dumps(decision.work)  # it is stored in a JSON column as it is


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_refused_with_400(hook, depth):
    body = ("[" * depth + "]" * depth).encode()
    assert hook(body, "push", f"deep-{depth}") == 400
    nested = ('{"a":' * depth + "1" + "}" * depth).encode()
    assert hook(nested, "push", f"deeper-{depth}") == 400


def test_a_body_over_the_limit_is_refused_with_413_before_its_signature(hook, settings):
    settings.WEBHOOK_MAX_BYTES = 1024
    assert hook(b"x" * 1025, "push", "big", signature="sha256=wrong") == 413

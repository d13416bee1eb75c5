"""An organisation with history, and API tokens to read (and write) it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from scorecards.api.auth import create_token
from tests.factories import make_service, make_team, record_scorecard


@pytest.fixture
def org(db):
    payments, search = make_team("payments"), make_team("search")
    now = timezone.now()
    orders = make_service("orders", payments, repository="acme-corp/orders")
    record_scorecard(orders, {"logs.stdout": "fail"}, when=now - timedelta(days=2), commit="a" * 40)
    record_scorecard(orders, {}, when=now - timedelta(days=1), commit="b" * 40)
    billing = make_service("billing", payments, repository="acme-corp/billing")
    record_scorecard(
        billing,
        {"config.no-hardcoded-secrets": "fail"},
        evidence={
            "config.no-hardcoded-secrets": [{"locator": "app/settings.py:12", "excerpt": "KEY='…'"}]
        },
        commit="c" * 40,
    )
    make_service("indexer", search, repository="acme-corp/indexer")  # never scanned
    make_service("old-shop", payments, retired=True)
    return {"orders": orders, "billing": billing}


@pytest.fixture
def token(db):
    return create_token("grafana")[1]


@pytest.fixture
def write_token(org):
    """The payments team's CI: may push for payments' services (orders, billing) only."""
    return create_token("ci-payments", can_write=True, teams=[org["orders"].team])[1]


@pytest.fixture
def api(client, token):
    """``api(path, **query)``: an authenticated GET."""

    def get(path, **query):
        return client.get(path, query, HTTP_AUTHORIZATION=f"Bearer {token}")

    return get

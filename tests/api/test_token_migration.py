"""Migration 0009 (token scopes): write tokens made before scopes keep pushing everywhere,
now explicitly (``all_services``), and every existing token gets an expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("scorecards", "0008_service_claims_heartbeat_waivers")]
AFTER = [("scorecards", "0009_token_scope_readiness")]


@pytest.mark.django_db(transaction=True)
def test_existing_write_tokens_become_explicitly_organisation_wide():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("scorecards", "ApiToken")
    old.objects.create(name="old-ci", prefix="tfp_old", digest="a" * 64, can_write=True)
    old.objects.create(name="old-reader", prefix="tfp_read", digest="b" * 64)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("scorecards", "ApiToken")
    writer, reader = new.objects.get(name="old-ci"), new.objects.get(name="old-reader")
    assert (writer.all_services, reader.all_services) == (True, False)
    for token in (writer, reader):
        assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)

    # Back to the latest schema for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

"""API tokens: a write token pushes only for its scope, every token expires, any can be
revoked (command and admin action), and pushed text is redacted like collected evidence
(issue 13, item 6)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.db.models import QuerySet
from django.utils import timezone

from scorecards import roles
from scorecards.api.auth import create_token
from scorecards.models import ApiToken, CheckResult, Scan
from tests.web.users import make_person

pytestmark = pytest.mark.django_db

PUSH = {"results": [{"check_id": "logs.stdout", "status": "pass"}]}


def _push(client, token, slug, body=PUSH):
    return client.post(
        f"/api/v1/services/{slug}/results",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _read(client, token):
    return client.get("/api/v1/services", HTTP_AUTHORIZATION=f"Bearer {token}")


# --- scope --------------------------------------------------------------------------------


def test_a_team_token_pushes_for_its_team_and_nowhere_else(client, org):
    token = create_token("ci-payments", can_write=True, teams=[org["orders"].team])[1]
    assert _push(client, token, "orders").status_code == 201
    assert _push(client, token, "billing").status_code == 201
    refused = _push(client, token, "indexer")  # the search team's
    assert refused.status_code == 403
    assert "scope" in refused.json()["error"]
    assert not Scan.objects.filter(service__slug="indexer").exists()


def test_a_service_token_pushes_for_that_service_only(client, org):
    token = create_token("ci-orders", can_write=True, services=[org["orders"]])[1]
    assert _push(client, token, "orders").status_code == 201
    assert _push(client, token, "billing").status_code == 403


def test_a_write_token_without_a_scope_pushes_for_nothing(client, org):
    token = create_token("ci", can_write=True)[1]
    assert _push(client, token, "orders").status_code == 403
    before = org["orders"].latest_scorecard_id
    org["orders"].refresh_from_db()
    assert org["orders"].latest_scorecard_id == before


def test_an_organisation_wide_token_is_explicit(client, org):
    token = create_token("central-ci", can_write=True, all_services=True)[1]
    assert _push(client, token, "indexer").status_code == 201


def test_a_scoped_write_token_still_reads_the_whole_organisation(client, org):
    token = create_token("ci-orders", can_write=True, services=[org["orders"]])[1]
    slugs = [s["slug"] for s in _read(client, token).json()["results"]]
    assert slugs == ["billing", "indexer", "orders"]


# --- expiry -------------------------------------------------------------------------------


def test_tokens_expire_after_90_days_by_default(client, org):
    row, token = create_token("grafana")
    assert timedelta(days=89) < row.expires_at - timezone.now() <= timedelta(days=90)
    assert _read(client, token).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _read(client, token).status_code == 401


def test_an_expired_write_token_cannot_push(client, org):
    row, token = create_token("ci", can_write=True, all_services=True, expires_in_days=1)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _push(client, token, "orders").status_code == 401


@pytest.mark.parametrize("days", [0, -3, 3651])
def test_a_lifetime_out_of_range_is_refused(days):
    with pytest.raises(ValueError):
        create_token("x", expires_in_days=days)


# --- the commands -------------------------------------------------------------------------


def _create(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_create_command_scopes_and_dates_a_write_token(client, org):
    token, said = _create("ci-orders", "--write", "--service", "orders", "--expires-in-days", "7")
    row = ApiToken.objects.get(name="ci-orders")
    assert row.scope == "service orders"
    assert timedelta(days=6) < row.expires_at - timezone.now() <= timedelta(days=7)
    assert "pushes for service orders" in said
    assert _push(client, token, "orders").status_code == 201
    assert _push(client, token, "billing").status_code == 403


def test_the_create_command_takes_teams(org):
    _create("ci-payments", "--write", "--team", "payments", "--team", "search")
    assert ApiToken.objects.get().scope == "team payments, team search"


@pytest.mark.parametrize(
    "args, message",
    [
        (["ci", "--write"], "needs a scope"),
        (["ci", "--team", "payments"], "add --write"),
        (["ci", "--write", "--team", "nope"], "no team nope"),
        (["ci", "--write", "--service", "nope"], "no service nope"),
        (["ci", "--expires-in-days", "0"], "between 1 and"),
    ],
)
def test_the_create_command_refuses_what_it_cannot_make(org, args, message):
    with pytest.raises(CommandError, match=message):
        _create(*args)
    assert not ApiToken.objects.exists()


def test_the_revoke_command_stops_a_token_by_its_prefix(client, org):
    row, token = create_token("grafana")
    out = io.StringIO()
    call_command("revoke_api_token", row.prefix, stdout=out, stderr=io.StringIO())
    assert f"revoked grafana ({row.prefix}…)" in out.getvalue()
    assert _read(client, token).status_code == 401
    row.refresh_from_db()
    assert row.revoked_at is not None  # kept as a record


def test_the_revoke_command_wants_all_for_a_shared_name(client, org):
    (_, first), (_, second) = create_token("grafana"), create_token("grafana")
    with pytest.raises(CommandError, match="2 live tokens match"):
        call_command("revoke_api_token", "grafana", stdout=io.StringIO())
    assert _read(client, first).status_code == 200
    call_command("revoke_api_token", "grafana", "--all", stdout=io.StringIO(), stderr=io.StringIO())
    assert _read(client, first).status_code == 401
    assert _read(client, second).status_code == 401


def test_the_revoke_command_says_when_nothing_matches(org):
    with pytest.raises(CommandError, match="no live API token"):
        call_command("revoke_api_token", "tfp_nothing", stdout=io.StringIO())


# --- the admin action ---------------------------------------------------------------------


def _admin_revoke(client, row):
    return client.post(
        "/admin/scorecards/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [row.pk]},
        follow=True,
    )


def _staff(username, role):
    user = make_person(username, role)
    user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize("who", ["superuser", "admin role"])
def test_admins_revoke_tokens_in_the_admin(client, org, who):
    if who == "superuser":
        user = get_user_model().objects.create_superuser("root", password="pw-for-tests-only")
    else:
        user = _staff("ada", roles.ADMIN)
    client.force_login(user)
    row, token = create_token("grafana")
    page = client.get("/admin/scorecards/apitoken/").content.decode()
    assert "Revoke the selected API tokens" in page
    assert "1 API token(s) revoked." in _admin_revoke(client, row).content.decode()
    assert _read(client, token).status_code == 401


def test_platform_leads_see_tokens_but_cannot_revoke_them(client, org):
    client.force_login(_staff("lena", roles.PLATFORM_LEAD))
    row, token = create_token("grafana")
    page = client.get("/admin/scorecards/apitoken/")
    assert page.status_code == 200 and row.prefix in page.content.decode()
    assert "Revoke the selected API tokens" not in page.content.decode()
    _admin_revoke(client, row)
    row.refresh_from_db()
    assert row.revoked_at is None
    assert _read(client, token).status_code == 200


# --- redaction of pushed text -------------------------------------------------------------

SECRETS = {
    "password=hunter2-planted": "hunter2-planted",
    "export AWS_KEY=AKIAZ5KQ7R2ALLXM3N4P": "AKIAZ5KQ7R2ALLXM3N4P",
    "the key AKIAZ5KQ7R2ALLXM3N4Q leaked": "AKIAZ5KQ7R2ALLXM3N4Q",
    "redis-server --requirepass s3cr3t-flag-value": "s3cr3t-flag-value",
    "DATABASE_URL=postgres://app:pg-planted-pw@db/app": "pg-planted-pw",
    'api_key = "k8s7d6f5g4h3j2k1zz"': "k8s7d6f5g4h3j2k1zz",
    "use ghp_abcdefghijklmnopqrstuvwxyz0123456789 here": "abcdefghijklmnopqrstuvwxyz0123456789",
}


@pytest.mark.parametrize("text, secret", SECRETS.items())
def test_secrets_in_pushed_excerpts_and_messages_are_never_stored(client, org, text, secret):
    token = create_token("ci", can_write=True, services=[org["orders"]])[1]
    body = {
        "results": [
            {
                "check_id": "config.no-hardcoded-secrets",
                "status": "fail",
                "message": f"found: {text}",
                "evidence": [{"locator": "app.py:3", "excerpt": text}],
            }
        ]
    }
    assert _push(client, token, "orders", body).status_code == 201
    row = CheckResult.objects.filter(check_id="config.no-hardcoded-secrets").latest("pk")
    stored = f"{row.message} {row.evidence}"
    assert secret not in stored
    assert "«redacted»" in stored


# --- a read does not fail on its bookkeeping write (item 13) ------------------------------


def test_a_read_answers_when_the_last_use_time_cannot_be_written(client, org, monkeypatch):
    token = create_token("grafana")[1]
    original = QuerySet.update

    def refuse_token_writes(queryset, **values):
        if queryset.model is ApiToken:
            raise DatabaseError("database or disk is full")
        return original(queryset, **values)

    monkeypatch.setattr(QuerySet, "update", refuse_token_writes)
    response = _read(client, token)
    assert response.status_code == 200
    assert response.json()["count"] == 3

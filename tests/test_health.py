"""The probe endpoints and the login wall in front of the pages."""

import json

import pytest
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.urls import reverse

from scorecards import roles
from scorecards.models import ReadinessHeartbeat
from tests.web.users import make_person

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


def test_readyz_answers_ok_when_the_database_is_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_503_with_a_reason_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("scorecards.views.connection.cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "reason": "database: OperationalError",
    }


def test_readyz_writes_its_heartbeat(client):
    assert client.get("/readyz").status_code == 200
    first = ReadinessHeartbeat.objects.get().checked_at
    assert client.get("/readyz").status_code == 200
    assert ReadinessHeartbeat.objects.get().checked_at > first


def test_readyz_is_503_when_the_database_cannot_write(client, monkeypatch):
    """A full disk or a read-only database still answers SELECT 1; sign-ins then fail."""
    original = QuerySet.update

    def disk_full(queryset, **values):
        if queryset.model is ReadinessHeartbeat:
            raise OperationalError("database or disk is full")
        return original(queryset, **values)

    monkeypatch.setattr(QuerySet, "update", disk_full)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "database: OperationalError"


@pytest.mark.parametrize("table", ["django_session", "auth_user", "scorecards_service"])
def test_readyz_is_503_when_the_schema_is_missing(client, table):
    """A database never migrated (or an SQLite file deleted and reopened empty) answers
    SELECT 1 too; then the login page 500s."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TABLE {table}" + (" CASCADE" if connection.vendor == "postgresql" else "")
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert table in response.json()["reason"]
    assert "migrate" in response.json()["reason"]


def test_probes_answer_for_a_host_outside_allowed_hosts(client, settings):
    # Kubernetes probes the pod IP, which is never in ALLOWED_HOSTS.
    settings.ALLOWED_HOSTS = ["portal.example.com"]
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_home_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_home_explains_score_repo_to_a_signed_in_user(client):
    client.force_login(make_person("ada", roles.VIEWER))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"python manage.py score_repo" in response.content
    assert b'<html lang="en">' in response.content


def test_the_login_page_labels_its_fields(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'<label for="id_username">' in response.content
    assert b'<label for="id_password">' in response.content


def test_a_user_can_sign_in_and_out(client):
    make_person("ada", roles.VIEWER)
    response = client.post(reverse("login"), {"username": "ada", "password": "pw-for-tests-only"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302

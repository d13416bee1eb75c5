"""Cookies: the session and CSRF cookies are Secure (unless DEBUG), HTTP-only and SameSite=Lax."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def signed_in(client):
    get_user_model().objects.create_user("alice", password=PASSWORD)
    page = client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    return page, response


def test_the_session_cookie_is_secure_http_only_and_lax(signed_in):
    _, response = signed_in
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_csrf_cookie_is_secure_http_only_and_lax(signed_in):
    page, _ = signed_in
    cookie = page.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True  # htmx posts the form's token field, never the cookie
    assert cookie["samesite"] == "Lax"


def test_the_messages_cookie_follows_the_session_cookie(client, settings):
    """Flash messages may fall back to a cookie; it gets the session cookie's flags."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(20, "hello")
    response = HttpResponse()
    storage.update(response)
    cookie = response.cookies[storage.cookie_name]
    assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"


def test_signing_out_ends_the_session(client, signed_in):
    session_key = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get("/services/").status_code == 302


def test_signing_in_rotates_the_session_key(client):
    get_user_model().objects.create_user("alice", password=PASSWORD)
    client.get(reverse("login"))
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert client.cookies["sessionid"].value != before

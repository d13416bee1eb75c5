"""The sign-in page with single sign-on on or off, and password sign-in as break-glass."""

from __future__ import annotations

import pytest

from portal.sso import OIDC_BACKEND

pytestmark = pytest.mark.django_db


def test_without_single_sign_on_only_the_password_form_shows(client):
    page = client.get("/login/").content.decode()
    assert 'name="password"' in page
    assert "Sign in with" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "c", "state": "s"}).status_code == 404


def test_with_single_sign_on_the_page_offers_the_provider_and_the_password_form(client, idp):
    page = client.get("/login/", {"next": "/services/"}).content.decode()
    assert "Sign in with Acme SSO" in page
    assert 'href="/oidc/authenticate/?next=/services/"' in page
    assert 'name="password"' in page


def test_break_glass_password_sign_in_works_while_the_provider_is_down(
    client, idp, settings, django_user_model
):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    django_user_model.objects.create_user("root", password="break-glass-password")
    response = client.post("/login/", {"username": "root", "password": "break-glass-password"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_provider_that_cannot_be_reached_sends_back_to_the_login_page(client, idp, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    response = client.get("/oidc/authenticate/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "Acme SSO cannot be reached right now." in response.content.decode()


def test_with_password_login_off_the_form_is_gone_and_a_post_is_refused(
    client, idp, settings, django_user_model
):
    settings.PASSWORD_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = [OIDC_BACKEND]
    django_user_model.objects.create_user("root", password="break-glass-password")
    page = client.get("/login/").content.decode()
    assert "Sign in with Acme SSO" in page
    assert 'name="password"' not in page
    response = client.post("/login/", {"username": "root", "password": "break-glass-password"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_admin_signs_in_on_the_portal_login_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"

"""The authorization code flow end to end: portal → fake provider → callback → signed in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_team
from tests.sso.fake_provider import CLIENT_ID, new_key

pytestmark = pytest.mark.django_db

ALICE = {
    "sub": "00u-alice",
    "preferred_username": "alice",
    "email": "alice@example.com",
    "given_name": "Alice",
    "family_name": "Liddell",
    "groups": ["platform-leads", "team-payments", "everyone"],
}


def start(client, next_url: str = "") -> str:
    response = client.get("/oidc/authenticate/", {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, idp, claims: dict):
    """Start at the portal, "sign in" at the provider, come back to the callback."""
    code_and_state = idp.authorize(start(client), claims)
    return client.get("/oidc/callback/", code_and_state)


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def teams(user) -> set[str]:
    return set(user.teams.values_list("slug", flat=True))


def test_it_redirects_to_the_discovered_authorization_endpoint(client, idp):
    location = start(client)
    url = urlsplit(location)
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{idp.issuer}/authorize"
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["scope"] == "openid email profile"
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    assert query["code_challenge_method"] == "S256"
    assert query["state"] in client.session["oidc_states"]
    assert query["nonce"] == client.session["oidc_states"][query["state"]]["nonce"]


def test_it_creates_the_user_with_mapped_roles_and_teams(client, idp):
    make_team("payments")
    response = sign_in(client, idp, ALICE)
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = signed_in_user(client)
    assert user.username == "alice"
    assert (user.email, user.first_name, user.last_name) == (
        "alice@example.com",
        "Alice",
        "Liddell",
    )
    assert roles(user) == {"platform lead"}
    assert teams(user) == {"payments"}
    assert user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert client.get("/").status_code == 200


def test_a_second_sign_in_brings_roles_and_teams_up_to_date(client, idp):
    make_team("payments")
    make_team("checkout")
    sign_in(client, idp, ALICE)
    client.logout()

    sign_in(client, idp, {**ALICE, "groups": ["team-checkout", "team-unknown"]})
    user = signed_in_user(client)
    assert roles(user) == {"viewer"}
    assert teams(user) == {"checkout"}
    assert not user.is_staff
    assert get_user_model().objects.filter(username="alice").count() == 1


def test_an_unmapped_person_is_a_viewer_and_nothing_grants_superuser(client, idp):
    sign_in(client, idp, {"sub": "00u-bob", "email": "bob@example.com", "is_superuser": True})
    user = signed_in_user(client)
    assert user.username == "bob@example.com"
    assert roles(user) == {"viewer"}
    assert not user.is_superuser and not user.is_staff


def test_it_returns_to_the_page_asked_for(client, idp):
    code_and_state = idp.authorize(start(client, next_url="/services/"), ALICE)
    assert client.get("/oidc/callback/", code_and_state)["Location"] == "/services/"


def test_it_refuses_an_unknown_state(client, idp):
    code_and_state = idp.authorize(start(client), ALICE)
    response = client.get("/oidc/callback/", {**code_and_state, "state": "forged"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert signed_in_user(client) is None
    assert idp.token_requests == []


def test_it_refuses_an_id_token_with_a_bad_signature(client, idp):
    idp.signing_key = new_key()
    response = sign_in(client, idp, ALICE)
    assert response["Location"] == "/login/"
    assert signed_in_user(client) is None
    assert not get_user_model().objects.filter(username="alice").exists()
    page = client.get("/login/")
    assert "Single sign-on did not complete" in page.content.decode()


def test_a_state_is_good_for_one_sign_in_only(client, idp):
    code_and_state = idp.authorize(start(client), ALICE)
    client.get("/oidc/callback/", code_and_state)
    client.logout()
    assert client.get("/oidc/callback/", code_and_state)["Location"] == "/login/"
    assert signed_in_user(client) is None


def test_it_never_takes_over_a_local_account(client, idp, django_user_model):
    django_user_model.objects.create_user("alice", password="break-glass-password")
    response = sign_in(client, idp, ALICE)
    assert response["Location"] == "/login/"
    assert signed_in_user(client) is None
    assert roles(django_user_model.objects.get(username="alice")) == set()


def test_a_code_in_the_password_form_query_does_not_sign_in(client, idp, django_user_model):
    django_user_model.objects.create_user("carol", password="carol-password-123")
    code_and_state = idp.authorize(start(client), ALICE)
    response = client.post(
        f"/login/?code={code_and_state['code']}&state={code_and_state['state']}",
        {"username": "mallory", "password": "whatever"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert signed_in_user(client) is None
    assert idp.token_requests == []


def test_a_platform_lead_signed_in_by_the_provider_manages_teams_in_the_admin(client, idp):
    sign_in(client, idp, ALICE)
    assert client.get("/admin/scorecards/team/").status_code == 200
    client.logout()
    sign_in(client, idp, {**ALICE, "groups": []})
    assert client.get("/admin/scorecards/team/")["Location"].startswith("/admin/login/")


def test_deactivating_a_person_ends_their_single_sign_on_session(client, idp):
    sign_in(client, idp, ALICE)
    get_user_model().objects.filter(username="alice").update(is_active=False)
    assert client.get("/")["Location"].startswith("/login/")


def test_the_first_sign_in_binds_the_account_to_the_providers_subject(client, idp):
    sign_in(client, idp, ALICE)
    identity = signed_in_user(client).sso_identity
    assert (identity.issuer, identity.subject) == (idp.issuer.rstrip("/"), "00u-alice")


def test_another_subject_with_a_bound_username_is_refused(client, idp, django_user_model):
    sign_in(client, idp, ALICE)
    client.logout()
    # Someone who set their preferred_username to "alice" at the provider.
    response = sign_in(client, idp, {**ALICE, "sub": "00u-mallory", "groups": []})
    assert response["Location"] == "/login/"
    assert signed_in_user(client) is None
    assert django_user_model.objects.filter(username="alice").count() == 1
    assert roles(django_user_model.objects.get(username="alice")) == {"platform lead"}


def test_a_renamed_person_keeps_their_account(client, idp, django_user_model):
    sign_in(client, idp, ALICE)
    first = signed_in_user(client)
    client.logout()
    sign_in(client, idp, {**ALICE, "preferred_username": "alice.liddell"})
    assert signed_in_user(client) == first
    assert not django_user_model.objects.filter(username="alice.liddell").exists()

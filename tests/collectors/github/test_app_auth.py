"""GitHub App authentication: a JWT signed with the App key, then installation tokens."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from scorecards.collectors.github import (
    AuthenticationFailed,
    NotFound,
    fetch_repository,
    list_repositories,
)
from tests.collectors.github.fake_github import load

APP_ID = "912345"


def rsa_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,  # the PKCS#1 PEM GitHub hands out
        serialization.NoEncryption(),
    ).decode()
    return pem, key.public_key()


@pytest.fixture(scope="module")
def app_key():
    return rsa_pair()


@pytest.fixture
def app_github(github, app_key):
    _, public_key = app_key
    github.enable_app(APP_ID, public_key, load("app_installations.json"))
    for repo in load("org_repos.json"):
        github.add_repo(repo, {"Procfile": b"web: gunicorn app:app\n"})
    return github


@pytest.fixture
def app_client(make_client, app_key):
    pem, _ = app_key
    return lambda **extra: make_client(token=None, app_id=APP_ID, app_private_key=pem, **extra)


def test_app_lists_the_installation_repositories_then_fetches_with_one_token(
    app_github, app_client, fake_time
):
    client = app_client()
    repos = list_repositories(client, "acme-corp")
    assert [r.name for r in repos] == ["inventory-api", "orders-lambda", "platform-docs"]
    assert {r.installation_id for r in repos} == {4242001}
    results = [fetch_repository(client, repo) for repo in repos]
    assert [result.status for result in results] == ["fetched"] * 3

    assert [hit.kind for hit in app_github.log[:3]] == [
        "installations",
        "installation_token",
        "installation_repos",
    ]
    assert app_github.hits("repos") == []  # App auth lists the installation's repositories
    assert len(app_github.hits("installation_token")) == 1  # minted once, reused 7 times
    assert app_github.token_requests == [
        {"installation": 4242001, "body": {"permissions": {"contents": "read", "metadata": "read"}}}
    ]
    # Both JWTs were verified by the server with the App's public key.
    assert len(app_github.jwt_claims) == 2
    for claims in app_github.jwt_claims:
        assert claims["iss"] == APP_ID
        assert claims["iat"] <= fake_time.now - 60
        assert fake_time.now < claims["exp"] <= fake_time.now + 600
    token_hits = app_github.hits("commit") + app_github.hits("tarball")
    assert {hit.authorization[:19] for hit in token_hits} == {"Bearer ghs_4242001x"}
    assert all(hit.authorization is None for hit in app_github.hits("codeload"))
    assert client.stats["by_kind"]["installation_token"] == 1


def test_installation_token_is_renewed_before_it_expires(app_github, app_client, fake_time):
    client = app_client(token_refresh_margin=300)
    repos = list_repositories(client, "acme-corp")
    fake_time.now += 3600 - 400  # still 400 s left: the cached token is used
    fetch_repository(client, repos[0])
    assert len(app_github.token_requests) == 1
    fake_time.now += 200  # 200 s left, inside the margin: a new token is minted first
    fetch_repository(client, repos[1])
    assert len(app_github.token_requests) == 2
    assert all(hit.status < 400 for hit in app_github.log)


def test_a_token_revoked_early_is_minted_again_once(app_github, app_client):
    client = app_client()
    repos = list_repositories(client, "acme-corp")
    app_github.installation_tokens.clear()  # GitHub forgot it (revoked, App reinstalled...)
    assert fetch_repository(client, repos[0]).status == "fetched"
    assert [hit.status for hit in app_github.hits("tarball")] == [401, 302]
    assert len(app_github.token_requests) == 2


def test_an_organisation_without_the_app_is_not_found(app_github, app_client):
    with pytest.raises(NotFound, match="not installed on 'initech'"):
        list_repositories(app_client(), "initech")


def test_a_jwt_signed_with_another_key_is_refused(app_github, make_client):
    other_pem, _ = rsa_pair()
    client = make_client(token=None, app_id=APP_ID, app_private_key=other_pem)
    with pytest.raises(AuthenticationFailed, match="JSON web token could not be decoded"):
        list_repositories(client, "acme-corp")
    assert app_github.jwt_claims == [] and app_github.token_requests == []


def test_a_key_that_is_no_usable_pem_fails_when_the_client_is_made(make_client):
    broken = "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n"
    with pytest.raises(ValueError, match="could not be loaded") as caught:
        make_client(token=None, app_id=APP_ID, app_private_key=broken)
    assert "bm90IGEga2V5" not in str(caught.value)

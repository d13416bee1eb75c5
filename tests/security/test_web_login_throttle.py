"""Failed password sign-ins are counted per username and per client address; past the limit the
form refuses to check any password for a while (scorecards/sign_in_throttle.py)."""

from __future__ import annotations

import os
import time

import pytest
import redis
from django.contrib.auth import get_user_model
from django.urls import reverse

from scorecards import sign_in_throttle

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 6
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600
    settings.LOGIN_LOCKOUT_SECONDS = 300
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.1"]


@pytest.fixture
def alice():
    return get_user_model().objects.create_user("alice", password=PASSWORD)


def sign_in(client, username, password, address="192.0.2.10", **headers):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def test_a_correct_password_signs_in(client, alice):
    assert signed_in(sign_in(client, "alice", PASSWORD))


def test_failures_below_the_limit_still_let_the_right_password_in(client, alice):
    for _ in range(2):
        assert sign_in(client, "alice", "wrong").status_code == 200
    assert signed_in(sign_in(client, "alice", PASSWORD))


def test_past_the_limit_even_the_right_password_is_refused_with_429(client, alice):
    for _ in range(3):
        sign_in(client, "alice", "wrong")
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(response)
    assert "_auth_user_id" not in client.session
    assert 0 < int(response["Retry-After"]) <= 300
    assert b"Too many failed sign-ins. Please wait 5 minutes" in response.content


def test_the_lockout_does_not_check_the_password_at_all(client, alice, monkeypatch):
    for _ in range(3):
        sign_in(client, "alice", "wrong")
    tried = []
    monkeypatch.setattr(
        "django.contrib.auth.forms.authenticate", lambda *a, **k: tried.append(k) or None
    )
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    assert tried == []


def test_a_username_is_counted_whatever_the_address_and_spelling(client, alice):
    sign_in(client, "alice", "wrong", address="192.0.2.1")
    sign_in(client, "ALICE ", "wrong", address="198.51.100.7")
    sign_in(client, "Alice", "wrong", address="203.0.113.9")
    assert sign_in(client, "alice", PASSWORD, address="203.0.113.50").status_code == 429


def test_other_usernames_are_not_locked_by_someone_elses_failures(client, alice):
    get_user_model().objects.create_user("bob", password=PASSWORD)
    for _ in range(3):
        sign_in(client, "alice", "wrong", address="192.0.2.1")
    assert signed_in(sign_in(client, "bob", PASSWORD, address="198.51.100.7"))


def test_one_address_trying_many_usernames_is_locked(client, alice):
    for n in range(6):
        sign_in(client, f"user{n}", "wrong", address="192.0.2.66")
    assert sign_in(client, "alice", PASSWORD, address="192.0.2.66").status_code == 429
    # Alice herself, from her own address, is unaffected.
    assert signed_in(sign_in(client, "alice", PASSWORD, address="198.51.100.7"))


def test_a_success_clears_the_username_count_but_not_the_address_count(client, alice):
    for _ in range(2):
        sign_in(client, "alice", "wrong", address="192.0.2.5")
    assert signed_in(sign_in(client, "alice", PASSWORD, address="192.0.2.5"))
    client.logout()
    for _ in range(2):
        sign_in(client, "alice", "wrong", address="192.0.2.5")
    assert signed_in(sign_in(client, "alice", PASSWORD, address="192.0.2.5"))
    client.logout()
    # Four failures from this address so far; two more reach its limit of six.
    for _ in range(2):
        sign_in(client, "carol", "wrong", address="192.0.2.5")
    assert sign_in(client, "alice", PASSWORD, address="192.0.2.5").status_code == 429


def test_the_lockout_ends(client, alice, monkeypatch):
    for _ in range(3):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    later = time.time() + 301
    # The cache's own expiry and the lockout's deadline read the same clock.
    monkeypatch.setattr(time, "time", lambda: later)
    assert signed_in(sign_in(client, "alice", PASSWORD))


def test_refused_attempts_do_not_extend_the_lockout(client, alice, monkeypatch):
    for _ in range(3):
        sign_in(client, "alice", "wrong")
    start = time.time()
    for _ in range(5):
        sign_in(client, "alice", "wrong")
    monkeypatch.setattr(time, "time", lambda: start + 301)
    assert signed_in(sign_in(client, "alice", PASSWORD))


def test_the_admin_sign_in_is_the_same_throttled_form(client, alice):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("remote", "forwarded", "counted_as"),
    [
        ("192.0.2.10", "", "192.0.2.10"),
        # Not from the trusted proxy: X-Forwarded-For is whatever the client says.
        ("192.0.2.10", "198.51.100.1", "192.0.2.10"),
        # From the proxy: the address it appended, not what the client put before it.
        ("10.0.0.1", "203.0.113.99, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.1", "198.51.100.1, 10.0.0.1", "198.51.100.1"),
        ("10.0.0.1", "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(rf, remote, forwarded, counted_as):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    request = rf.post("/login/", REMOTE_ADDR=remote, headers=headers)
    assert sign_in_throttle.client_address(request) == counted_as


def test_with_every_proxy_trusted_the_nearest_forwarded_address_counts(rf, settings):
    settings.FORWARDED_ALLOW_IPS = ["*"]
    request = rf.post(
        "/login/", REMOTE_ADDR="10.9.8.7", headers={"X-Forwarded-For": "1.2.3.4, 5.6.7.8"}
    )
    assert sign_in_throttle.client_address(request) == "5.6.7.8"


def test_a_spoofed_forwarded_header_does_not_escape_the_address_limit(client, alice):
    for n in range(6):
        sign_in(
            client, f"user{n}", "wrong", address="192.0.2.66", **{"X-Forwarded-For": f"10.1.1.{n}"}
        )
    assert sign_in(client, "alice", PASSWORD, address="192.0.2.66").status_code == 429


def test_the_counts_are_shared_through_redis(client, alice, settings):
    """With CACHE_URL, every web process reads the same counters from Redis."""
    broker = os.environ.get("REDIS_URL")
    assert broker, "REDIS_URL must point at the test Redis (scripts/services.sh sets it)"
    # A database of its own: clearing a Redis cache flushes its whole database.
    url = broker.rsplit("/", 1)[0] + "/15"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal-throttle-test",
        }
    }
    from django.core.cache import cache

    cache.clear()
    try:
        for _ in range(3):
            sign_in(client, "alice", "wrong")
        stored = redis.Redis.from_url(url).keys("portal-throttle-test:*sign-in:user:*:locked")
        assert len(stored) == 1
        assert sign_in(client, "alice", PASSWORD).status_code == 429
    finally:
        cache.clear()


def test_an_unreachable_cache_leaves_sign_in_working_and_says_so(client, alice, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        }
    }
    assert sign_in(client, "alice", "wrong").status_code == 200
    assert signed_in(sign_in(client, "alice", PASSWORD))
    assert "sign-in throttling is off: the cache is unavailable" in caplog.text


@pytest.mark.parametrize(
    "look_alike",
    [
        "\uff41lice",  # fullwidth a: Django's form turns it into "alice" (NFKC)
        "\uff21\uff2c\uff29\uff23\uff25",  # fullwidth ALICE
        "\uff41\uff4c\uff49\uff43\uff45 ",
    ],
)
def test_a_locked_username_stays_locked_under_every_compatible_spelling(client, alice, look_alike):
    for _ in range(3):
        sign_in(client, "alice", "wrong", address="192.0.2.1")
    response = sign_in(client, look_alike, PASSWORD, address="198.51.100.7")
    assert response.status_code == 429
    assert not signed_in(response)


def test_failures_under_look_alike_spellings_count_for_the_same_account(client, alice):
    sign_in(client, "\uff41lice", "wrong", address="192.0.2.1")
    sign_in(client, "ＡＬＩＣＥ", "wrong", address="198.51.100.7")
    sign_in(client, "alice", "wrong", address="203.0.113.9")
    assert sign_in(client, "alice", PASSWORD, address="203.0.113.50").status_code == 429


def test_a_fullwidth_spelling_does_sign_in_the_account_when_not_locked(client, alice):
    """Why the throttle must fold the same way: Django signs ``ａlice`` in as alice."""
    assert signed_in(sign_in(client, "\uff41lice", PASSWORD))

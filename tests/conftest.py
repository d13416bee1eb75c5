"""Fixtures shared by every test.

The database comes from ``DATABASE_URL`` through ``portal.settings`` (PostgreSQL in CI, the
embedded SQLite file otherwise); pytest-django creates its own test database on it.
"""

import pytest


@pytest.fixture(autouse=True)
def _plain_http_and_unhashed_static(settings):
    """The test client speaks plain http and nothing ran ``collectstatic``.

    Production redirects http to https and serves hashed static names from the manifest;
    tests that are about those behaviours turn them back on themselves.
    """
    settings.SECURE_SSL_REDIRECT = False
    settings.WHITENOISE_AUTOREFRESH = True  # no STATIC_ROOT to index
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: sign-in throttling counts failures there, and
    scorecards/web/history_cache.py keys aggregates by data version (on SQLite a rolled-back
    test's ids are handed out again).

    Only a per-process cache is cleared: clearing a Redis cache (CACHE_URL) flushes its whole
    database, which may be shared with the broker the integration tests use.
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    def clear_if_local():
        for cache in caches.all():
            if isinstance(cache, LocMemCache):
                cache.clear()

    clear_if_local()
    yield
    clear_if_local()

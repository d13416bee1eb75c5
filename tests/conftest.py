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
def _empty_cache():
    """Every test starts with an empty per-process cache (scorecards/web/history_cache.py keys
    aggregates by data version; on SQLite a rolled-back test's ids are handed out again)."""
    from django.core.cache import cache

    cache.clear()
    yield

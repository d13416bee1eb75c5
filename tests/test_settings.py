"""Settings come only from the environment, and a bad value stops start-up with one sentence."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import envbool, envcron, envint, envlist

ROOT = Path(__file__).resolve().parents[1]
# Print a few settings as JSON, or the exception's class and message.
PROBE = """
import json
from django.core.exceptions import ImproperlyConfigured
try:
    import portal.settings as s
except ImproperlyConfigured as exc:
    print(json.dumps({"error": str(exc)}))
else:
    print(json.dumps({
        "debug": s.DEBUG, "engine": s.DATABASES["default"]["ENGINE"],
        "eager": s.CELERY_TASK_ALWAYS_EAGER, "ssl_redirect": s.SECURE_SSL_REDIRECT,
        "hosts": s.ALLOWED_HOSTS, "schedule": s.SCAN_SCHEDULE, "key_set": bool(s.SECRET_KEY),
        "ephemeral": s.SECRET_KEY_IS_EPHEMERAL,
    }))
"""
PORTAL_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "CELERY_BROKER_URL",
    "LOG_LEVEL",
    "SCAN_SCHEDULE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DB_CONN_MAX_AGE",
)


def load_settings(tmp_path: Path, **env: str) -> dict:
    """Import ``portal.settings`` in a fresh interpreter with exactly this portal environment."""
    clean = {k: v for k, v in os.environ.items() if k not in PORTAL_VARIABLES}
    clean.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    clean.setdefault("SECRET_KEY", "k" * 60)
    clean.update(env)
    clean = {k: v for k, v in clean.items() if v is not None}
    run = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("DATABASE_URL", "mongo://db/portal", "DATABASE_URL is not a database URL"),
        ("DATABASE_URL", "postgres://u@h:notaport/db", "DATABASE_URL is not a database URL"),
        ("SCAN_SCHEDULE", "0 3 * *", "SCAN_SCHEDULE must be a cron expression with 5 fields"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS must be a whole number"),
        ("DB_CONN_MAX_AGE", "-1", "DB_CONN_MAX_AGE must be at least 0"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of DEBUG, INFO"),
    ],
)
def test_a_bad_value_stops_start_up_with_a_clear_sentence(tmp_path, name, value, message):
    loaded = load_settings(tmp_path, **{name: value})
    assert message in loaded["error"]
    assert loaded["error"].endswith(".")


def test_a_deployment_without_a_secret_key_does_not_start(tmp_path):
    loaded = load_settings(tmp_path, SECRET_KEY=None, DEBUG="false")
    assert loaded["error"] == "SECRET_KEY must be set when DEBUG is false and DATABASE_URL is set."


def test_the_embedded_default_starts_with_no_configuration_at_all(tmp_path):
    loaded = load_settings(tmp_path, SECRET_KEY=None, DATABASE_URL=None)
    assert loaded["debug"] is False
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["eager"] is True
    assert loaded["key_set"] is True
    assert loaded["ephemeral"] is True
    assert loaded["ssl_redirect"] is True


def test_a_deployment_uses_its_database_broker_and_hosts(tmp_path):
    loaded = load_settings(
        tmp_path,
        DATABASE_URL="postgresql://portal@db.internal:5432/portal",
        CELERY_BROKER_URL="redis://cache.internal:6379/0",
        ALLOWED_HOSTS="portal.example.com, admin.example.com",
        SCAN_SCHEDULE="30  2 * * 1-5",
    )
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["eager"] is False
    assert loaded["hosts"] == ["portal.example.com", "admin.example.com"]
    assert loaded["schedule"] == "30 2 * * 1-5"
    assert loaded["ephemeral"] is False


def test_debug_turns_the_https_redirect_off_by_default(tmp_path):
    assert load_settings(tmp_path, DEBUG="true")["ssl_redirect"] is False
    assert load_settings(tmp_path, DEBUG="true", SECURE_SSL_REDIRECT="on")["ssl_redirect"] is True


def test_envbool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", " Yes ")
    assert envbool("FLAG", default=False) is True
    monkeypatch.setenv("FLAG", "0")
    assert envbool("FLAG", default=True) is False
    monkeypatch.setenv("FLAG", "")
    assert envbool("FLAG", default=True) is True


def test_envint_rejects_a_number_below_its_minimum(monkeypatch):
    monkeypatch.setenv("WORKERS", "0")
    with pytest.raises(ImproperlyConfigured, match="WORKERS must be at least 1, not 0."):
        envint("WORKERS", default=2, minimum=1)


def test_envlist_drops_blank_items(monkeypatch):
    monkeypatch.setenv("REGIONS", "eu-west-1, ,us-east-1,")
    assert envlist("REGIONS") == ["eu-west-1", "us-east-1"]
    monkeypatch.delenv("REGIONS")
    assert envlist("REGIONS", default=["eu-central-1"]) == ["eu-central-1"]


def test_envcron_rejects_six_fields(monkeypatch):
    monkeypatch.setenv("SCAN_SCHEDULE", "0 0 3 * * *")
    with pytest.raises(ImproperlyConfigured, match="5 fields"):
        envcron("SCAN_SCHEDULE", default="0 3 * * *")

"""``manage.py check --deploy`` is clean with the settings production runs with.

The environment is the Kubernetes base ConfigMap with the production overlay on top (what the
web pods get), plus the values the Secret supplies; each check runs in a fresh interpreter,
since settings are read once at import. The variants prove the check would notice a lapse.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUSTOMIZE = ROOT / "deploy" / "kubernetes"


def production_environment() -> dict[str, str]:
    env: dict[str, str] = {}
    for config in (
        KUSTOMIZE / "base" / "configmap.yaml",
        KUSTOMIZE / "overlays/production/config.yaml",
    ):
        env.update(yaml.safe_load(config.read_text())["data"])
    # What the Secret "twelve-factor-portal" holds (placeholders: nothing connects here).
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="postgresql://portal:pw@db.internal:5432/portal",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
        CACHE_URL="redis://redis.internal:6379/2",
        GITHUB_TOKEN="ghp_placeholder",
        GITHUB_WEBHOOK_SECRET="placeholder",
    )
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the OS basics from this process: none of the test run's own portal variables.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **{k: str(v) for k, v in env.items() if v is not None}},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_configuration_passes_every_deploy_check():
    run = check_deploy(production_environment())
    assert run.returncode == 0, run.stderr
    assert "System check identified no issues" in run.stdout


def test_the_production_configuration_turns_every_https_setting_on():
    env = production_environment()
    assert env["DEBUG"] == "false"
    assert env["TRUST_X_FORWARDED_PROTO"] == "true"  # TLS ends at the ingress
    # None of the HTTPS settings is switched off in the ConfigMaps: the safe defaults apply.
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        assert name not in env


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        ({"DEBUG": "true"}, "security.W018"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SESSION_COOKIE_SECURE": "false"}, "security.W012"),
        ({"CSRF_COOKIE_SECURE": "false"}, "security.W016"),
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"CACHE_URL": None}, "portal.W004"),
        ({"CELERY_BROKER_URL": None}, "portal.W003"),
    ],
)
def test_a_weakened_setting_is_reported(change, reported):
    env = {**production_environment(), **change}
    run = check_deploy(env)
    assert run.returncode != 0
    assert reported in run.stderr + run.stdout


def test_a_deployment_that_opts_into_hsts_preload_is_clean_too():
    run = check_deploy({**production_environment(), "SECURE_HSTS_PRELOAD": "true"})
    assert run.returncode == 0, run.stderr


DEMO_PROBE = """
import json
import portal.settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY", "MIDDLEWARE")}))
"""


def test_the_local_demo_keeps_plain_http_but_not_the_other_protections(tmp_path):
    """scripts/demo runs with DEBUG=true and no DATABASE_URL on http://127.0.0.1:8000."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    run = subprocess.run(
        [sys.executable, "-c", DEMO_PROBE],
        cwd=ROOT,
        env={**base, "DEBUG": "true", "SECRET_KEY": "demo-" + "k" * 50},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    demo = json.loads(run.stdout)
    assert demo["SECURE_SSL_REDIRECT"] is False
    assert demo["SESSION_COOKIE_SECURE"] is False  # a Secure cookie never comes back over http
    assert demo["CSRF_COOKIE_SECURE"] is False
    assert demo["SECURE_HSTS_SECONDS"] == 0
    assert demo["SESSION_COOKIE_HTTPONLY"] is True
    assert demo["CSRF_COOKIE_HTTPONLY"] is True
    assert "portal.headers.SecurityHeadersMiddleware" in demo["MIDDLEWARE"]


def test_a_cache_url_that_is_not_redis_stops_start_up():
    run = check_deploy({**production_environment(), "CACHE_URL": "memcached://cache:11211"})
    assert run.returncode != 0
    assert "CACHE_URL must be a redis:// or rediss:// URL, not 'memcached://cache:11211'." in (
        run.stderr
    )

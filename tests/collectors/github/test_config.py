"""GitHubConfig: complete or refused with a message that says what is missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scorecards.collectors.github import GitHubConfig

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB...\n-----END RSA PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs credentials: a token, or a GitHub App"),
        ({"app_id": "912345"}, "needs app_private_key"),
        ({"app_private_key": PEM}, "needs app_id as well"),
        ({"token": "ghp_x", "app_id": "1", "app_private_key": PEM}, "either a token or"),
        ({"app_id": "912345", "app_private_key": "/run/secrets/app.pem"}, "must be a PEM"),
        ({"app_id": "my app", "app_private_key": PEM}, "numeric id"),
        ({"token": "ghp_x", "api_url": "api.github.com"}, "must be an http(s) URL"),
        ({"token": "ghp_x", "orgs": ["acme corp"]}, "not a valid login"),
        ({"token": "ghp_x", "orgs": ["../repos"]}, "not a valid login"),
        ({"token": "ghp_x", "max_tarball_bytes": 0}, "max_tarball_bytes must be a positive"),
        ({"token": "ghp_x", "max_rate_limit_wait": -1}, "must not be negative"),
    ],
)
def test_incomplete_or_contradictory_config_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        GitHubConfig(**kwargs)


def test_defaults_and_normalisation():
    config = GitHubConfig(
        token=" ghp_abc ", orgs="acme-corp, globex,", api_url="https://ghe.example.com/api/v3/"
    )
    assert config.token == "ghp_abc" and config.auth_mode == "token"
    assert config.orgs == ["acme-corp", "globex"]
    assert config.api_url == "https://ghe.example.com/api/v3"
    assert config.include_archived is False and config.include_forks is False
    assert config.max_tarball_bytes == 200 * 1024 * 1024
    app = GitHubConfig(app_id=912345, app_private_key=PEM)
    assert app.auth_mode == "app" and app.app_id == "912345"


def test_secrets_stay_out_of_repr():
    shown = repr(GitHubConfig(token="ghp_supersecret")) + repr(
        GitHubConfig(app_id="1", app_private_key=PEM)
    )
    assert "ghp_supersecret" not in shown and "PRIVATE KEY" not in shown


def test_the_collector_imports_neither_django_nor_celery():
    code = (
        "import sys, scorecards.collectors.github as g;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'celery'));"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr

"""Single sign-on settings: off when unset, and a half-configured provider stops start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.sso import OIDC_BACKEND, PASSWORD_BACKEND, sso_settings

ROOT = Path(__file__).resolve().parents[1]
VARIABLES = (
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_ISSUER",
    "OIDC_AUTHORIZATION_ENDPOINT",
    "OIDC_TOKEN_ENDPOINT",
    "OIDC_USERINFO_ENDPOINT",
    "OIDC_JWKS_ENDPOINT",
    "OIDC_SCOPES",
    "OIDC_SIGN_ALGO",
    "OIDC_PROVIDER_NAME",
    "OIDC_GROUPS_CLAIM",
    "OIDC_ROLE_MAP",
    "OIDC_TEAM_CLAIM_PREFIX",
    "PASSWORD_LOGIN",
)
PROVIDER = {
    "OIDC_CLIENT_ID": "portal",
    "OIDC_CLIENT_SECRET": "secret",
    "OIDC_ISSUER": "https://login.example.com/realms/acme/",
}


@pytest.fixture
def env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_it_is_off_when_unset(env):
    values = sso_settings()
    assert values["OIDC_ENABLED"] is False
    assert values["PASSWORD_LOGIN"] is True
    assert values["AUTHENTICATION_BACKENDS"] == [PASSWORD_BACKEND]


def test_an_issuer_and_a_client_turn_it_on_with_the_defaults(env):
    env(**PROVIDER)
    values = sso_settings()
    assert values["OIDC_ENABLED"] is True
    assert values["OIDC_ISSUER"] == "https://login.example.com/realms/acme"
    assert values["OIDC_RP_SCOPES"] == "openid email profile"
    assert values["OIDC_GROUPS_CLAIM"] == "groups"
    assert values["OIDC_ROLE_MAP"] == {}
    assert values["OIDC_OP_TOKEN_ENDPOINT"] == ""  # discovered on first use
    assert values["AUTHENTICATION_BACKENDS"] == [OIDC_BACKEND, PASSWORD_BACKEND]


def test_password_login_can_be_turned_off(env):
    env(**PROVIDER, PASSWORD_LOGIN="false")
    assert sso_settings()["AUTHENTICATION_BACKENDS"] == [OIDC_BACKEND]


def test_the_role_map_reads_group_equals_role_pairs(env):
    env(**PROVIDER, OIDC_ROLE_MAP="platform-leads=platform lead, sre=admin,sre=platform lead")
    assert sso_settings()["OIDC_ROLE_MAP"] == {
        "platform-leads": ("platform lead",),
        "sre": ("admin", "platform lead"),
    }


def test_explicit_endpoints_replace_the_issuer(env):
    env(
        OIDC_CLIENT_ID="portal",
        OIDC_CLIENT_SECRET="secret",
        OIDC_AUTHORIZATION_ENDPOINT="https://idp/authorize",
        OIDC_TOKEN_ENDPOINT="https://idp/token",
        OIDC_USERINFO_ENDPOINT="https://idp/userinfo",
        OIDC_JWKS_ENDPOINT="https://idp/jwks",
    )
    values = sso_settings()
    assert values["OIDC_OP_AUTHORIZATION_ENDPOINT"] == "https://idp/authorize"
    assert values["OIDC_OP_JWKS_ENDPOINT"] == "https://idp/jwks"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"OIDC_ISSUER": "https://idp"}, "OIDC_CLIENT_ID must be set to turn on single sign-on"),
        ({"PASSWORD_LOGIN": "false"}, "PASSWORD_LOGIN=false needs single sign-on"),
        ({"OIDC_CLIENT_ID": "portal"}, "OIDC_CLIENT_SECRET must be set when OIDC_CLIENT_ID"),
        (
            {"OIDC_CLIENT_ID": "portal", "OIDC_CLIENT_SECRET": "s"},
            "OIDC_ISSUER (or OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT, "
            "OIDC_USERINFO_ENDPOINT, OIDC_JWKS_ENDPOINT) must be set",
        ),
        ({**PROVIDER, "OIDC_ISSUER": "login.example.com"}, "OIDC_ISSUER must be an https:// URL"),
        ({**PROVIDER, "OIDC_SCOPES": "email profile"}, "OIDC_SCOPES must include openid"),
        ({**PROVIDER, "OIDC_SIGN_ALGO": "HS256"}, "OIDC_SIGN_ALGO must be one of RS256"),
        ({**PROVIDER, "OIDC_ROLE_MAP": "sre"}, "OIDC_ROLE_MAP must be comma-separated"),
        (
            {**PROVIDER, "OIDC_ROLE_MAP": "sre=superuser"},
            "OIDC_ROLE_MAP maps 'sre' to 'superuser', which is not a role",
        ),
    ],
)
def test_a_misconfiguration_stops_start_up_with_a_clear_sentence(env, values, message):
    env(**values)
    with pytest.raises(ImproperlyConfigured) as raised:
        sso_settings()
    assert message in str(raised.value)
    assert str(raised.value).endswith(".")


def test_the_frozen_role_names_are_the_portal_roles():
    from portal.sso import ROLE_NAMES
    from scorecards.roles import ROLES

    assert ROLE_NAMES == ROLES


def test_loading_the_settings_does_not_contact_the_provider(tmp_path):
    """An issuer nobody answers for: the settings still load (discovery waits for a sign-in)."""
    probe = (
        "import json, portal.settings as s; "
        "print(json.dumps([s.OIDC_ENABLED, s.AUTHENTICATION_BACKENDS, s.OIDC_OP_TOKEN_ENDPOINT]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY="k" * 60,
        OIDC_CLIENT_ID="portal",
        OIDC_CLIENT_SECRET="secret",
        OIDC_ISSUER="https://idp.invalid",
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [True, [OIDC_BACKEND, PASSWORD_BACKEND], ""]

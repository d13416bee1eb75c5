"""Single sign-on switched on against the fake provider, for the tests of this folder."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from portal.sso import OIDC_BACKEND, PASSWORD_BACKEND
from scorecards.sso import provider
from tests.sso.fake_provider import CLIENT_ID, CLIENT_SECRET, FakeProvider


@pytest.fixture
def idp(httpserver: HTTPServer, settings) -> FakeProvider:
    fake = FakeProvider(httpserver)
    settings.OIDC_ENABLED = True
    settings.PASSWORD_LOGIN = True
    settings.AUTHENTICATION_BACKENDS = [OIDC_BACKEND, PASSWORD_BACKEND]
    settings.OIDC_ISSUER = fake.issuer
    settings.OIDC_PROVIDER_NAME = "Acme SSO"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {"platform-leads": ("platform lead",), "sre": ("admin",)}
    settings.OIDC_TEAM_CLAIM_PREFIX = "team-"
    provider.forget_discovery()
    yield fake
    provider.forget_discovery()

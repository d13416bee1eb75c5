"""The authentication backend of single sign-on: mozilla-django-oidc's, made lazy and strict.

Differences from the parent class, each for a reason:

- nothing is resolved in ``__init__``: Django builds every backend on each ``authenticate()``
  and ``get_user()``, and a password sign-in must not wait on, or fail with, the provider;
- only the callback view (which has checked ``state`` and passes the ``nonce``) can complete a
  sign-in, so a ``code`` smuggled into another request's query string is ignored;
- the id_token's audience and issuer are checked, and userinfo must be about the same ``sub``;
- an account is bound to the provider's subject (``iss`` + ``sub``) at its first sign-in and
  found by it afterwards; before that, people are matched by username (``preferred_username``,
  else ``email``), and a username bound to another subject is refused: those claims may be
  editable at the provider, the subject is not;
- a local account (one with a password, or a superuser) is never taken over by a provider's
  claims;
- every failure (bad signature, provider down) is a refused sign-in, logged, never a 500;
- a deactivated person's session ends, as with password sign-in.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from scorecards.models import SingleSignOnIdentity
from scorecards.sso import provider
from scorecards.sso.accounts import sync_account
from scorecards.sso.claims import username_from_claims

logger = logging.getLogger(__name__)


def _endpoint(setting: str) -> property:
    return property(lambda self: provider.endpoint(setting))


class PortalOIDCBackend(OIDCAuthenticationBackend):
    OIDC_OP_TOKEN_ENDPOINT = _endpoint("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _endpoint("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _endpoint("OIDC_OP_JWKS_ENDPOINT")

    def __init__(self, *args, **kwargs):
        # The parent's __init__ would read the endpoints now: see the module docstring.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not settings.OIDC_ENABLED:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (
            SuspiciousOperation,
            provider.ProviderUnavailable,
            requests.RequestException,
            jwt.PyJWTError,
            KeyError,
            ValueError,
        ) as exc:
            logger.warning("single sign-on refused: %s", exc)
            return None

    def get_user(self, user_id):
        # The parent's would keep a deactivated person's session alive; ModelBackend's doesn't.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the id_token was issued to another client")
        issuer = settings.OIDC_ISSUER
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation(f"the id_token comes from {payload.get('iss')!r}")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The id_token's claims completed by the userinfo endpoint's (groups are often only in
        one of them, depending on the provider)."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo describes another subject than the id_token")
        return {**payload, **userinfo}

    def verify_claims(self, claims):
        return bool(username_from_claims(claims))

    def describe_user_by_claims(self, claims):
        return f"username {username_from_claims(claims)}"

    def filter_users_by_claims(self, claims):
        issuer, subject = _identity(claims)
        bound = self.UserModel.objects.filter(
            sso_identity__issuer=issuer, sso_identity__subject=subject
        )
        if bound.exists():
            return bound
        username = username_from_claims(claims)
        taken = self.UserModel.objects.filter(username=username).exclude(sso_identity=None)
        if taken.exists():
            raise SuspiciousOperation(
                f"{username} belongs to another person of the provider (subject {subject!r})"
            )
        return self.UserModel.objects.filter(username=username)

    def create_user(self, claims):
        # No password: the account signs in through the provider only.
        user = self.UserModel.objects.create_user(username_from_claims(claims))
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if user.has_usable_password() or user.is_superuser:
            raise SuspiciousOperation(
                f"{user.username} is a local account: single sign-on does not take it over"
            )
        issuer, subject = _identity(claims)
        SingleSignOnIdentity.objects.get_or_create(
            user=user, defaults={"issuer": issuer, "subject": subject}
        )
        sync_account(user, claims)
        return user


def _identity(claims) -> tuple[str, str]:
    """(issuer, subject) of verified claims: the id_token carries both (OpenID Connect Core
    2); the configured issuer stands in if a provider leaves ``iss`` out of userinfo."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise SuspiciousOperation("the provider sent no subject")
    issuer = str(claims.get("iss") or settings.OIDC_ISSUER or "").rstrip("/")
    return issuer, subject

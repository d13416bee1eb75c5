"""Single sign-on settings read from the environment (OpenID Connect, docs/sso.md).

``sso_settings()`` returns the names mozilla-django-oidc reads (``OIDC_RP_*``, ``OIDC_OP_*``)
plus the portal's own (``OIDC_ROLE_MAP``...). It never touches the network: with
``OIDC_ISSUER`` the endpoints are left empty here and discovered on first use
(``scorecards.sso.provider``). A half-configured provider stops start-up with one sentence.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from portal.env import envbool, envlist, envstr

# Frozen copy of scorecards.roles.ROLES: settings must not import application code.
ROLE_NAMES = ("viewer", "team owner", "platform lead", "admin")
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
OIDC_BACKEND = "scorecards.sso.backend.PortalOIDCBackend"
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
# (portal variable, mozilla-django-oidc setting, discovery document key)
ENDPOINTS = (
    ("OIDC_AUTHORIZATION_ENDPOINT", "OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
    ("OIDC_TOKEN_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "token_endpoint"),
    ("OIDC_USERINFO_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "userinfo_endpoint"),
    ("OIDC_JWKS_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT", "jwks_uri"),
)


def parse_role_map(name: str) -> dict[str, tuple[str, ...]]:
    """``idp-group=portal role`` pairs, comma-separated; a group may be listed twice."""
    roles: dict[str, tuple[str, ...]] = {}
    for item in envlist(name):
        group, sep, role = (part.strip() for part in item.partition("="))
        if not sep or not group or not role:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated group=role pairs "
                f"(platform-leads=platform lead,sre=admin), not {item!r}."
            )
        if role not in ROLE_NAMES:
            raise ImproperlyConfigured(
                f"{name} maps {group!r} to {role!r}, which is not a role "
                f"(one of {', '.join(ROLE_NAMES)})."
            )
        if role not in roles.get(group, ()):
            roles[group] = (*roles.get(group, ()), role)
    return roles


def sso_settings() -> dict[str, Any]:
    """Every single sign-on setting, checked; ``OIDC_ENABLED`` is false when unconfigured."""
    client_id = envstr("OIDC_CLIENT_ID")
    issuer = envstr("OIDC_ISSUER").rstrip("/")
    endpoints = {setting: envstr(variable) for variable, setting, _key in ENDPOINTS}
    password_login = envbool("PASSWORD_LOGIN", default=True)
    values: dict[str, Any] = {
        "OIDC_ENABLED": bool(client_id),
        "OIDC_ISSUER": issuer,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": envstr("OIDC_CLIENT_SECRET"),
        "OIDC_RP_SCOPES": " ".join(envstr("OIDC_SCOPES", default="openid email profile").split()),
        "OIDC_RP_SIGN_ALGO": envstr("OIDC_SIGN_ALGO", default="RS256"),
        "OIDC_PROVIDER_NAME": envstr("OIDC_PROVIDER_NAME", default="single sign-on"),
        "OIDC_GROUPS_CLAIM": envstr("OIDC_GROUPS_CLAIM", default="groups"),
        "OIDC_ROLE_MAP": parse_role_map("OIDC_ROLE_MAP"),
        "OIDC_TEAM_CLAIM_PREFIX": envstr("OIDC_TEAM_CLAIM_PREFIX"),
        "PASSWORD_LOGIN": password_login,
        **endpoints,
    }
    if not client_id:
        stray = [v for v in ("OIDC_ISSUER", "OIDC_CLIENT_SECRET") if envstr(v)]
        stray += [variable for variable, _s, _k in ENDPOINTS if envstr(variable)]
        if stray:
            raise ImproperlyConfigured(
                f"OIDC_CLIENT_ID must be set to turn on single sign-on ({stray[0]} is set)."
            )
        if not password_login:
            raise ImproperlyConfigured(
                "PASSWORD_LOGIN=false needs single sign-on (OIDC_CLIENT_ID and OIDC_ISSUER), "
                "or nobody could sign in."
            )
        values["AUTHENTICATION_BACKENDS"] = [PASSWORD_BACKEND]
        return values

    if not values["OIDC_RP_CLIENT_SECRET"]:
        raise ImproperlyConfigured("OIDC_CLIENT_SECRET must be set when OIDC_CLIENT_ID is set.")
    if issuer and not issuer.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"OIDC_ISSUER must be an https:// URL, not {issuer!r}.")
    if not issuer:
        missing = [variable for variable, setting, _key in ENDPOINTS if not endpoints[setting]]
        if missing:
            raise ImproperlyConfigured(
                f"OIDC_ISSUER (or {', '.join(missing)}) must be set when OIDC_CLIENT_ID is set."
            )
    if "openid" not in values["OIDC_RP_SCOPES"].split():
        raise ImproperlyConfigured(
            f"OIDC_SCOPES must include openid, not {values['OIDC_RP_SCOPES']!r}."
        )
    # Public-key signatures only: the keys come from the provider's JWKS, never the secret.
    if values["OIDC_RP_SIGN_ALGO"] not in SIGNING_ALGORITHMS:
        raise ImproperlyConfigured(
            f"OIDC_SIGN_ALGO must be one of {', '.join(SIGNING_ALGORITHMS)}, "
            f"not {values['OIDC_RP_SIGN_ALGO']!r}."
        )
    # The OIDC backend inherits ModelBackend's permission checks, so without password login
    # it is the only backend and a password can no longer authenticate anyone.
    values["AUTHENTICATION_BACKENDS"] = (
        [OIDC_BACKEND, PASSWORD_BACKEND] if password_login else [OIDC_BACKEND]
    )
    return values

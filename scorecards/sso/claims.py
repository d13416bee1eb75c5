"""What an OpenID provider's claims say about a person: their username, roles and teams.

Pure functions of the claims and the settings' values, so the rules read (and test) alone;
``scorecards.sso.accounts`` applies them to the database.
"""

from __future__ import annotations

from collections.abc import Mapping

from scorecards.roles import VIEWER

USERNAME_MAX_LENGTH = 150


def username_from_claims(claims: Mapping) -> str:
    """``preferred_username``, else ``email``; "" when the provider sent neither."""
    for name in ("preferred_username", "email"):
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:USERNAME_MAX_LENGTH]
    return ""


def groups_from_claims(claims: Mapping, groups_claim: str) -> set[str]:
    """The provider's group names: a list of strings, or one string for a single group."""
    value = claims.get(groups_claim)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return set()
    return {group.strip() for group in value if isinstance(group, str) and group.strip()}


def roles_from_groups(groups: set[str], role_map: Mapping[str, tuple[str, ...]]) -> set[str]:
    """The portal roles the map grants for these groups; a person it grants none is a viewer."""
    roles = {role for group in groups for role in role_map.get(group, ())}
    return roles or {VIEWER}


def team_slugs_from_groups(groups: set[str], prefix: str) -> set[str]:
    """``team-payments`` with prefix ``team-`` is the team ``payments``; no prefix, no teams."""
    if not prefix:
        return set()
    return {group.removeprefix(prefix) for group in groups if group.startswith(prefix)} - {""}

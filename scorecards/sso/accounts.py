"""Apply a single sign-on's claims to the portal account: profile, role groups, teams, staff.

Run on every sign-in, so the provider stays the source of truth: a role or team removed there
is removed here at the next sign-in. Roles come only through ``OIDC_ROLE_MAP``; superuser is
never granted (local accounts, superusers included, are never touched by single sign-on).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from scorecards.models import Team
from scorecards.roles import ADMIN, PLATFORM_LEAD, ROLES
from scorecards.sso.claims import groups_from_claims, roles_from_groups, team_slugs_from_groups

logger = logging.getLogger(__name__)
# Roles that manage teams in the Django admin (permissions: migration 0004).
STAFF_ROLES = {PLATFORM_LEAD, ADMIN}
PROFILE_CLAIMS = (("email", "email"), ("first_name", "given_name"), ("last_name", "family_name"))


@transaction.atomic
def sync_account(user, claims: Mapping) -> None:
    """Make ``user``'s profile, role groups, staff flag and teams match ``claims``."""
    groups = groups_from_claims(claims, settings.OIDC_GROUPS_CLAIM)
    roles = roles_from_groups(groups, settings.OIDC_ROLE_MAP)

    for field, claim in PROFILE_CLAIMS:
        value = claims.get(claim)
        if isinstance(value, str):
            setattr(user, field, value[: user._meta.get_field(field).max_length])
    user.is_staff = bool(roles & STAFF_ROLES)
    user.save()

    current = set(user.groups.filter(name__in=ROLES))
    wanted = {Group.objects.get_or_create(name=role)[0] for role in roles}
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))

    prefix = settings.OIDC_TEAM_CLAIM_PREFIX
    if prefix:
        slugs = team_slugs_from_groups(groups, prefix)
        teams = list(Team.objects.filter(slug__in=slugs))
        unknown = slugs - {team.slug for team in teams}
        if unknown:
            logger.info(
                "single sign-on: %s claims unknown teams %s", user.username, sorted(unknown)
            )
        user.teams.set(teams)

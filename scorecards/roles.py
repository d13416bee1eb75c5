"""Who may do what in the portal: roles are Django groups, permissions are these predicates.

- no role: nothing; every page answers "your account has no role" (``scorecards/no_role.py``);
- viewer: reads every page;
- team owner: may rescan and request waivers for the services of the teams they belong to
  (``Team.members``);
- platform lead: everything a team owner may do, for every service, and decides waivers;
- admin (or a superuser): everything.

Nobody decides a waiver they requested: the point of a second pair of eyes is that it is
someone else's. The groups are created by migration ``scorecards/0002_waiver_workflow``
(and kept by ``scorecards/role_groups.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from scorecards.models import Service, Waiver

    User = AbstractBaseUser | AnonymousUser

VIEWER = "viewer"
TEAM_OWNER = "team owner"
PLATFORM_LEAD = "platform lead"
ADMIN = "admin"
ROLES = (VIEWER, TEAM_OWNER, PLATFORM_LEAD, ADMIN)


def _groups(user: User) -> set[str]:
    """The user's role names, read once per request (a page asks several questions)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._portal_roles = cached
    return cached


def has_role(user: User) -> bool:
    """Signed in and given at least one role (a superuser always has one): the portal shows
    nothing to an account nobody decided what it may see."""
    return user.is_authenticated and (user.is_superuser or bool(_groups(user) & set(ROLES)))


def is_admin(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or ADMIN in _groups(user))


def is_platform_lead(user: User) -> bool:
    return is_admin(user) or PLATFORM_LEAD in _groups(user)


def _team_ids(user: User) -> set[int]:
    cached = getattr(user, "_portal_team_ids", None)
    if cached is None:
        cached = set(user.teams.values_list("pk", flat=True))
        user._portal_team_ids = cached
    return cached


def owns_service(user: User, service: Service) -> bool:
    """A team owner who is a member of the service's team."""
    if service.team_id is None or TEAM_OWNER not in _groups(user):
        return False
    return service.team_id in _team_ids(user)


def can_rescan(user: User, service: Service) -> bool:
    return is_platform_lead(user) or owns_service(user, service)


def can_request_waiver(user: User, service: Service) -> bool:
    return is_platform_lead(user) or owns_service(user, service)


def can_decide_waiver(user: User, waiver: Waiver) -> bool:
    """Approve or deny: a platform lead (or admin) who did not request it."""
    return (
        is_platform_lead(user)
        and waiver.state == waiver.State.REQUESTED
        and waiver.created_by_id != user.pk
    )

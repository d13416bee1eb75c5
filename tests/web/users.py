"""People with roles, for the page tests: a user in role groups and, optionally, team members."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from scorecards.models import Team


def make_person(username: str, *roles: str, teams: tuple[Team, ...] = ()):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-only")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    for team in teams:
        team.members.add(user)
    return user

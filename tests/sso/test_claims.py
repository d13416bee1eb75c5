"""Claims to username, roles and teams: the rules alone, without a provider or a database."""

from __future__ import annotations

from scorecards.sso.claims import (
    groups_from_claims,
    roles_from_groups,
    team_slugs_from_groups,
    username_from_claims,
)

ROLE_MAP = {"platform-leads": ("platform lead",), "sre": ("admin", "platform lead")}


def test_the_username_is_the_preferred_username_else_the_email():
    assert username_from_claims({"preferred_username": " alice ", "email": "a@x"}) == "alice"
    assert username_from_claims({"preferred_username": "", "email": "a@example.com"}) == (
        "a@example.com"
    )
    assert username_from_claims({"sub": "123"}) == ""


def test_groups_may_be_a_list_or_a_single_string():
    assert groups_from_claims({"groups": ["a", " b ", "", 3]}, "groups") == {"a", "b"}
    assert groups_from_claims({"roles": "sre"}, "roles") == {"sre"}
    assert groups_from_claims({"groups": {"not": "a list"}}, "groups") == set()


def test_roles_come_only_from_the_map_and_default_to_viewer():
    assert roles_from_groups({"sre", "everyone"}, ROLE_MAP) == {"admin", "platform lead"}
    assert roles_from_groups({"everyone", "admin"}, ROLE_MAP) == {"viewer"}


def test_teams_are_the_groups_with_the_prefix():
    groups = {"team-payments", "team-", "payments-team", "sre"}
    assert team_slugs_from_groups(groups, "team-") == {"payments"}
    assert team_slugs_from_groups(groups, "") == set()

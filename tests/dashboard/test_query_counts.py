"""Each dashboard page costs the same few queries for 10 or 40 services with history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scorecards import roles
from scorecards.checks.registry import catalogue
from scorecards.models import Waiver
from tests.factories import make_service, make_team, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db
CHECK_IDS = sorted(catalogue())
# Session and user lookups of the login, the user's roles (no role, no page: one query, read
# once per request), plus the dashboard's own queries (see the views).
ORG_PAGE_MAX = 15
TEAM_PAGE_MAX = 11


def build_org(numbers: range, scans: int = 5) -> None:
    """Services ``svc-<n>`` in 4 teams, each with ``scans`` scorecards 3 days apart and a waiver."""
    now = timezone.now()
    teams = [make_team(f"team-{i}") for i in range(4)]
    for n in numbers:
        service = make_service(f"svc-{n:03}", teams[n % 4])
        for scan in range(scans):
            failing = {CHECK_IDS[(n + scan + k) % len(CHECK_IDS)]: "fail" for k in range(n % 5)}
            record_scorecard(service, failing, when=now - timedelta(days=3 * (scans - scan)))
        Waiver.objects.create(
            service=service, check_id=CHECK_IDS[n % 7], reason="r", expires=now.date()
        )


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def signed_in(client):
    client.force_login(make_person("lead", roles.PLATFORM_LEAD))
    return client


PAGES = [
    ("/dashboard/", ORG_PAGE_MAX),
    ("/dashboard/teams/team-1/", TEAM_PAGE_MAX),
    ("/dashboard/export/teams.csv", 7),
    ("/dashboard/export/regressions.csv", 8),
    ("/dashboard/export/waivers.csv", 6),
]


def test_page_queries_are_bounded_with_40_services_of_5_scans(
    signed_in, django_assert_max_num_queries
):
    build_org(range(40))
    for path, limit in PAGES:
        with django_assert_max_num_queries(limit, info=path):
            response = signed_in.get(path)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)


def test_page_queries_do_not_grow_with_services(signed_in):
    build_org(range(10))
    with_ten = {path: queries_for(signed_in, path) for path, _ in PAGES}
    build_org(range(10, 40))
    with_forty = {path: queries_for(signed_in, path) for path, _ in PAGES}
    assert with_forty == with_ten
    print("queries per page:", with_forty)

"""The bundled demo organisation, loaded twice through ``manage.py load_demo``.

It goes through the real pipeline (offline AWS and Kubernetes exports, local repositories,
discovery, checks, scoring), so these tests are about the data the pages will show.
"""

from __future__ import annotations

from collections import defaultdict
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from scorecards.checks.registry import catalogue
from scorecards.demo import forget_everything
from scorecards.models import CheckResult, Scan, Scorecard, Service, Team

# Checks whose rules have no failing outcome at all (see their `decides` in the catalogue):
# a demo cannot show what the portal never reports.
NEVER_FAIL = {
    # Failing needs live workloads tracing to no repository; the rule leaves that unknown.
    "codebase.vcs",
    # Several undeclared app roots only warn; the repository alone never fails it.
    "codebase.one-repo-per-app",
    # Declared processes pass; nothing declared is unknown (the deployment may live elsewhere).
    "concurrency.process-types",
}
# Passing `deps.runtime-supported` needs a Lambda runtime AWS still supports on the scan date:
# invoice-generator's python3.12 (until 2028) is the one; nodejs20.x is deprecated in 2026.


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded twice (the second run must change nothing), cleaned up afterwards."""
    credentials = tmp_path_factory.mktemp("demo") / "demo-credentials"
    outputs = []
    with (
        override_settings(
            DEMO_ORGANISATION=str(settings.BASE_DIR / "demo"),
            DEMO_CREDENTIALS_FILE=str(credentials),
            LOCAL_REPOSITORIES=[],
            GITHUB_ORGS=[],
            AWS_REGIONS=[],
            AWS_OFFLINE_DIR="",
            KUBECONFIG="",
            KUBE_CONTEXTS=[],
            KUBE_OFFLINE_DIR="",
        ),
        django_db_blocker.unblock(),
    ):
        for _ in range(2):
            out = StringIO()
            call_command("load_demo", stdout=out)
            outputs.append(out.getvalue())
        yield {"outputs": outputs, "credentials": credentials}
        forget_everything()
        get_user_model().objects.filter(username="demo").delete()


def latest_statuses() -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for check_id, status, service in CheckResult.objects.filter(
        scorecard__is_latest=True
    ).values_list("check_id", "status", "scorecard__service__slug"):
        found[check_id][status].add(service)
    return found


def test_it_loads_at_least_fifteen_services_in_four_teams(demo, db):
    services = Service.objects.filter(retired=False)
    assert services.count() >= 15
    assert Team.objects.count() == 4
    assert not services.filter(team=None).exists()


def test_it_covers_every_kind_of_service(demo, db):
    kinds = {kind for service in Service.objects.all() for kind in service.kinds}
    assert {"container", "serverless", "paas"} <= kinds
    assert Service.objects.exclude(aws_resources=[]).count() >= 5  # Lambda, ECS, API Gateway
    assert Service.objects.exclude(k8s_workloads=[]).count() >= 6


def test_a_second_run_adds_no_scan_service_or_history(demo, db):
    assert "already loaded" in demo["outputs"][1]
    assert Scan.objects.count() == 4
    assert Scorecard.objects.filter(is_latest=True).count() == Service.objects.count()


def test_it_prints_the_same_generated_credentials_twice(demo, db):
    first, second = (o.splitlines()[-2] for o in demo["outputs"])
    assert first == second and first.startswith("Demo account: demo / ")
    password = first.rsplit(" ", 1)[1]
    assert demo["credentials"].read_text().splitlines() == ["demo", password]
    assert oct(demo["credentials"].stat().st_mode & 0o777) == "0o600"


def test_history_has_at_least_three_scans_per_service_with_dates_in_the_past(demo, db):
    scans = list(Scan.objects.order_by("created_at"))
    assert [s.state for s in scans] == ["succeeded"] * 4
    assert len({s.created_at.date() for s in scans}) == 4
    inventory = Service.objects.get(slug="inventory-api")
    assert inventory.scorecards.count() == 4
    assert inventory.first_seen_at == scans[0].created_at
    # status-page joined three weeks ago: two scans only.
    assert Service.objects.get(slug="status-page").scorecards.count() == 2


def test_it_shows_improvements_and_regressions(demo, db):
    def scores(slug: str) -> list[float]:
        return list(
            Scorecard.objects.filter(service__slug=slug)
            .order_by("created_at")
            .values_list("score", flat=True)
        )

    checkout, tracker, worker = (
        scores(s) for s in ("checkout-web", "shipping-tracker", "reporting-worker")
    )
    assert checkout[0] < checkout[-1]  # gained HPA, probes, commit-tagged images
    assert tracker[-2] > tracker[-1]  # back to :latest since the last scan
    assert worker[-2] > worker[-1]  # lost its lock file


def test_every_check_has_a_passing_and_a_failing_service(demo, db):
    statuses = latest_statuses()
    missing = {}
    for check_id in catalogue():
        found = statuses.get(check_id, {})
        needed = {"pass"} if check_id in NEVER_FAIL else {"pass", "fail"}
        if not needed <= set(found):
            missing[check_id] = {k: sorted(v) for k, v in found.items()}
    assert missing == {}
    assert len(catalogue()) == 44


def test_checks_that_never_fail_still_show_their_other_outcomes(demo, db):
    statuses = latest_statuses()
    # Catalogue 2026.12, decision 9: migrations in the web start command fail (they warned).
    assert "fail" in statuses["admin.one-off"]
    assert "unknown" in statuses["codebase.vcs"]


def test_it_refuses_to_run_when_a_real_source_is_configured(db, settings):
    settings.GITHUB_ORGS = ["acme"]
    with pytest.raises(CommandError, match="real source"):
        call_command("load_demo", stdout=StringIO())


def test_services_with_little_data_show_their_coverage_and_no_gold(demo, db):
    cards = Scorecard.objects.filter(is_latest=True).select_related("service")
    assert all(card.coverage is not None for card in cards if card.score is not None)
    # `logging` scored 100 / Gold with 34 of its 44 checks unknown before levels needed coverage.
    logging = next(card for card in cards if card.service.slug == "logging")
    assert logging.coverage < 50
    assert logging.level != "Gold"
    for card in cards:
        if card.level == "Gold":
            assert card.level_coverage >= 90, card.service.slug
        if card.score is None:
            assert card.level == "None", card.service.slug

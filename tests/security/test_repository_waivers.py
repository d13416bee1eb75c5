"""Waivers in the repository (issue 13, item 5): a `.twelve-factor.yml` waiving every failing
check "until 9999-12-31" turned Bronze into Gold. Repository waivers obey the portal's 365-day
limit; in the portal they are requests that count only once a platform lead approves them; in
``score_repo`` (nobody to approve) they count, labelled as the repository's own."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from scorecards import scanning
from scorecards.models import Scan, Service, Waiver
from scorecards.reports.sarif import render_sarif
from scorecards.reports.text import render_text
from scorecards.roles import PLATFORM_LEAD
from scorecards.waivers import MAX_WAIVER_DAYS, parse_waivers
from scorecards.webhooks.pull_requests import portal_waivers
from tests.factories import make_service
from tests.web.users import make_person

TODAY = date.today()  # the portal's views judge expiry against the real date
LEGACY = Path(__file__).resolve().parents[2] / "examples" / "legacy-shop"
KNOWN = {"logs.structured", "deps.lockfile"}


def _config(expires, *checks: str) -> dict:
    return {"waivers": [{"check": c, "reason": "later", "expires": expires} for c in checks]}


def test_a_repository_waiver_lasts_at_most_as_long_as_a_portal_one():
    last_day = TODAY + timedelta(days=MAX_WAIVER_DAYS)
    for expires, applies in (("9999-12-31", False), (last_day + timedelta(days=1), False),
                             (last_day, True)):  # fmt: skip
        waivers, problems = parse_waivers(
            _config(expires, "logs.structured"), ".twelve-factor.yml", KNOWN, TODAY
        )
        assert bool(waivers) is applies, expires
        assert bool(problems) is not applies
    _, problems = parse_waivers(_config("9999-12-31", "deps.lockfile"), "f", KNOWN, TODAY)
    assert "expires 9999-12-31, but a waiver lasts at most 365 days" in problems[0]


def _failing_checks() -> list[str]:
    report = scanning.score_directory(LEGACY, today=TODAY)
    return sorted(r.id for r in report.results if str(r.status) in ("fail", "warn"))


def _waiving_repo(tmp_path: Path, expires) -> Path:
    repo = tmp_path / "legacy-shop"
    shutil.copytree(LEGACY, repo)
    body = _config(str(expires), *_failing_checks())
    (repo / ".twelve-factor.yml").write_text(yaml.safe_dump(body))
    return repo


# --- score_repo ---------------------------------------------------------------------------


def test_score_repo_applies_them_labelled_as_the_repositorys_own(tmp_path):
    plain = scanning.score_directory(LEGACY, today=TODAY)
    repo = _waiving_repo(tmp_path, TODAY + timedelta(days=30))
    report = scanning.score_directory(repo, today=TODAY)
    waived = [r for r in report.results if str(r.status) == "waived"]
    assert waived and report.score.score > plain.score.score
    assert {r.waiver["origin"] for r in waived} == {"repository"}
    assert "by the repository's .twelve-factor.yml (not approved)" in render_text(report)
    [suppression] = next(
        r for r in render_sarif(report)["runs"][0]["results"] if r["ruleId"] == waived[0].id
    )["suppressions"]
    assert (suppression["kind"], suppression["status"]) == ("inSource", "underReview")

    unwaived = scanning.score_directory(repo, today=TODAY, apply_repository_waivers=False)
    assert unwaived.score.score == plain.score.score


def test_score_repo_ignores_a_waiver_for_ever(tmp_path):
    plain = scanning.score_directory(LEGACY, today=TODAY)
    report = scanning.score_directory(_waiving_repo(tmp_path, "9999-12-31"), today=TODAY)
    assert (report.score.score, report.score.level) == (plain.score.score, plain.score.level)
    assert len(report.waiver_problems) == len(_failing_checks())


def test_the_cli_flag_turns_them_off(tmp_path, capsys):
    from django.core.management import call_command

    repo = _waiving_repo(tmp_path, TODAY + timedelta(days=30))
    call_command("score_repo", str(repo), "--format", "json", "--no-repository-waivers")
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert not [c for c in checks if c["status"] == "waived"]


# --- the portal ---------------------------------------------------------------------------


@pytest.fixture
def portal(settings, tmp_path):
    settings.GITHUB_ORGS = []
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.DEMO_ORGANISATION = ""
    repo = _waiving_repo(tmp_path, TODAY + timedelta(days=90))
    settings.LOCAL_REPOSITORIES = [str(repo)]
    return repo


def _scan() -> Service:
    scan, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    scanning.run_scan(scan.pk, today=TODAY)
    return Service.objects.get(slug="legacy-shop")


@pytest.mark.django_db
def test_in_the_portal_they_are_requests_until_a_platform_lead_approves(portal, client):
    plain = scanning.score_directory(LEGACY, today=TODAY).score
    service = _scan()
    card = service.latest_scorecard
    assert (card.score, card.level) == (plain.score, plain.level)
    assert not card.results.filter(status="waived").exists()
    requested = Waiver.objects.filter(service=service)
    assert sorted(requested.values_list("check_id", flat=True)) == _failing_checks()
    assert set(requested.values_list("state", "origin", "declared_in")) == {
        ("requested", "repository", "legacy-shop/.twelve-factor.yml")
    }
    _scan()  # asked once, not once per scan
    assert requested.count() == len(_failing_checks())

    lead = make_person("lena", PLATFORM_LEAD)
    client.force_login(lead)
    page = client.get(f"/services/{service.slug}/").content.decode()
    assert "requested by repository" in page
    first = requested.order_by("check_id").first()
    response = client.post(
        f"/services/{service.slug}/waivers/{first.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 302
    others = requested.exclude(pk=first.pk)
    for waiver in others:
        client.post(f"/services/{service.slug}/waivers/{waiver.pk}/decide/", {"decision": "deny"})

    card = _scan().latest_scorecard
    waived = list(card.results.filter(status="waived"))
    assert [r.check_id for r in waived] == [first.check_id]
    assert waived[0].waiver["origin"] == "portal"
    assert "approved by lena" in waived[0].waiver["locator"]
    # Denied as declared: not asked again.
    assert not requested.filter(state="requested").exists()


@pytest.mark.django_db
def test_pull_request_evaluations_count_approved_waivers_only():
    service = make_service("orders", repository="acme-corp/orders")
    for state in ("requested", "denied", "approved"):
        Waiver.objects.create(
            service=service,
            check_id=f"check.{state}",
            reason="r",
            expires=TODAY + timedelta(days=10),
            state=state,
        )
    assert [w.check for w in portal_waivers(service, TODAY)] == ["check.approved"]

"""Service squatting (issue 13, item 3): a repository naming a service it does not own.

A repository's ``catalog-info.yaml`` is written by whoever can create a repository. It may
not re-point a service built from another repository, hide look-alike names behind bidi or
zero-width characters, or add teams to the portal unless the operator allows it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards import scanning
from scorecards.discovery import RepoEntry, clean_text, resolve_services, slugify
from scorecards.models import Scan, Service, ServiceClaimConflict, Team
from tests.web.users import make_person

TODAY = date(2026, 11, 25)
CATALOG = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: "{name}"
spec:
  type: service
  owner: "{owner}"
  lifecycle: production
"""


def _catalog_facts(name: str, owner: str) -> dict:
    return {
        "documents": [
            {
                "path": "catalog-info.yaml",
                "category": "catalog",
                "docs": [
                    {
                        "data": {
                            "kind": "Component",
                            "metadata": {"name": name},
                            "spec": {"owner": owner},
                        }
                    }
                ],
            }
        ]
    }


# --- the resolver ---------------------------------------------------------------------------


def test_a_claim_on_a_service_bound_to_another_repository_is_refused_and_reported():
    conflicts = []
    specs = resolve_services(
        [
            RepoEntry("acme/attacker", _catalog_facts("victim-svc", "group:default/evil")),
            RepoEntry("acme/victim-svc", {}),
        ],
        bound={"victim-svc": "acme/victim-svc"},
        conflicts=conflicts,
    )
    assert [(s.slug, s.repository, s.team) for s in specs] == [
        ("victim-svc", "acme/victim-svc", None)
    ]
    assert [(c.slug, c.repository, c.declared_in, c.bound_repository) for c in conflicts] == [
        ("victim-svc", "acme/attacker", "catalog-info.yaml", "acme/victim-svc")
    ]


def test_two_repositories_naming_one_new_service_in_one_run_do_not_share_it():
    conflicts = []
    specs = resolve_services(
        [
            RepoEntry("acme/first", _catalog_facts("orders", "team-a")),
            RepoEntry("acme/second", _catalog_facts("orders", "team-b")),
        ],
        conflicts=conflicts,
    )
    assert [(s.repository, s.team) for s in specs] == [("acme/first", "team-a")]
    assert [c.repository for c in conflicts] == ["acme/second"]


def test_a_bound_service_keeps_reading_its_own_repository_whatever_the_order():
    specs = resolve_services(
        [
            RepoEntry("acme/victim-svc", {}),
            RepoEntry("acme/aaa", _catalog_facts("victim-svc", "x")),
        ],
        bound={"victim-svc": "acme/victim-svc"},
    )
    assert [s.repository for s in specs] == ["acme/victim-svc"]


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("payments-api\u202e\u200b", "payments-api"),
        ("plat\u202eform", "platform"),
        ("\u200bvictim\u2066-svc\u2069\ufeff", "victim-svc"),
        ("ｖｉｃｔｉｍ-svc", "victim-svc"),  # fullwidth look-alike
        ("orders\x00\x1b[31m", "orders[31m"),
        ("line\nbreak\ttab", "line break tab"),
    ],
)
def test_invisible_and_look_alike_characters_never_reach_names_or_slugs(raw, clean):
    assert clean_text(raw) == clean
    assert slugify(raw) == slugify(clean)
    [spec] = resolve_services([RepoEntry("acme/repo", _catalog_facts(raw, raw))])
    assert spec.name == clean
    assert spec.team == clean


# --- scans ----------------------------------------------------------------------------------


def _repo(root: Path, folder: str, name: str | None = None, owner: str = "logistics") -> str:
    repo = root / folder
    repo.mkdir()
    (repo / "Dockerfile").write_text('FROM python:3.12-slim\nCMD ["python", "-m", "app"]\n')
    if name is not None:
        (repo / "catalog-info.yaml").write_text(CATALOG.format(name=name, owner=owner))
    return str(repo)


@pytest.fixture
def local_only(settings):
    settings.GITHUB_ORGS = []
    settings.GITHUB_TOKEN = ""
    settings.AWS_REGIONS = []
    settings.KUBECONFIG = ""
    settings.KUBE_CONTEXTS = []
    settings.DEMO_ORGANISATION = ""
    settings.DISCOVERY_CREATE_TEAMS = False
    return settings


def _scan() -> Scan:
    scan, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    return scanning.run_scan(scan.pk, today=TODAY)


@pytest.mark.django_db
def test_a_second_repository_cannot_take_over_a_scanned_service(tmp_path, local_only, client):
    logistics = Team.objects.create(slug="logistics", name="Logistics")
    victim = _repo(tmp_path, "victim-svc", "victim-svc", owner="logistics")
    local_only.LOCAL_REPOSITORIES = [victim]
    assert _scan().state == Scan.State.SUCCEEDED
    service = Service.objects.get(slug="victim-svc")
    assert (service.repository, service.team) == ("victim-svc", logistics)

    attacker = _repo(tmp_path, "aaa-attacker", "victim-svc\u200b", owner="evil")
    # Listed first, so it would be the first claimant of the run.
    local_only.LOCAL_REPOSITORIES = [attacker, victim]
    for _ in range(2):
        scan = _scan()
        assert scan.state == Scan.State.SUCCEEDED
        service.refresh_from_db()
        assert (service.repository, service.team) == ("victim-svc", logistics)
        assert service.latest_scorecard.scan_id == scan.pk
    assert not Team.objects.filter(slug="evil").exists()
    # Reported once, seen by both scans, for a platform lead to decide.
    conflict = ServiceClaimConflict.objects.get()
    assert (conflict.service, conflict.repository, conflict.bound_repository, conflict.state) == (
        service,
        "aaa-attacker",
        "victim-svc",
        "open",
    )
    assert conflict.last_scan_id == scan.pk
    assert "aaa-attacker claims victim-svc" in scan.progress["discovery"]["conflicts"][0]

    client.force_login(make_person("viewer", "viewer"))
    page = client.get(f"/services/{service.slug}/").content.decode()
    assert "aaa-attacker" in page and "refused" in page


@pytest.mark.django_db
def test_a_retired_service_is_not_free_for_another_repository(tmp_path, local_only):
    victim = _repo(tmp_path, "victim-svc", "victim-svc")
    local_only.LOCAL_REPOSITORIES = [victim]
    _scan()
    attacker = _repo(tmp_path, "attacker", "victim-svc")
    local_only.LOCAL_REPOSITORIES = [attacker]  # the victim's repository went away
    _scan()
    service = Service.objects.get(slug="victim-svc")
    assert service.repository == "victim-svc"
    assert service.retired
    assert ServiceClaimConflict.objects.filter(service=service, repository="attacker").exists()


@pytest.mark.django_db
def test_a_dismissed_claim_is_not_reported_again(tmp_path, local_only):
    victim = _repo(tmp_path, "victim-svc", "victim-svc")
    local_only.LOCAL_REPOSITORIES = [victim]
    _scan()
    local_only.LOCAL_REPOSITORIES = [victim, _repo(tmp_path, "attacker", "victim-svc")]
    _scan()
    ServiceClaimConflict.objects.update(state=ServiceClaimConflict.State.DISMISSED)
    _scan()
    assert list(ServiceClaimConflict.objects.values_list("state", flat=True)) == ["dismissed"]


@pytest.mark.django_db
def test_repositories_create_no_teams_unless_configured(tmp_path, local_only):
    Team.objects.create(slug="platform", name="Platform")
    local_only.LOCAL_REPOSITORIES = [
        _repo(tmp_path, "a", "payments-api\u202e\u200b", owner="plat\u202eform"),
        _repo(tmp_path, "b", "orders", owner="group:default/brand-new-team"),
    ]
    _scan()
    payments = Service.objects.get(slug="payments-api")
    assert payments.name == "payments-api"
    assert payments.team.slug == "platform"  # the invisible character made no second team
    orders = Service.objects.get(slug="orders")
    assert orders.team is None
    assert "no team of the portal" in orders.discovered_from["team"]
    assert list(Team.objects.values_list("slug", flat=True)) == ["platform"]

    local_only.DISCOVERY_CREATE_TEAMS = True
    _scan()
    assert Service.objects.get(slug="orders").team.name == "brand-new-team"


@pytest.mark.django_db
def test_the_embedded_demo_still_creates_its_teams(local_only):
    local_only.LOCAL_REPOSITORIES = []
    local_only.DEMO_ORGANISATION = str(Path(__file__).resolve().parents[2] / "demo")
    assert scanning.may_create_teams()
    local_only.LOCAL_REPOSITORIES = ["/somewhere"]
    assert not scanning.may_create_teams()


@pytest.mark.django_db
def test_a_platform_lead_transfers_a_contested_service_in_the_admin(tmp_path, local_only, client):
    from scorecards.roles import PLATFORM_LEAD, VIEWER

    victim = _repo(tmp_path, "victim-svc", "victim-svc")
    local_only.LOCAL_REPOSITORIES = [victim]
    _scan()
    moved = tmp_path / "new-home"
    moved.mkdir()
    (moved / "svc").mkdir()
    (moved / "svc" / "catalog-info.yaml").write_text(CATALOG.format(name="victim-svc", owner="x"))
    local_only.LOCAL_REPOSITORIES = [victim, str(moved)]
    _scan()
    conflict = ServiceClaimConflict.objects.get()
    listing = "/admin/scorecards/serviceclaimconflict/"

    viewer = make_person("vera", VIEWER)
    viewer.is_staff = True
    viewer.save()
    client.force_login(viewer)
    assert client.get(listing).status_code == 403

    lead = make_person("lena", PLATFORM_LEAD)
    lead.is_staff = True
    lead.save()
    client.force_login(lead)
    assert "new-home" in client.get(listing).content.decode()
    response = client.post(listing, {"action": "transfer", "_selected_action": [conflict.pk]})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert (conflict.state, conflict.decided_by) == ("transferred", lead)
    service = Service.objects.get(slug="victim-svc")
    assert (service.repository, service.repository_path) == ("new-home", "svc")

    # From now on the old repository's claim is the one refused.
    _scan()
    service.refresh_from_db()
    assert service.repository == "new-home"
    assert ServiceClaimConflict.objects.get(state="open").repository == "victim-svc"


def test_team_names_from_tags_and_labels_are_cleaned_too():
    lambda_ = {
        "type": "lambda.function",
        "arn": "arn:aws:lambda:eu-west-1:1:function:f",
        "name": "f",
        "tags": {"service": "billing\u200b", "team": "plat\u202eform"},
    }
    labels = {"app": "web\u2066", "team": "\ufeffretail"}
    deployment = {
        "cluster": "c",
        "namespace": "n",
        "kind": "Deployment",
        "name": "web",
        "locator": "c/n/Deployment/web",
        "labels": labels,
        "object": {"kind": "Deployment", "metadata": {"name": "web", "labels": labels}},
    }
    specs = resolve_services(aws_resources=[lambda_], k8s_objects=[deployment])
    assert [(s.slug, s.name, s.team) for s in specs] == [
        ("billing", "billing", "platform"),
        ("web", "web", "retail"),
    ]


@given(st.text(max_size=400))
def test_no_text_reaches_a_name_or_slug_with_an_invisible_character(raw):
    import unicodedata

    name, slug = clean_text(raw), slugify(raw)
    assert not [c for c in name if unicodedata.category(c) in ("Cf", "Cc", "Cs")]
    assert name == name.strip() and "  " not in name
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and len(slug) <= 200
    assert slugify(name) == slug  # cleaning first changes nothing: one name, one slug

"""admin.*, security.non-root and codebase.* with live facts."""

from __future__ import annotations

from scorecards.checks.results import Status
from tests.checks.live.k8s_objects import (
    container,
    deployment,
    entry,
    job,
    live_result,
    sources,
)

APP = "registry.example.com/shop/web"
SHA = "4f1c2d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e"


def test_a_live_job_is_a_one_off_admin_process():
    migrate = job(
        "migrate", container(image=f"{APP}:1.4.2", command=["python", "manage.py", "migrate"])
    )
    result = live_result(
        "admin.one-off", deployment("web"), migrate, repo="admin-one-off/migrate-in-web"
    )
    assert result.status == Status.PASS  # the Job is the release step the repository lacked
    assert result.evidence[0].excerpt == "Job migrate: python manage.py migrate"


def test_migrations_chained_into_a_live_web_command_fail_without_jobs():
    web = deployment(
        "web",
        container(command=["sh", "-c", "python manage.py migrate && gunicorn app:app"]),
    )
    assert live_result("admin.one-off", web).status == Status.FAIL  # catalogue 2026.12, 9.
    assert live_result("admin.one-off", deployment("web")).status == Status.UNKNOWN


def test_live_jobs_must_run_the_web_image():
    web = deployment("web", container(image=f"{APP}@sha256:" + "ab" * 32))
    same = job("migrate", container(image=f"{APP}:1.4.2"))
    other = job("report", container(image="ghcr.io/acme/reporter:2.0"), cron=True)
    tool = job("wait", container(image="busybox:1.36"))
    assert live_result("admin.same-image", web, same, tool).status == Status.PASS
    result = live_result("admin.same-image", web, same, other, repo="admin-same-image/same")
    assert result.status == Status.FAIL
    assert result.evidence[0].locator == (
        "prod-eu/shop/CronJob/report#/spec/jobTemplate/spec/template/spec/containers/0/image"
    )


def test_jobs_without_a_web_workload_cannot_be_compared():
    assert live_result("admin.same-image", job("migrate")).status == Status.UNKNOWN


def test_a_live_run_as_non_root_outweighs_a_root_image():
    live = deployment("web", pod_extra={"securityContext": {"runAsNonRoot": True}})
    result = live_result("security.non-root", live, repo="security-non-root/no-user")
    assert result.status == Status.PASS
    assert sources(result) == {"kubernetes", "local"}


def test_a_live_uid_zero_fails_and_a_container_setting_overrides_the_pod():
    root = deployment(
        "web",
        container(securityContext={"runAsUser": 0}),
        pod_extra={"securityContext": {"runAsNonRoot": True}},
    )
    result = live_result("security.non-root", root, repo="security-non-root/user")
    assert result.status == Status.FAIL
    assert result.evidence[0].excerpt == "Deployment/web web: runAsUser 0"


def test_containers_without_a_security_context_leave_it_to_the_image():
    silent = deployment("web")
    assert live_result("security.non-root", silent).status == Status.UNKNOWN
    joined = live_result("security.non-root", silent, repo="security-non-root/user")
    assert joined.status == Status.PASS
    failed = live_result("security.non-root", silent, repo="security-non-root/no-user")
    assert failed.status == Status.FAIL


def test_a_commit_in_a_live_image_tag_or_annotation_makes_deploys_traceable():
    tagged = deployment("web", container(image=f"{APP}:sha-{SHA[:7]}"))
    result = live_result(
        "codebase.deploys-traceable", tagged, repo="codebase-deploys-traceable/silent"
    )
    assert result.status == Status.PASS
    assert result.evidence[0].excerpt == f"image: {APP}:sha-{SHA[:7]}"
    annotated = deployment("web", metadata={"annotations": {"app.example.com/git-commit": SHA}})
    found = live_result("codebase.deploys-traceable", annotated)
    assert found.status == Status.PASS
    assert found.evidence[0].locator.endswith("#/metadata/annotations/app.example.com~1git-commit")


def test_rollout_revisions_and_version_tags_are_not_commits():
    live = deployment(
        "web",
        container(image=f"{APP}:20261101"),
        metadata={"annotations": {"deployment.kubernetes.io/revision": "14"}},
    )
    assert live_result("codebase.deploys-traceable", live).status == Status.UNKNOWN


def source(repository: str, name: str = "web") -> dict:
    annotations = {
        "backstage.io/source-location": f"url:https://github.com/{repository}/tree/main/"
    }
    return deployment(name, metadata={"annotations": annotations})


def test_a_source_location_annotation_maps_the_service_to_a_repository():
    result = live_result("codebase.vcs", source("acme/shop"))
    assert result.status == Status.PASS
    assert "github.com/acme/shop" in result.message
    assert live_result("codebase.vcs", deployment("web")).status == Status.UNKNOWN  # never a fail


def test_workloads_from_two_repositories_warn():
    result = live_result(
        "codebase.one-repo-per-app", source("acme/shop"), source("acme/legacy", "admin")
    )
    assert result.status == Status.WARN
    assert "github.com/acme/legacy, github.com/acme/shop" in result.message
    single = live_result(
        "codebase.one-repo-per-app", source("acme/shop"), source("acme/shop", "worker")
    )
    assert single.status == Status.PASS


def test_an_unrelated_annotation_is_not_a_repository():
    live = entry(
        "Deployment", "web", {"metadata": {"annotations": {"source": "manual"}}, "spec": {}}
    )
    assert live_result("codebase.vcs", live).status == Status.UNKNOWN

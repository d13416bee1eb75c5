"""build.image-tag-immutable and build.no-build-at-runtime with live facts."""

from __future__ import annotations

from scorecards.checks.results import Status
from tests.checks.live.k8s_objects import container, deployment, job, live_result, sources

DIGEST = "registry.example.com/shop/web@sha256:" + "9b2f5c4e" * 8


def test_a_running_latest_image_fails_even_when_the_manifests_pin_their_tags():
    live = deployment("web", container(image="registry.example.com/shop/web:latest"))
    result = live_result(
        "build.image-tag-immutable", live, repo="build-image-tag-immutable/kustomize-pinned"
    )
    assert result.status == Status.FAIL
    assert result.evidence[0].source == "kubernetes"
    assert result.evidence[0].locator.endswith("#/spec/template/spec/containers/0/image")
    assert sources(result) == {"kubernetes", "local"}


def test_untagged_init_containers_and_cron_jobs_are_judged_too():
    web = deployment(
        "web", container(image=DIGEST), pod_extra={"initContainers": [container("wait", "busybox")]}
    )
    result = live_result("build.image-tag-immutable", web)
    assert result.status == Status.FAIL and "1 of 2" in result.message
    cron = job("cleanup", container(image="ghcr.io/acme/tool"), cron=True)
    assert live_result("build.image-tag-immutable", cron).status == Status.FAIL


def test_digests_and_version_tags_pass():
    result = live_result(
        "build.image-tag-immutable",
        deployment("web", container(image=DIGEST)),
        job("migrate", container(image="registry.example.com/shop/web:1.4.2")),
    )
    assert result.status == Status.PASS and result.message.startswith("2 running containers")


def test_a_live_command_that_installs_at_start_fails():
    live = deployment("web", container(command=["sh", "-c"], args=["npm ci && node server.js"]))
    result = live_result(
        "build.no-build-at-runtime", live, repo="build-no-build-at-runtime/clean-start"
    )
    assert result.status == Status.FAIL
    assert result.evidence[0].locator.endswith("#/spec/template/spec/containers/0/command")


def test_containers_that_run_their_image_command_leave_the_repository_verdict():
    live = deployment("web", container())
    assert live_result("build.no-build-at-runtime", live).status == Status.UNKNOWN
    joined = live_result(
        "build.no-build-at-runtime", live, repo="build-no-build-at-runtime/clean-start"
    )
    assert joined.status == Status.PASS and sources(joined) == {"local"}

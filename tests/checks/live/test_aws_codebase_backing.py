"""Live AWS facts in the codebase checks and backing.attached-by-url."""

from __future__ import annotations

from tests.checks.live.aws_resources import (
    ecs_container,
    ecs_service,
    env,
    lambda_function,
    result,
    version,
)

SHA = "3f2a9c1d"

# --- codebase.vcs / codebase.one-repo-per-app ---


def test_a_repository_tag_traces_an_aws_only_service_to_its_code():
    function = lambda_function(tags={"repository": "https://github.com/acme/orders"})

    outcome = result("codebase.vcs", function)

    assert outcome.status == "pass"
    assert "github.com/acme/orders" in outcome.message


def test_without_a_repository_tag_an_aws_only_service_is_unknown():
    assert result("codebase.vcs", lambda_function(tags={"service": "orders"})).status == "unknown"


def test_resources_naming_two_repositories_warn():
    outcome = result(
        "codebase.one-repo-per-app",
        lambda_function(tags={"git_repo": "git@github.com:acme/orders.git"}),
        ecs_service(
            containers=[
                ecs_container(
                    docker_labels={
                        "org.opencontainers.image.source": "https://github.com/acme/legacy"
                    }
                )
            ]
        ),
    )

    assert outcome.status == "warn"
    assert "github.com/acme/legacy, github.com/acme/orders" in outcome.message


def test_one_named_repository_passes_and_joins_a_single_app_repository():
    function = lambda_function(tags={"source": "https://gitlab.com/acme/orders"})

    assert result("codebase.one-repo-per-app", function).status == "pass"
    combined = result(
        "codebase.one-repo-per-app", function, repo="codebase-one-repo-per-app/single-app"
    )
    assert combined.status == "pass"


# --- codebase.deploys-traceable ---


def test_a_commit_sha_image_tag_traces_the_deploy():
    service = ecs_service(containers=[ecs_container(image=f"registry.example/web:sha-{SHA}")])

    outcome = result("codebase.deploys-traceable", service)

    assert outcome.status == "pass"
    assert outcome.evidence[0].locator.endswith("#/task_definition/containers/0/image")


def test_a_revision_label_or_a_version_description_traces_the_deploy():
    labelled = ecs_service(
        containers=[ecs_container(docker_labels={"org.opencontainers.image.revision": SHA})]
    )
    described = lambda_function(versions=[version(1, "first"), version(2, f"commit {SHA}")])

    assert result("codebase.deploys-traceable", labelled).status == "pass"
    outcome = result("codebase.deploys-traceable", described)
    assert outcome.status == "pass"
    assert outcome.evidence[0].locator.endswith("#/versions/1/description")


def test_version_numbers_and_words_are_not_commits():
    service = ecs_service(containers=[ecs_container(image="registry.example/web:1.4.2")])
    function = lambda_function(description="handles commit webhooks", tags={"build": "1234567"})

    assert result("codebase.deploys-traceable", service, function).status == "unknown"


def test_a_live_commit_tag_answers_a_pipeline_with_fixed_tags():
    service = ecs_service(containers=[ecs_container(image=f"registry.example/web:{SHA}")])

    outcome = result(
        "codebase.deploys-traceable", service, repo="codebase-deploys-traceable/latest-only"
    )

    assert outcome.status == "pass"


# --- backing.attached-by-url ---


def test_live_location_variables_settle_an_unclear_repository():
    function = lambda_function(
        env=[env("DATABASE_URL", secret_like_value=True), env("OTEL_ENDPOINT")]
    )

    outcome = result("backing.attached-by-url", function, repo="backing-attached-by-url/unclear")

    assert outcome.status == "pass"
    assert [e.excerpt for e in outcome.evidence if e.source == "aws"] == [
        "DATABASE_URL set for orders"
    ]


def test_no_backing_client_stays_not_applicable():
    function = lambda_function(env=[env("DATABASE_URL")])

    assert (
        result(
            "backing.attached-by-url", function, repo="backing-attached-by-url/no-backing"
        ).status
        == "na"
    )


def test_an_aws_only_service_with_location_variables_passes():
    service = ecs_service(containers=[ecs_container(environment=[env("REDIS_HOST")])])

    assert result("backing.attached-by-url", service).status == "pass"

"""Service kinds (container, serverless, paas) detected from repository facts."""

from __future__ import annotations

from scorecards.checks import deployables, live_aws, live_k8s, platforms
from scorecards.checks.context import CheckContext


def detect_kinds(ctx: CheckContext) -> frozenset[str]:
    kinds: set[str] = set()
    if (
        deployables.production_dockerfiles(ctx)
        or deployables.workloads(ctx)
        or (deployables.ecs_task_definitions(ctx))
        or deployables.terraform_ecs_tasks(ctx)
        or deployables.signals(ctx, "deploy.code.service")
        or _compose_deploys_the_app(ctx)
        or live_k8s.workloads(ctx)  # live Kubernetes workloads run containers
    ):
        kinds.add("container")
    if deployables.lambda_functions(ctx):  # SAM, Serverless, Terraform and CDK functions
        kinds.add("serverless")
    if deployables.procfile_processes(ctx):
        kinds.add("paas")
    kinds |= {s["kind"] for s in platforms.platform_services(ctx)}  # render, DO, fly, App Engine
    kinds |= live_aws.service_kinds(ctx)  # ECS services: container; Lambda, API Gateway: serverless
    if not kinds and platforms.server_in_code(ctx):
        kinds.add("paas")  # code only, yet it starts a server: a platform runs it from source
    return frozenset(kinds)


def _compose_deploys_the_app(ctx: CheckContext) -> bool:
    """A compose deploy manifest (decision 3) with a service built from the repository or an
    image that is not an off-the-shelf server: a compose file of databases only is dev tooling."""
    from scorecards.checks.charts import THIRD_PARTY_SERVERS

    for service in deployables.deploy_compose_services(ctx):
        body = service["service"]
        image = body.get("image")
        if body.get("build"):
            return True
        if isinstance(image, str):
            name = deployables.split_image_ref(image)[0].rsplit("/", 1)[-1].lower()
            if name not in THIRD_PARTY_SERVERS:
                return True
    return False

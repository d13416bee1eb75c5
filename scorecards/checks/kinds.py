"""Service kinds (container, serverless, paas) detected from repository facts."""

from __future__ import annotations

from scorecards.checks import deployables, live_aws, live_k8s
from scorecards.checks.context import CheckContext


def detect_kinds(ctx: CheckContext) -> frozenset[str]:
    kinds: set[str] = set()
    if (
        deployables.production_dockerfiles(ctx)
        or deployables.workloads(ctx)
        or (deployables.ecs_task_definitions(ctx))
        or deployables.terraform_ecs_tasks(ctx)
        or deployables.signals(ctx, "deploy.code.service")
        or live_k8s.workloads(ctx)  # live Kubernetes workloads run containers
    ):
        kinds.add("container")
    if deployables.lambda_functions(ctx):
        kinds.add("serverless")
    if deployables.procfile_processes(ctx):
        kinds.add("paas")
    kinds |= live_aws.service_kinds(ctx)  # ECS services: container; Lambda, API Gateway: serverless
    return frozenset(kinds)

"""Service kinds (container, serverless, paas) detected from repository facts."""

from __future__ import annotations

from scorecards.checks import deployables
from scorecards.checks.context import CheckContext


def detect_kinds(ctx: CheckContext) -> frozenset[str]:
    kinds: set[str] = set()
    if (
        deployables.production_dockerfiles(ctx)
        or deployables.workloads(ctx)
        or (deployables.ecs_task_definitions(ctx))
    ):
        kinds.add("container")
    if deployables.lambda_functions(ctx):
        kinds.add("serverless")
    if deployables.procfile_processes(ctx):
        kinds.add("paas")
    return frozenset(kinds)

"""Deployments written as code (AWS CDK in any language, Pulumi, Bicep), and migrations the app
runs at startup.

``deploy.code.image``: an image a stack deploys, ``detail = {"how": "registry", "image": ref}``
for a named registry image (``ContainerImage.fromRegistry("nginx:latest")``) or
``{"how": "asset"}`` for one the pipeline builds (``fromAsset``, ``DockerImageAsset``).
``deploy.code.service``: a long-running service construct (ECS service, Container App).
``deploy.code.scaling``: horizontal scaling (``autoScaleTaskCount``, ``desiredCount: 3``,
Bicep ``minReplicas: 2``, a Lambda's reserved or provisioned concurrency),
``detail = {"how": form}``.
``deploy.code.health``: a health check of the service (container ``healthCheck``, target group
``configureHealthCheck``, a load-balanced pattern's default check, Container App ``probes``).
``deploy.code.env-parameter``: a Bicep ``param environmentName string``.
``admin.startup-migration``: code that migrates the database when the app starts
(EF Core ``Database.Migrate()``/``EnsureCreated()``, TypeORM ``migrationsRun``/``synchronize``,
GORM ``AutoMigrate``, Spring ``spring.sql.init.mode=always`` or Hibernate ``ddl-auto``).
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule

_CODE = frozenset({"typescript", "javascript", "python", "java", "kotlin", "csharp", "go"})
_IAC = _CODE | {"bicep"}


def _image_detail(match: re.Match[str], line: str) -> dict | None:
    if match.group("registry"):
        return {"how": "registry", "image": match.group("image")}
    return {"how": "asset"}


def _named(match: re.Match[str], line: str) -> dict | None:
    return {"how": next(k for k, v in match.groupdict().items() if v is not None)}


RULES = [
    SignalRule(
        id="deploy.code.image",
        languages=_IAC,
        pattern=r"""(?P<registry>\bContainerImage[._]?(?:from_?registry|FromRegistry)\(\s*"""
        r"""(?:jsii\.String\(\s*)?["'`](?P<image>[^"'`\s]{1,300})["'`])"""
        r"|\bContainerImage[._]?(?:from_?asset|FromAsset|from_?docker_image_asset|"
        r"FromDockerImageAsset|from_?ecr_?repository|FromEcrRepository)\("
        r"|\bnew\s+(?:\w+\.)?DockerImageAsset\(|\bDockerImageCode[._]?(?:from_?image_?asset|"
        r"FromImageAsset)\(|\bDockerImageAsset\(",
        detail=_image_detail,
        flags=re.IGNORECASE,
    ),
    SignalRule(
        id="deploy.code.service",
        languages=_IAC,
        pattern=r"\b(?:ApplicationLoadBalanced|NetworkLoadBalanced|QueueProcessing)?"
        r"(?:Fargate|Ec2)Service\(|\bMicrosoft\.App/containerApps@|\bMicrosoft\.Web/sites@|"
        r"\bavm/res/(?:web/site|app/container-app):|"
        r"\bawsx\.ecs\.FargateService\(",
    ),
    SignalRule(
        id="deploy.code.scaling",
        languages=_IAC,
        pattern=r"(?P<task_count>\bauto_?[Ss]cale_?[Tt]ask_?[Cc]ount\(|\bAutoScaleTaskCount\()"
        r"|(?P<desired>\bdesired_?[Cc]ount\s*[:=]\s*(?:[2-9]|\d{2,})\b)"
        r"|(?P<replicas>\bminReplicas\s*:\s*(?:[2-9]|\d{2,})\b|\bmaxReplicas\s*:\s*(?:[2-9]|\d{2,})\b)"
        r"|(?P<autoscale>\bMicrosoft\.Insights/autoscalesettings@)"
        r"|(?P<lambda_concurrency>\b(?:reserved|provisioned)_?[Cc]oncurrent_?[Ee]xecutions\s*[:=]"
        r"\s*\d)",
        detail=_named,
    ),
    SignalRule(
        id="deploy.code.health",
        languages=_IAC,
        pattern=r"\bhealth_?[Cc]heck\s*[:=]\s*(?:\{|\w)|\.configure_?[Hh]ealth_?[Cc]heck\(|"
        r"\bApplicationLoadBalanced(?:Fargate|Ec2)Service\(|\bprobes\s*:\s*\[|"
        r"\bhealthCheckPath\s*:\s*'",
    ),
    # A Bicep template that takes the environment as a parameter (azd's `environmentName`).
    SignalRule(
        id="deploy.code.env-parameter",
        languages=frozenset({"bicep"}),
        pattern=r"^\s*param\s+(?:env|environment|stage)\w*\s+string\b",
        flags=re.IGNORECASE,
    ),
    SignalRule(
        id="admin.startup-migration",
        languages=frozenset({"csharp", "typescript", "javascript", "go"}),
        pattern=r"\.Database\.(?:Migrate|EnsureCreated)(?:Async)?\(\s*\)|"
        r"\bmigrationsRun\s*:\s*true\b|\bsynchronize\s*:\s*true\b|\bsequelize\.sync\(|"
        r"\.AutoMigrate\(",
    ),
    # Spring Boot creating or updating the schema whenever the application starts.
    SignalRule(
        id="admin.startup-migration",
        languages=frozenset({"properties", "yaml"}),
        pattern=r"\bspring\.sql\.init\.mode\s*[=:]\s*always\b|"
        r"\bspring\.datasource\.initialization-mode\s*[=:]\s*always\b|"
        r"\bddl-auto\s*[=:]\s*(?:update|create|create-drop)\b",
    ),
]

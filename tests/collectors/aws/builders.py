"""Helpers that build real resources in the moto server through boto3."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import boto3

from scorecards.collectors.aws import AwsConfig

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account


@dataclass
class Moto:
    endpoint: str

    def client(self, service: str, region: str = REGION, session: boto3.Session | None = None):
        return (session or boto3).client(service, region_name=region, endpoint_url=self.endpoint)

    def config(self, **kwargs) -> AwsConfig:
        kwargs.setdefault("regions", [REGION])
        return AwsConfig(endpoint_url=self.endpoint, max_attempts=2, **kwargs)

    def lambda_role(self, session: boto3.Session | None = None) -> str:
        iam = self.client("iam", session=session)
        return iam.create_role(RoleName="lambda-exec", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def zipped_handler() -> bytes:
    """A tiny deployment package built in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def create_function(
    moto: Moto,
    name: str,
    role: str,
    *,
    env: dict | None = None,
    tags: dict | None = None,
    runtime: str = "python3.12",
    publish: bool = False,
    tracing: str | None = None,
    region: str = REGION,
    session: boto3.Session | None = None,
    **extra,
) -> dict:
    kwargs = {
        "FunctionName": name,
        "Runtime": runtime,
        "Role": role,
        "Handler": "app.handler",
        "Code": {"ZipFile": zipped_handler()},
        "Publish": publish,
        **extra,
    }
    if env is not None:
        kwargs["Environment"] = {"Variables": env}
    if tags:
        kwargs["Tags"] = tags
    if tracing:
        kwargs["TracingConfig"] = {"Mode": tracing}
    return moto.client("lambda", region, session).create_function(**kwargs)


def container(name: str = "app", image: str = "registry.example/app:1.4.2", **extra) -> dict:
    return {"name": name, "image": image, "memory": 256, "essential": True, **extra}


def create_ecs_service(
    moto: Moto,
    name: str,
    containers: list[dict],
    *,
    cluster: str = "main",
    desired: int = 2,
    tags: dict | None = None,
    region: str = REGION,
    **task_extra,
) -> dict:
    """A cluster (if needed), a task definition of ``containers`` and a service running it."""
    ecs = moto.client("ecs", region)
    ecs.create_cluster(clusterName=cluster)
    tag_list = [{"key": k, "value": v} for k, v in (tags or {}).items()]
    task = ecs.register_task_definition(
        family=name,
        containerDefinitions=containers,
        **({"tags": tag_list} if tag_list else {}),
        **task_extra,
    )["taskDefinition"]
    return ecs.create_service(
        cluster=cluster,
        serviceName=name,
        taskDefinition=task["taskDefinitionArn"],
        desiredCount=desired,
        launchType="FARGATE",
        **({"tags": tag_list} if tag_list else {}),
    )["service"]


def register_autoscaling(
    moto: Moto, cluster: str, service: str, minimum: int, maximum: int, region: str = REGION
) -> None:
    scaling = moto.client("application-autoscaling", region)
    resource_id = f"service/{cluster}/{service}"
    scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource_id,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=minimum,
        MaxCapacity=maximum,
    )
    scaling.put_scaling_policy(
        PolicyName=f"{service}-cpu",
        ServiceNamespace="ecs",
        ResourceId=resource_id,
        ScalableDimension="ecs:service:DesiredCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 60.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
            },
        },
    )


def create_rest_api_stage(
    moto: Moto,
    api_name: str,
    stage: str,
    *,
    access_log_group_arn: str | None = None,
    tracing: bool = False,
    tags: dict | None = None,
    api_tags: dict | None = None,
    region: str = REGION,
) -> str:
    """A REST API with one mock method, deployed to ``stage``; returns the API id."""
    apigw = moto.client("apigateway", region)
    api_id = apigw.create_rest_api(name=api_name, tags=api_tags or {})["id"]
    root = apigw.get_resources(restApiId=api_id)["items"][0]["id"]
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigw.create_deployment(restApiId=api_id)["id"]
    apigw.create_stage(
        restApiId=api_id,
        stageName=stage,
        deploymentId=deployment,
        tracingEnabled=tracing,
        tags=tags or {},
    )
    if access_log_group_arn:
        apigw.update_stage(
            restApiId=api_id,
            stageName=stage,
            patchOperations=[
                {
                    "op": "replace",
                    "path": "/accessLogSettings/destinationArn",
                    "value": access_log_group_arn,
                },
                {
                    "op": "replace",
                    "path": "/accessLogSettings/format",
                    "value": "$context.requestId",
                },
            ],
        )
    return api_id


def by_type(inventory: dict, rtype: str) -> dict[str, dict]:
    """Resources of one type by name."""
    return {r["name"]: r for r in inventory["resources"] if r["type"] == rtype}


def requests_for(inventory: dict, service: str) -> int:
    return sum(e["requests"] for e in inventory["requests_by"] if e["service"] == service)

"""Collect live AWS facts (docs/aws-facts.md): Lambda, ECS, API Gateway and CloudWatch Logs.

Pure collector: no Django, no Celery. It reads configuration only (list/describe/get calls,
never invoke or change anything), goes through paginators for every list call, uses adaptive
retries, and returns plain JSON-serialisable facts. A failing account, region, service or
call becomes an ``errors`` entry (``AccessDenied`` included) and the scan goes on: partial
facts beat none.

Environment values never leave this module: each variable keeps its name and what kind of
value it holds (literal, empty, reference) plus whether the name or the value looks secret.
Free text that may carry a credential (health-check commands, log options, docker labels)
is redacted the way repository facts are.

The caller builds :class:`AwsConfig` from its own settings; this module reads no environment
variable itself (boto3 reads its usual ones: credentials, ``AWS_ENDPOINT_URL``...).

Offline mode (``AwsConfig.offline_dir``): the same calls are answered from AWS CLI JSON
exports on disk instead of the network (air-gapped installs, the bundled demo). Only the
client is swapped (:class:`OfflineClient`); every answer goes through the same normalisation,
so an export yields exactly the facts the live API would have. Layout: docs/aws-offline.md.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from scorecards.collectors.repo_files.redaction import REDACTED, is_reference, is_secret_name
from scorecards.collectors.repo_files.secrets import (
    find_secrets,
    redact_assignments,
    redact_url_passwords,
)

log = logging.getLogger(__name__)

SCHEMA = 1
SOURCE = "aws"
SERVICES = ("lambda", "ecs", "apigateway", "apigatewayv2", "logs")
DEFAULT_REGION = "us-east-1"
ERROR_MAX = 300

Progress = Callable[[int, int, str], None]


@dataclass
class AwsConfig:
    """What to scan. Empty ``role_arns`` means the default credentials' own account."""

    regions: list[str] = field(default_factory=list)
    role_arns: list[str] = field(default_factory=list)
    endpoint_url: str | None = None
    max_attempts: int = 10
    services: tuple[str, ...] = SERVICES
    max_workers: int = 4  # (account, region) pairs scanned in parallel
    log_group_tags: bool = True  # one ListTagsForResource call per log group
    session_name: str = "twelve-factor-scorecards"
    external_id: str | None = None
    # A folder of AWS CLI exports (``<account>/<region>/<service>/<operation>.json``): answered
    # from disk, no credentials and no network (docs/aws-offline.md).
    offline_dir: str | None = None


# --- redaction -------------------------------------------------------------------------------

_FLAG_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "enabled", "disabled"})
_ARG_FLAG = re.compile(r"^--?(?P<name>[A-Za-z][\w.-]*)(?:=(?P<value>.*))?$", re.DOTALL)
_ARG_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_][\w.-]*)=(?P<value>.*)$", re.DOTALL)


def looks_like_secret_value(name: str, value: str) -> bool:
    """A known credential format (detect-secrets plugins) or, under a secret-like name, a
    credential-looking literal (the repository rule of ``secrets.find_secrets``)."""
    if not value or is_reference(value):
        return False
    return bool(find_secrets(".env", f"{name or 'VALUE'}={value}"))


def env_entry(name: str, value: object) -> dict:
    """One environment variable as facts keep it: the name, never the value."""
    text = "" if value is None else str(value)
    if text.strip() == "":
        kind = "empty"
    elif is_reference(text):
        kind = "reference"  # SSM / Secrets Manager ARN, {{resolve:...}}, ${...}
    else:
        kind = "literal"
    return {
        "name": str(name),
        "value_kind": kind,
        "secret_like_name": is_secret_name(str(name)),
        "secret_like_value": kind == "literal" and looks_like_secret_value(str(name), text),
        "flag": kind == "literal" and text.strip().lower() in _FLAG_VALUES,
    }


def env_entries(variables: object) -> list[dict]:
    """A ``{name: value}`` mapping (Lambda) or ``[{"name", "value"}]`` list (ECS)."""
    if isinstance(variables, dict):
        return [env_entry(name, value) for name, value in sorted(variables.items())]
    if isinstance(variables, list):
        return [
            env_entry(item.get("name", ""), item.get("value"))
            for item in variables
            if isinstance(item, dict) and item.get("name")
        ]
    return []


def redact_text(name: str, value: object) -> object:
    """A free-text value safe to store: secret names and recognised credentials hidden."""
    if not isinstance(value, str) or value == "":
        return value
    if (is_secret_name(name) and not is_reference(value)) or looks_like_secret_value(name, value):
        return REDACTED
    return redact_url_passwords(redact_assignments(value))


def redact_argv(argv: object) -> object:
    """A command line with ``--password=x``, ``--token x``, ``KEY=x`` and tokens hidden."""
    if isinstance(argv, str):
        return redact_text("command", argv)
    if not isinstance(argv, list):
        return argv
    out: list[Any] = []
    pending = False
    for arg in argv:
        if not isinstance(arg, str):
            out.append(arg)
            pending = False
            continue
        if pending and not arg.startswith("-"):
            out.append(arg if is_reference(arg) else REDACTED)
            pending = False
            continue
        pending = False
        match = _ARG_FLAG.match(arg) or _ARG_ASSIGNMENT.match(arg)
        if match and match["value"] is None:
            pending = is_secret_name(match["name"])
            out.append(arg)
        elif match:
            out.append(
                arg[: match.start("value")] + str(redact_text(match["name"], match["value"]))
            )
        else:
            out.append(redact_text("arg", arg))
    return out


def _redact_mapping(mapping: object) -> dict:
    if not isinstance(mapping, dict):
        return {}
    return {str(k): redact_text(str(k), v) for k, v in mapping.items()}


# --- plumbing --------------------------------------------------------------------------------


def _error_text(exc: BaseException) -> str:
    """``AccessDeniedException: User ... is not authorized`` — one short line, no HTML."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error") or {}
        code = str(error.get("Code") or "ClientError")
        message = str(error.get("Message") or "")
        operation = getattr(exc, "operation_name", "")
        if "<" in message:  # an HTML error page (a proxy, an emulator without the API)
            message = re.sub(r"<[^>]+>", " ", message)
        text = f"{operation}: {code}: {message}" if operation else f"{code}: {message}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text[:ERROR_MAX]


_GIVE_UP_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "UnrecognizedClientException",
        "InvalidAction",
        "UnknownOperationException",
        "NotImplemented",
        "403",  # an access denial in a body the client could not parse
        "404",  # an endpoint or emulator without the API at all
        "501",
    }
)


def _denied_or_unsupported(exc: BaseException) -> bool:
    if not isinstance(exc, ClientError):
        return False
    return str((exc.response.get("Error") or {}).get("Code")) in _GIVE_UP_CODES


def _unqualified(arn: str) -> str:
    """``arn:aws:lambda:r:a:function:name:qualifier`` -> ``...:function:name``."""
    return ":".join(arn.split(":")[:7])


def _tags(items: object, key: str = "key", value: str = "value") -> dict:
    """ECS-style ``[{"key", "value"}]`` or an already flat mapping as ``{key: value}``."""
    if isinstance(items, dict):
        return {str(k): str(v) for k, v in items.items()}
    if isinstance(items, list):
        return {
            str(t.get(key)): str(t.get(value, ""))
            for t in items
            if isinstance(t, dict) and t.get(key) is not None
        }
    return {}


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Counter:
    """HTTP requests sent (retries included), per account/region/service."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_key: dict[tuple[str, str, str], int] = defaultdict(int)

    def hook(self, account: str, region: str, service: str) -> Callable[..., None]:
        def count(**_: Any) -> None:
            with self.lock:
                self.by_key[(account, region, service)] += 1

        return count

    @property
    def total(self) -> int:
        return sum(self.by_key.values())


class _Scan:
    """Shared state of one collection: config, counters, errors, progress."""

    def __init__(self, config: AwsConfig, progress: Progress | None) -> None:
        self.config = config
        self.counter = _Counter()
        self.lock = threading.Lock()
        self.progress_lock = threading.Lock()
        self.errors: list[dict] = []
        self.progress = progress
        self.done = 0
        self.total = 0
        self.botocore_config = Config(
            retries={"mode": "adaptive", "max_attempts": config.max_attempts},
            user_agent_extra="twelve-factor-scorecards",
            connect_timeout=10,
            read_timeout=30,
        )

    def error(self, account: str | None, region: str | None, service: str, exc: Any) -> None:
        text = exc if isinstance(exc, str) else _error_text(exc)
        log.warning("AWS %s/%s/%s: %s", account, region, service, text)
        with self.lock:
            self.errors.append(
                {"account": account, "region": region, "service": service, "error": text}
            )

    def step(self, label: str, count: int = 1) -> None:
        with self.progress_lock:  # reports arrive in order, whichever thread finishes a step
            with self.lock:
                self.done += count
                done, total = self.done, self.total
            if self.progress:
                self.progress(done, total, label)

    def client(self, session: boto3.Session | None, name: str, account: str, region: str) -> Any:
        if self.config.offline_dir:
            folder = Path(self.config.offline_dir) / account / region / name
            return OfflineClient(folder, self.counter.hook(account, region, name))
        kwargs: dict[str, Any] = {"region_name": region, "config": self.botocore_config}
        if self.config.endpoint_url:
            kwargs["endpoint_url"] = self.config.endpoint_url
        with self.lock:  # creating clients from one session is not thread-safe
            client = session.client(name, **kwargs)
        client.meta.events.register("before-send", self.counter.hook(account, region, name))
        return client


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[dict]:
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key) or []


# --- accounts --------------------------------------------------------------------------------


@dataclass
class _Account:
    account: str | None
    role_arn: str | None
    session: boto3.Session | None
    error: str | None = None


def _accounts(scan: _Scan, base: boto3.Session, regions: list[str]) -> list[_Account]:
    region = regions[0] if regions else DEFAULT_REGION
    sts = scan.client(base, "sts", "*", region)
    if not scan.config.role_arns:
        try:
            account = sts.get_caller_identity()["Account"]
        except (ClientError, BotoCoreError) as exc:
            scan.error(None, None, "sts", exc)
            return [_Account(None, None, None, _error_text(exc))]
        return [_Account(str(account), None, base)]
    accounts = []
    for role_arn in scan.config.role_arns:
        parts = role_arn.split(":")
        account = parts[4] if len(parts) > 4 and parts[4] else None
        kwargs: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": scan.config.session_name}
        if scan.config.external_id:
            kwargs["ExternalId"] = scan.config.external_id
        try:
            answer = sts.assume_role(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            scan.error(account, None, "sts", exc)
            accounts.append(_Account(account, role_arn, None, _error_text(exc)))
            continue
        credentials = answer["Credentials"]
        assumed = str((answer.get("AssumedRoleUser") or {}).get("Arn") or "").split(":")
        account = assumed[4] if len(assumed) > 4 and assumed[4] else account
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        accounts.append(_Account(account, role_arn, session))
    return accounts


# --- one region of one account ---------------------------------------------------------------


class _Region:
    def __init__(self, scan: _Scan, account: _Account, region: str) -> None:
        self.scan = scan
        self.account = str(account.account)
        self.session = account.session
        self.region = region
        self.resources: list[dict] = []
        self.skipped: set[str] = set()  # operations denied or unsupported in this region
        self.partition = base_partition(region)

    def client(self, name: str) -> Any:
        return self.scan.client(self.session, name, self.account, self.region)

    def error(self, service: str, exc: Any) -> None:
        self.scan.error(self.account, self.region, service, exc)

    def base(self, rtype: str, arn: str, name: str, tags: dict) -> dict:
        return {
            "type": rtype,
            "arn": arn,
            "account": self.account,
            "region": self.region,
            "name": name,
            "tags": tags,
            "unreadable": [],
        }

    def collect(self) -> list[dict]:
        steps = {
            "lambda": self.lambda_functions,
            "ecs": self.ecs_services,
            "apigateway": self.rest_stages,
            "apigatewayv2": self.http_stages,
            "logs": self.log_groups,
        }
        for service in self.scan.config.services:
            try:
                self.resources += steps[service]()
            except (ClientError, BotoCoreError) as exc:
                self.error(service, exc)
            except Exception as exc:  # an unexpected answer must not sink the other services
                log.exception("aws collector bug", extra={"service": service})
                self.error(service, f"{type(exc).__name__}: {exc}"[:ERROR_MAX])
            self.scan.step(f"{self.account}/{self.region}/{service}")
        _link_log_groups(self.resources)
        return self.resources

    # --- Lambda ---

    def lambda_functions(self) -> list[dict]:
        client = self.client("lambda")
        latest: dict[str, dict] = {}
        versions: dict[str, list[dict]] = defaultdict(list)
        # FunctionVersion=ALL lists published versions too: no per-function version calls.
        for fn in _pages(client, "list_functions", "Functions", FunctionVersion="ALL"):
            arn = _unqualified(fn["FunctionArn"])
            if fn.get("Version", "$LATEST") == "$LATEST":
                latest[arn] = fn
            else:
                versions[arn].append(fn)
        return [
            self._lambda_resource(client, arn, fn, versions.get(arn, []))
            for arn, fn in sorted(latest.items())
        ]

    def _lambda_resource(self, client: Any, arn: str, fn: dict, versions: list[dict]) -> dict:
        name = fn["FunctionName"]
        logging_config = fn.get("LoggingConfig") or {}
        resource = self.base("lambda.function", arn, name, {})
        resource.update(
            {
                "runtime": fn.get("Runtime"),
                "package_type": fn.get("PackageType", "Zip"),
                "handler": fn.get("Handler"),
                "description": redact_text("description", fn.get("Description") or ""),
                "memory": fn.get("MemorySize"),
                "timeout": fn.get("Timeout"),
                "architectures": fn.get("Architectures") or ["x86_64"],
                "code_size": fn.get("CodeSize"),
                "code_sha256": fn.get("CodeSha256"),
                "last_modified": fn.get("LastModified"),
                "state": fn.get("State"),
                "image_uri": None,
                "resolved_image_uri": None,
                "tracing": (fn.get("TracingConfig") or {}).get("Mode"),
                "logging": {
                    "format": logging_config.get("LogFormat", "Text"),
                    "log_group": logging_config.get("LogGroup") or f"/aws/lambda/{name}",
                    "application_level": logging_config.get("ApplicationLogLevel"),
                    "system_level": logging_config.get("SystemLogLevel"),
                },
                "layers": [
                    {"arn": layer.get("Arn"), "code_size": layer.get("CodeSize")}
                    for layer in fn.get("Layers") or []
                ],
                "env": env_entries((fn.get("Environment") or {}).get("Variables")),
                "versions": sorted(
                    (
                        {
                            "version": v.get("Version"),
                            "description": redact_text("description", v.get("Description") or ""),
                            "runtime": v.get("Runtime"),
                            "last_modified": v.get("LastModified"),
                        }
                        for v in versions
                    ),
                    key=lambda v: int(v["version"]) if str(v["version"]).isdigit() else 0,
                ),
                "aliases": [],
                "reserved_concurrency": None,
                "provisioned_concurrency": [],
                "snap_start": (fn.get("SnapStart") or {}).get("ApplyOn", "None"),
                "ephemeral_storage": (fn.get("EphemeralStorage") or {}).get("Size"),
                "kms_key": bool(fn.get("KMSKeyArn")),
                "vpc": bool((fn.get("VpcConfig") or {}).get("SubnetIds")),
                "dead_letter": bool((fn.get("DeadLetterConfig") or {}).get("TargetArn")),
            }
        )
        # Tags, reserved concurrency and the image URI come in one call.
        details = self._optional(
            resource,
            "lambda",
            "GetFunction",
            ("tags", "reserved_concurrency", "image_uri", "resolved_image_uri"),
            lambda: client.get_function(FunctionName=name),
        )
        if details is not None:
            resource["tags"] = _tags(details.get("Tags"))
            resource["reserved_concurrency"] = (details.get("Concurrency") or {}).get(
                "ReservedConcurrentExecutions"
            )
            code = details.get("Code") or {}
            resource["image_uri"] = code.get("ImageUri")
            resource["resolved_image_uri"] = code.get("ResolvedImageUri")
        aliases = self._optional(
            resource,
            "lambda",
            "ListAliases",
            ("aliases",),
            lambda: list(_pages(client, "list_aliases", "Aliases", FunctionName=name)),
        )
        resource["aliases"] = [
            {
                "name": a.get("Name"),
                "version": a.get("FunctionVersion"),
                "routing": (a.get("RoutingConfig") or {}).get("AdditionalVersionWeights"),
            }
            for a in aliases or []
        ]
        if resource["versions"] or resource["aliases"]:  # needs a version or alias qualifier
            configs = self._optional(
                resource,
                "lambda",
                "ListProvisionedConcurrencyConfigs",
                ("provisioned_concurrency",),
                lambda: list(
                    _pages(
                        client,
                        "list_provisioned_concurrency_configs",
                        "ProvisionedConcurrencyConfigs",
                        FunctionName=name,
                    )
                ),
            )
            resource["provisioned_concurrency"] = [
                {
                    "qualifier": _qualifier(c.get("FunctionArn", "")),
                    "requested": c.get("RequestedProvisionedConcurrentExecutions"),
                    "allocated": c.get("AllocatedProvisionedConcurrentExecutions"),
                    "status": c.get("Status"),
                }
                for c in configs or []
            ]
        return resource

    def _optional(
        self,
        resource: dict,
        service: str,
        operation: str,
        fields: tuple[str, ...],
        call: Callable[[], Any],
    ) -> Any:
        """A per-resource call whose failure leaves ``fields`` unreadable, not the resource.

        After a denied or unsupported answer the operation is not tried again in this region:
        a role without ``logs:ListTagsForResource`` would otherwise fail once per log group.
        """
        if operation in self.skipped:
            resource["unreadable"] += list(fields)
            return None
        try:
            return call()
        except (ClientError, BotoCoreError) as exc:
            resource["unreadable"] += list(fields)
            if _denied_or_unsupported(exc):
                self.skipped.add(operation)
                self.error(service, f"{_error_text(exc)[:240]} (not tried again in this region)")
            else:
                self.error(service, f"{resource['name']}: {_error_text(exc)}"[:ERROR_MAX])
            return None

    # --- ECS ---

    def ecs_services(self) -> list[dict]:
        client = self.client("ecs")
        task_definitions: dict[str, dict | None] = {}
        services = []
        for cluster_arn in _pages(client, "list_clusters", "clusterArns"):
            arns = list(_pages(client, "list_services", "serviceArns", cluster=cluster_arn))
            for batch in _chunks(arns, 10):  # DescribeServices takes at most 10
                answer = client.describe_services(
                    cluster=cluster_arn, services=batch, include=["TAGS"]
                )
                for failure in answer.get("failures") or []:
                    self.error("ecs", f"{failure.get('arn')}: {failure.get('reason')}")
                services += answer.get("services") or []
        if not services:
            return []
        scaling = self._ecs_scaling()
        resources = []
        for service in services:
            td_arn = service.get("taskDefinition") or ""
            if td_arn and td_arn not in task_definitions:
                task_definitions[td_arn] = self._task_definition(client, td_arn)
            resources.append(self._ecs_resource(service, task_definitions.get(td_arn), scaling))
        return resources

    def _ecs_scaling(self) -> dict[str, dict] | None:
        """Scalable targets and policies of ECS services by ``service/cluster/name``."""
        try:
            client = self.client("application-autoscaling")
            targets = list(
                _pages(
                    client, "describe_scalable_targets", "ScalableTargets", ServiceNamespace="ecs"
                )
            )
            policies = list(
                _pages(
                    client, "describe_scaling_policies", "ScalingPolicies", ServiceNamespace="ecs"
                )
            )
        except (ClientError, BotoCoreError) as exc:
            self.error("application-autoscaling", exc)
            return None
        found: dict[str, dict] = {}
        for target in targets:
            if target.get("ScalableDimension") != "ecs:service:DesiredCount":
                continue
            suspended = target.get("SuspendedState") or {}
            found[target["ResourceId"]] = {
                "min": target.get("MinCapacity"),
                "max": target.get("MaxCapacity"),
                "suspended": any(bool(v) for v in suspended.values()),
                "policies": [],
            }
        for policy in policies:
            entry = found.get(policy.get("ResourceId", ""))
            if entry is not None:
                entry["policies"].append(
                    {"name": policy.get("PolicyName"), "type": policy.get("PolicyType")}
                )
        return found

    def _task_definition(self, client: Any, arn: str) -> dict | None:
        try:
            answer = client.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        except (ClientError, BotoCoreError) as exc:
            self.error("ecs", f"{arn}: {_error_text(exc)}"[:ERROR_MAX])
            return None
        td = answer.get("taskDefinition") or {}
        volumes = []
        for volume in td.get("volumes") or []:
            docker = volume.get("dockerVolumeConfiguration") or {}
            volumes.append(
                {
                    "name": volume.get("name"),
                    "host_path": (volume.get("host") or {}).get("sourcePath"),
                    "docker_scope": docker.get("scope") if docker else None,
                    "docker_driver": docker.get("driver") if docker else None,
                    "efs": bool(volume.get("efsVolumeConfiguration")),
                    "fsx": bool(volume.get("fsxWindowsFileServerVolumeConfiguration")),
                }
            )
        return {
            "arn": td.get("taskDefinitionArn", arn),
            "family": td.get("family"),
            "revision": td.get("revision"),
            "cpu": td.get("cpu"),
            "memory": td.get("memory"),
            "network_mode": td.get("networkMode"),
            "requires_compatibilities": td.get("requiresCompatibilities") or [],
            "task_role": bool(td.get("taskRoleArn")),
            "volumes": volumes,
            "tags": _tags(answer.get("tags")),
            "containers": [_container(c) for c in td.get("containerDefinitions") or []],
        }

    def _ecs_resource(
        self, service: dict, task_definition: dict | None, scaling: dict[str, dict] | None
    ) -> dict:
        arn = service["serviceArn"]
        cluster = (service.get("clusterArn") or "").rsplit("/", 1)[-1]
        name = service.get("serviceName") or arn.rsplit("/", 1)[-1]
        resource = self.base("ecs.service", arn, name, _tags(service.get("tags")))
        deployment = service.get("deploymentConfiguration") or {}
        breaker = deployment.get("deploymentCircuitBreaker")
        resource.update(
            {
                "cluster": cluster,
                "cluster_arn": service.get("clusterArn"),
                "status": service.get("status"),
                "desired_count": service.get("desiredCount"),
                "running_count": service.get("runningCount"),
                "launch_type": service.get("launchType"),
                "capacity_providers": [
                    s.get("capacityProvider") for s in service.get("capacityProviderStrategy") or []
                ],
                "scheduling_strategy": service.get("schedulingStrategy"),
                "deployment": {
                    "maximum_percent": deployment.get("maximumPercent"),
                    "minimum_healthy_percent": deployment.get("minimumHealthyPercent"),
                    "circuit_breaker": (
                        {"enable": breaker.get("enable"), "rollback": breaker.get("rollback")}
                        if breaker
                        else None
                    ),
                    "controller": (service.get("deploymentController") or {}).get("type", "ECS"),
                },
                "load_balancers": [
                    {
                        "target_group_arn": lb.get("targetGroupArn"),
                        "load_balancer_name": lb.get("loadBalancerName"),
                        "container_name": lb.get("containerName"),
                        "container_port": lb.get("containerPort"),
                    }
                    for lb in service.get("loadBalancers") or []
                ],
                "health_check_grace_period": service.get("healthCheckGracePeriodSeconds"),
                "task_definition_arn": service.get("taskDefinition"),
                "autoscaling": (scaling or {}).get(f"service/{cluster}/{name}"),
                "task_definition": task_definition,
            }
        )
        if scaling is None:
            resource["unreadable"].append("autoscaling")
        if task_definition is None:
            resource["unreadable"].append("task_definition")
        return resource

    # --- API Gateway ---

    def _apigateway_arn(self, path: str) -> str:
        return f"arn:{self.partition}:apigateway:{self.region}::{path}"

    def rest_stages(self) -> list[dict]:
        client = self.client("apigateway")
        resources = []
        for api in _pages(client, "get_rest_apis", "items"):
            api_id, api_name = api["id"], api.get("name") or api["id"]
            try:
                stages = client.get_stages(restApiId=api_id).get("item") or []
            except (ClientError, BotoCoreError) as exc:
                self.error("apigateway", f"{api_name}: {_error_text(exc)}"[:ERROR_MAX])
                continue
            for stage in stages:
                stage_name = stage.get("stageName", "")
                arn = self._apigateway_arn(f"/restapis/{api_id}/stages/{stage_name}")
                resource = self.base(
                    "apigateway.stage", arn, f"{api_name}/{stage_name}", _tags(stage.get("tags"))
                )
                access = stage.get("accessLogSettings") or {}
                resource.update(
                    {
                        "api_id": api_id,
                        "api_name": api_name,
                        "api_tags": _tags(api.get("tags")),
                        "stage": stage_name,
                        "protocol": "REST",
                        "deployment_id": stage.get("deploymentId"),
                        "access_logs": _access_logs(
                            access.get("destinationArn"), access.get("format")
                        ),
                        "tracing": bool(stage.get("tracingEnabled")),
                        "execution_logging": (
                            (stage.get("methodSettings") or {}).get("*/*") or {}
                        ).get("loggingLevel"),
                    }
                )
                resources.append(resource)
        return resources

    def http_stages(self) -> list[dict]:
        client = self.client("apigatewayv2")
        resources = []
        for api in _pages(client, "get_apis", "Items"):
            api_id, api_name = api["ApiId"], api.get("Name") or api["ApiId"]
            try:
                stages = list(_pages(client, "get_stages", "Items", ApiId=api_id))
            except (ClientError, BotoCoreError) as exc:
                self.error("apigatewayv2", f"{api_name}: {_error_text(exc)}"[:ERROR_MAX])
                continue
            for stage in stages:
                stage_name = stage.get("StageName", "")
                arn = self._apigateway_arn(f"/apis/{api_id}/stages/{stage_name}")
                resource = self.base(
                    "apigatewayv2.stage", arn, f"{api_name}/{stage_name}", _tags(stage.get("Tags"))
                )
                access = stage.get("AccessLogSettings") or {}
                resource.update(
                    {
                        "api_id": api_id,
                        "api_name": api_name,
                        "api_tags": _tags(api.get("Tags")),
                        "stage": stage_name,
                        "protocol": api.get("ProtocolType"),
                        "deployment_id": stage.get("DeploymentId"),
                        "auto_deploy": bool(stage.get("AutoDeploy")),
                        "access_logs": _access_logs(
                            access.get("DestinationArn"), access.get("Format")
                        ),
                        "tracing": None,  # HTTP and WebSocket APIs have no X-Ray setting
                    }
                )
                resources.append(resource)
        return resources

    # --- CloudWatch Logs ---

    def log_groups(self) -> list[dict]:
        client = self.client("logs")
        resources = []
        for group in _pages(client, "describe_log_groups", "logGroups"):
            name = group["logGroupName"]
            arn = group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*")
            resource = self.base("logs.log-group", arn, name, {})
            resource.update(
                {
                    "retention_days": group.get("retentionInDays"),
                    "stored_bytes": group.get("storedBytes"),
                    "kms": bool(group.get("kmsKeyId")),
                    "log_group_class": group.get("logGroupClass", "STANDARD"),
                    "created": group.get("creationTime"),
                    "writers": [],
                }
            )
            if self.scan.config.log_group_tags:
                answer = self._optional(
                    resource,
                    "logs",
                    "ListTagsForResource",
                    ("tags",),
                    lambda arn=arn: client.list_tags_for_resource(resourceArn=arn),
                )
                resource["tags"] = _tags((answer or {}).get("tags"))
            resources.append(resource)
        return resources


def base_partition(region: str) -> str:
    """``aws``, ``aws-cn``, ``aws-us-gov``... for ARNs the APIs do not return."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso"):
        return "aws-iso-b" if region.startswith("us-isob") else "aws-iso"
    return "aws"


def _qualifier(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[7] if len(parts) > 7 else None


def _access_logs(destination: str | None, fmt: str | None) -> dict | None:
    if not destination:
        return None
    return {"destination": destination, "format": bool(fmt)}


def _container(c: dict) -> dict:
    """One ECS container definition with values hidden (environment) or redacted."""
    log_config = c.get("logConfiguration")
    health = c.get("healthCheck")
    return {
        "name": c.get("name"),
        "image": c.get("image"),
        "essential": c.get("essential", True),
        "environment": env_entries(c.get("environment")),
        "environment_files": [
            {"type": f.get("type"), "value": f.get("value")}
            for f in c.get("environmentFiles") or []
        ],
        "secrets": [
            {"name": s.get("name"), "value_from": s.get("valueFrom")}
            for s in c.get("secrets") or []
        ],
        "log_configuration": (
            {
                "driver": log_config.get("logDriver"),
                "options": _redact_mapping(log_config.get("options")),
                "secret_options": [s.get("name") for s in log_config.get("secretOptions") or []],
            }
            if isinstance(log_config, dict)
            else None
        ),
        "firelens": (c.get("firelensConfiguration") or {}).get("type"),
        "health_check": (
            {
                "command": redact_argv(health.get("command")),
                "interval": health.get("interval"),
                "timeout": health.get("timeout"),
                "retries": health.get("retries"),
                "start_period": health.get("startPeriod"),
            }
            if isinstance(health, dict)
            else None
        ),
        "port_mappings": [
            {
                "container_port": p.get("containerPort"),
                "host_port": p.get("hostPort"),
                "protocol": p.get("protocol", "tcp"),
                "name": p.get("name"),
                "app_protocol": p.get("appProtocol"),
            }
            for p in c.get("portMappings") or []
        ],
        "mount_points": [
            {
                "source_volume": m.get("sourceVolume"),
                "container_path": m.get("containerPath"),
                "read_only": bool(m.get("readOnly")),
            }
            for m in c.get("mountPoints") or []
        ],
        "stop_timeout": c.get("stopTimeout"),
        "start_timeout": c.get("startTimeout"),
        "user": c.get("user"),
        "readonly_root_filesystem": c.get("readonlyRootFilesystem"),
        "command": redact_argv(c.get("command")),
        "entry_point": redact_argv(c.get("entryPoint")),
        "docker_labels": _redact_mapping(c.get("dockerLabels")),
        "depends_on": [
            {"container": x.get("containerName"), "condition": x.get("condition")}
            for x in c.get("dependsOn") or []
        ],
    }


def _lambda_group(resource: dict) -> str | None:
    return (resource.get("logging") or {}).get("log_group")


def _writes_to(resource: dict) -> set[str]:
    """Log group names (or ARNs, for API access logs) a resource writes to."""
    if resource["type"] == "lambda.function":
        return {g for g in [_lambda_group(resource)] if g}
    if resource["type"] == "ecs.service":
        containers = (resource.get("task_definition") or {}).get("containers") or []
        return {
            str(options["awslogs-group"])
            for c in containers
            if (options := ((c.get("log_configuration") or {}).get("options") or {}))
            and options.get("awslogs-group")
        }
    if resource["type"] in ("apigateway.stage", "apigatewayv2.stage"):
        destination = (resource.get("access_logs") or {}).get("destination") or ""
        return {destination.removesuffix(":*")} if destination else set()
    return set()


def _link_log_groups(resources: list[dict]) -> None:
    """Fill each log group's ``writers``: the resources of the region that write to it."""
    groups = [r for r in resources if r["type"] == "logs.log-group"]
    if not groups:
        return
    for resource in resources:
        targets = _writes_to(resource)
        for group in groups:
            if group["name"] in targets or group["arn"] in targets:
                group["writers"].append(resource["arn"])


# --- offline mode ----------------------------------------------------------------------------

# The request parameter that names the file of a per-resource answer
# (``lambda/get-function/<FunctionName>.json``); calls not listed here have one answer per
# region (``lambda/list-functions.json``).
OFFLINE_KEYS = {
    "get_function": "FunctionName",
    "list_aliases": "FunctionName",
    "list_provisioned_concurrency_configs": "FunctionName",
    "list_services": "cluster",
    "describe_services": "cluster",
    "describe_task_definition": "taskDefinition",
    "get_stages": ("restApiId", "ApiId"),
    "list_tags_for_resource": "resourceArn",
}
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]")


def offline_key(value: str) -> str:
    """The file name (without ``.json``) for a parameter value: an ARN's resource part
    (``cluster/prod`` -> ``prod``, ``task-definition/orders:7`` -> ``orders_7``,
    ``log-group:/aws/lambda/x`` -> ``_aws_lambda_x``) with unsafe characters as ``_``."""
    if value.startswith("arn:"):
        resource = value.split(":", 5)[5] if value.count(":") >= 5 else value
        if resource.startswith("log-group:"):
            value = resource.removeprefix("log-group:").removesuffix(":*")
        elif "/" in resource:
            value = resource.split("/", 1)[1]
        else:
            value = resource
    return _UNSAFE_FILE_CHARS.sub("_", value)


def offline_path(folder: Path, operation: str, params: dict) -> Path:
    """Where the answer to ``operation(**params)`` is stored (AWS CLI names: list-functions)."""
    command = operation.replace("_", "-")
    keys = OFFLINE_KEYS.get(operation)
    names = (keys,) if isinstance(keys, str) else keys or ()
    for name in names:
        if params.get(name):
            return folder / command / f"{offline_key(str(params[name]))}.json"
    return folder / f"{command}.json"


class _OfflinePaginator:
    def __init__(self, client: OfflineClient, operation: str) -> None:
        self.client, self.operation = client, operation

    def paginate(self, **params: Any) -> Iterator[dict]:
        # The AWS CLI follows every page itself: an export is the whole list in one answer.
        yield self.client.answer(self.operation, params)


class OfflineClient:
    """Answers the boto3 calls the collector makes from the JSON files of one service folder.

    A missing region-wide answer (``list-functions.json``) means the export holds none of that
    kind; a missing per-resource answer is an error for that resource, as a failed call would
    be. A file holding ``{"Error": {"Code", "Message"}}`` replays a failed call (an export
    made with a role that lacked a permission).
    """

    def __init__(self, folder: Path, on_request: Callable[..., None]) -> None:
        self.folder = folder
        self.on_request = on_request

    def get_paginator(self, operation: str) -> _OfflinePaginator:
        return _OfflinePaginator(self, operation)

    def __getattr__(self, operation: str) -> Callable[..., dict]:
        if operation.startswith("_"):
            raise AttributeError(operation)
        return lambda **params: self.answer(operation, params)

    def answer(self, operation: str, params: dict) -> dict:
        self.on_request()
        path = offline_path(self.folder, operation, params)
        name = "".join(part.title() for part in operation.split("_"))
        if not path.is_file():
            if operation not in OFFLINE_KEYS:
                return {}
            error = {"Code": "ResourceNotFoundException", "Message": f"no export at {path}"}
            raise ClientError({"Error": error}, name)
        try:
            answer = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            error = {"Code": "InvalidExport", "Message": f"{path}: {exc}"}
            raise ClientError({"Error": error}, name) from None
        if not isinstance(answer, dict):
            error = {"Code": "InvalidExport", "Message": f"{path}: not a JSON object"}
            raise ClientError({"Error": error}, name)
        if isinstance(answer.get("Error"), dict):
            raise ClientError({"Error": answer["Error"]}, name)
        if operation == "describe_services":  # one export per cluster; the call asks a batch
            wanted = set(params.get("services") or [])
            answer = {
                **answer,
                "services": [
                    s
                    for s in answer.get("services") or []
                    if s.get("serviceArn") in wanted or s.get("serviceName") in wanted
                ],
            }
        return answer


def _offline_accounts(config: AwsConfig) -> tuple[list[_Account], list[str]]:
    """Accounts (the export's folders) and regions (``config.regions``, else every region
    folder found) of an offline export."""
    root = Path(str(config.offline_dir))
    if not root.is_dir():
        error = f"AWS offline export {root} is not a directory"
        return [_Account(None, None, None, error)], list(config.regions) or [DEFAULT_REGION]
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    regions = list(config.regions) or sorted(
        {r.name for account in folders for r in account.iterdir() if r.is_dir()}
    )
    return [_Account(p.name, None, None) for p in folders], regions


# --- entry point -----------------------------------------------------------------------------


def collect_aws(config: AwsConfig, progress: Progress | None = None) -> dict:
    """Live facts of every configured account and region (see docs/aws-facts.md)."""
    scan = _Scan(config, progress)
    if config.offline_dir:
        accounts, regions = _offline_accounts(config)
        for account in accounts:
            if account.error:
                scan.error(None, None, "offline", account.error)
    else:
        base = boto3.Session()
        regions = list(config.regions) or [base.region_name or DEFAULT_REGION]
        accounts = _accounts(scan, base, regions)
    scan.total = len(accounts) * len(regions) * len(config.services)
    result: dict[str, Any] = {
        "schema": SCHEMA,
        "source": SOURCE,
        "accounts": [
            {"account": a.account, "role_arn": a.role_arn, "regions": regions, "error": a.error}
            for a in accounts
        ],
        "resources": [],
        "errors": [],
        "requests": 0,
    }
    units = []
    for account in accounts:
        if account.error is not None:
            scan.step(
                f"{account.account or account.role_arn}: skipped",
                len(regions) * len(config.services),
            )
            continue
        units += [_Region(scan, account, region) for region in regions]

    def run(unit: _Region) -> list[dict]:
        try:
            return unit.collect()
        except Exception as exc:  # e.g. an invalid region name: that region only is lost
            unit.error("*", exc)
            return []

    with ThreadPoolExecutor(max_workers=max(1, min(config.max_workers, len(units) or 1))) as pool:
        for found in pool.map(run, units):
            result["resources"] += found
    result["resources"].sort(key=lambda r: (r["account"], r["region"], r["type"], r["arn"]))
    result["errors"] = sorted(
        scan.errors, key=lambda e: (str(e["account"]), str(e["region"]), e["service"])
    )
    result["requests"] = scan.counter.total
    result["requests_by"] = [
        {"account": a, "region": r, "service": s, "requests": n}
        for (a, r, s), n in sorted(scan.counter.by_key.items())
    ]
    return result


# --- service mapping -------------------------------------------------------------------------

TAG_KEYS = ("service", "app", "application", "app.kubernetes.io/name")
TEAM_KEYS = ("team", "owner")


def _first_tag(keys: Iterable[str], tag_sets: list[dict]) -> str | None:
    for tags in tag_sets:
        lowered = {str(k).lower(): v for k, v in (tags or {}).items()}
        for key in keys:
            value = lowered.get(key.lower())
            if value not in (None, ""):
                return str(value)
    return None


def service_keys(
    resource: dict,
    tag_keys: Iterable[str] = TAG_KEYS,
    team_keys: Iterable[str] = TEAM_KEYS,
) -> tuple[str | None, str | None]:
    """(service name, team) a resource declares through its tags (keys matched without case).

    Without a service tag: a Lambda function is its own service (function name), an ECS
    service its service name, an API stage its API's name; a log group says nothing (it
    belongs to the resources that write to it, see :func:`service_facts`).
    """
    tag_sets = [resource.get("tags") or {}]
    if resource["type"] == "ecs.service":
        tag_sets.append((resource.get("task_definition") or {}).get("tags") or {})
    if resource["type"] in ("apigateway.stage", "apigatewayv2.stage"):
        tag_sets.append(resource.get("api_tags") or {})
    name = _first_tag(list(tag_keys), tag_sets)
    if name is None:
        if resource["type"] in ("lambda.function", "ecs.service"):
            name = resource.get("name")
        elif resource["type"] in ("apigateway.stage", "apigatewayv2.stage"):
            name = resource.get("api_name")
    return name, _first_tag(list(team_keys), tag_sets)


def service_facts(inventory: dict, service: str, **keys: Any) -> dict:
    """The per-service AWS facts checks read (``ctx.aws``): the resources whose
    :func:`service_keys` name ``service``, plus the log groups they write to."""
    resources = inventory.get("resources") or []
    own = [r for r in resources if service_keys(r, **keys)[0] == service]
    return {"schema": SCHEMA, "source": SOURCE, "resources": own + log_groups_of(resources, own)}


def log_groups_of(resources: list[dict], own: list[dict]) -> list[dict]:
    """The log groups ``own`` writes to (``writers``): an untagged ``/aws/lambda/<fn>`` group
    belongs to its function's service, and ``logs.retention`` must see it."""
    arns = {r["arn"] for r in own}
    return [
        r
        for r in resources
        if r["type"] == "logs.log-group"
        and r["arn"] not in arns
        and set(r.get("writers") or []) & arns
    ]

"""The operator documentation matches the code: IAM actions, RBAC kinds, environment variables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from scorecards.collectors.kubernetes import KINDS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
READ_PREFIXES = ("List", "Describe", "Get")


def policy_actions() -> set[str]:
    policy = json.loads((DOCS / "aws-iam-policy.json").read_text())
    actions: set[str] = set()
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions |= {listed} if isinstance(listed, str) else set(listed)
    return actions


def collector_operations() -> set[str]:
    """Every AWS operation the collector calls (paginated or direct), as IAM spells them."""
    source = (ROOT / "scorecards" / "collectors" / "aws.py").read_text()
    names = set(re.findall(r'_pages\(\s*client,\s*"(\w+)"', source))
    names |= set(re.findall(r"\bclient\.(\w+)\(", source))
    names -= {"answer", "get_paginator"}  # the offline client's own plumbing
    return {"".join(part.title() for part in name.split("_")) for name in names}


def test_the_iam_policy_grants_read_actions_only():
    for action in policy_actions():
        service, name = action.split(":")
        # API Gateway authorises by HTTP verb: GET is its read-only action.
        assert name.startswith(READ_PREFIXES) or action == "apigateway:GET", action


def test_every_call_of_the_aws_collector_is_covered_by_the_policy():
    operations = collector_operations()
    assert {"ListFunctions", "DescribeTaskDefinition", "DescribeLogGroups"} <= operations
    granted = {action.split(":")[1] for action in policy_actions()}
    # API Gateway (REST get_rest_apis/get_stages, HTTP get_apis/get_stages) is apigateway:GET.
    api_gateway = {"GetRestApis", "GetStages", "GetApis"}
    assert "apigateway:GET" in policy_actions()
    assert operations - api_gateway <= granted, operations - api_gateway - granted


def test_the_cluster_role_lists_and_gets_exactly_the_kinds_the_collector_reads():
    documents = list(yaml.safe_load_all((DOCS / "kubernetes-rbac.yaml").read_text()))
    (role,) = [d for d in documents if d["kind"] == "ClusterRole"]
    granted = set()
    for rule in role["rules"]:
        assert sorted(rule["verbs"]) == ["get", "list"]
        granted |= {
            (group, resource) for group in rule["apiGroups"] for resource in rule["resources"]
        }
    wanted = set()
    for spec in KINDS:
        group = spec.api_version.rsplit("/", 1)[0] if "/" in spec.api_version else ""
        wanted.add((group, spec.all_namespaces.removeprefix("list_").split("_for_all")[0]))
    plural = {(g, r.replace("_", "") + ("es" if r.endswith("ss") else "s")) for g, r in wanted}
    assert granted == plural
    assert not any(resource == "secrets" for _group, resource in granted)


def test_the_configuration_reference_names_every_environment_variable():
    sources = "".join(
        path.read_text() for path in [*(ROOT / "portal").glob("*.py"), ROOT / "gunicorn.conf.py"]
    )
    names = set(re.findall(r'env(?:str|list|bool|int|cron)\(\s*"([A-Z][A-Z0-9_]+)"', sources))
    names |= set(re.findall(r'(?:_env_int|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"', sources))
    reference = (DOCS / "configuration.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", reference))
    assert len(names) > 40
    assert names - documented == set()
